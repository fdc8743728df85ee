-- kenttä schema version 8 (issue 15 points 6 and 9): the service tray as data a supervisor
-- keeps, and placement follow-ups with content. Older rows read as before: a service or
-- provider without retired_on is offered, a service without programmes serves every
-- programme, and a placement's old follow_ups list of dates stays readable beside the new
-- records (services/employers/follow_ups.py shows both).

ALTER TABLE services ADD COLUMN name_sv TEXT;
ALTER TABLE services ADD COLUMN programmes TEXT;
ALTER TABLE services ADD COLUMN retired_on TEXT;

ALTER TABLE providers ADD COLUMN contact_name TEXT;
ALTER TABLE providers ADD COLUMN contact_phone TEXT;
ALTER TABLE providers ADD COLUMN contact_email TEXT;
ALTER TABLE providers ADD COLUMN retired_on TEXT;

CREATE TABLE IF NOT EXISTS placement_follow_ups (
  id TEXT PRIMARY KEY,
  scope TEXT,
  placement_id TEXT,
  client_id TEXT,
  employer_id TEXT,
  contacted_on TEXT,
  contacted TEXT,
  how_it_goes TEXT,
  next_date TEXT,
  author TEXT,
  _stamp TEXT NOT NULL,
  _clock TEXT,
  _deleted TEXT,
  _erased TEXT
);
-- the sync engine's reference indexes (a new database makes them at install; same names)
CREATE INDEX IF NOT EXISTS _ix_placement_follow_ups_placement_id
  ON placement_follow_ups (placement_id);
CREATE INDEX IF NOT EXISTS _ix_placement_follow_ups_client_id ON placement_follow_ups (client_id);
CREATE INDEX IF NOT EXISTS _ix_placement_follow_ups_employer_id
  ON placement_follow_ups (employer_id);
