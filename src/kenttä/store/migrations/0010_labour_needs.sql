-- kenttä schema version 10 (issue 16): labour needs as records of their own, clients' work
-- profiles, proposals of a client for a need, and the programme of a visit and a placement.

CREATE TABLE IF NOT EXISTS labour_needs (
  id TEXT PRIMARY KEY,
  scope TEXT,
  employer_id TEXT,
  occupation TEXT,
  title TEXT,
  headcount INTEGER,
  term TEXT,
  licences TEXT,
  skills TEXT,
  starts_on TEXT,
  status TEXT,
  recorded_on TEXT,
  visit_id TEXT,
  programme TEXT,
  _stamp TEXT NOT NULL,
  _clock TEXT,
  _deleted TEXT,
  _erased TEXT
);
CREATE INDEX IF NOT EXISTS labour_needs_open ON labour_needs (status, recorded_on);
-- the sync engine's indexes (kenttä_sync.ground.meta.index_ddl: references, natural keys),
-- which it makes only when a database is first installed
CREATE INDEX IF NOT EXISTS _ix_labour_needs_employer_id ON labour_needs (employer_id);
CREATE INDEX IF NOT EXISTS _ix_labour_needs_visit_id ON labour_needs (visit_id);

CREATE TABLE IF NOT EXISTS work_profiles (
  id TEXT PRIMARY KEY,
  scope TEXT,
  client_id TEXT,
  occupations TEXT,
  licences TEXT,
  municipalities TEXT,
  skills TEXT,
  _stamp TEXT NOT NULL,
  _clock TEXT,
  _deleted TEXT,
  _erased TEXT
);
CREATE INDEX IF NOT EXISTS _ix_work_profiles_client_id ON work_profiles (client_id);
CREATE INDEX IF NOT EXISTS _nk_work_profiles ON work_profiles (client_id);

CREATE TABLE IF NOT EXISTS proposals (
  id TEXT PRIMARY KEY,
  scope TEXT,
  need_id TEXT,
  client_id TEXT,
  proposed_by TEXT,
  proposed_on TEXT,
  coach TEXT,
  reasons TEXT,
  outcome TEXT,
  decided_on TEXT,
  placement_id TEXT,
  programme TEXT,
  _stamp TEXT NOT NULL,
  _clock TEXT,
  _deleted TEXT,
  _erased TEXT
);
CREATE INDEX IF NOT EXISTS proposals_coach ON proposals (coach, outcome);
CREATE INDEX IF NOT EXISTS _ix_proposals_need_id ON proposals (need_id);
CREATE INDEX IF NOT EXISTS _ix_proposals_client_id ON proposals (client_id);
CREATE INDEX IF NOT EXISTS _ix_proposals_placement_id ON proposals (placement_id);

ALTER TABLE visits ADD COLUMN programme TEXT;
ALTER TABLE placements ADD COLUMN programme TEXT;

-- The needs a visit carried as a JSON list become records. Their ids come from the visit's
-- id and the need's place in the list, and they carry the visit's stamp, so every laptop
-- that held the visit makes the same rows. The free-text occupation stays as the title (no
-- code can be read from it); the visit keeps its list, so old visits read as before.
INSERT OR IGNORE INTO labour_needs (id, scope, employer_id, occupation, title, headcount, term,
  licences, skills, starts_on, status, recorded_on, visit_id, programme, _stamp)
SELECT
  v.id || '-need-' || n.key,
  v.scope,
  v.employer_id,
  NULL,
  substr(coalesce(json_extract(n.value, '$.occupation'), ''), 1, 200),
  max(1, coalesce(json_extract(n.value, '$.headcount'), 1)),
  CASE WHEN json_extract(n.value, '$.long_term') THEN 'long' ELSE 'short' END,
  '[]',
  coalesce(json_extract(n.value, '$.skills'), ''),
  json_extract(n.value, '$.when'),
  'open',
  v.visited_on,
  v.id,
  NULL,
  v._stamp
FROM visits v, json_each(CASE WHEN json_valid(v.labour_needs) THEN v.labour_needs ELSE '[]' END) n
WHERE v.labour_needs IS NOT NULL AND v._deleted IS NULL AND v._erased IS NULL;
