-- kenttä schema version 6: screening lists and client segments (issue 15 points 3 and 8).
-- A client's segment (Polku) is a column of the client, a code of the replicated
-- `segments` list a supervisor keeps (code is its natural key: two laptops adding the same
-- code offline become one row at sync). The screening list's per-client lookups use the
-- reference indexes the replica made (_ix_<table>_client_id) and notes_client; assessments
-- get one by day, and the segment filter its own.

ALTER TABLE clients ADD COLUMN segment TEXT;

CREATE TABLE IF NOT EXISTS segments (
  id TEXT PRIMARY KEY,
  scope TEXT,
  code TEXT,
  name_fi TEXT,
  name_sv TEXT,
  name_en TEXT,
  retired_on TEXT,
  _stamp TEXT NOT NULL,
  _clock TEXT,
  _deleted TEXT,
  _erased TEXT
);
CREATE INDEX IF NOT EXISTS segments_code ON segments (code);
CREATE INDEX IF NOT EXISTS clients_segment ON clients (segment) WHERE segment IS NOT NULL;
CREATE INDEX IF NOT EXISTS assessments_client_day ON assessments (client_id, assessed_on);
