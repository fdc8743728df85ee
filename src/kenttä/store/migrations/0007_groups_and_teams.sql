-- kenttä schema version 7: group coaching (a group, its sessions, who attended) and a
-- client's team of co-workers besides the responsible coach (issue 15 points 4 and 7).
-- Replicated tables: every column of the model (store/schema.py) and the sync metadata.

CREATE TABLE IF NOT EXISTS coaching_groups (
  id TEXT PRIMARY KEY,
  scope TEXT,
  name TEXT,
  programme TEXT,
  place TEXT,
  coaches TEXT,
  started_on TEXT,
  _stamp TEXT NOT NULL,
  _clock TEXT,
  _deleted TEXT,
  _erased TEXT
);

CREATE TABLE IF NOT EXISTS group_sessions (
  id TEXT PRIMARY KEY,
  scope TEXT,
  group_id TEXT,
  held_on TEXT,
  place TEXT,
  coaches TEXT,
  topic TEXT,
  _stamp TEXT NOT NULL,
  _clock TEXT,
  _deleted TEXT,
  _erased TEXT
);
CREATE INDEX IF NOT EXISTS group_sessions_group ON group_sessions (group_id, held_on);

CREATE TABLE IF NOT EXISTS group_attendance (
  id TEXT PRIMARY KEY,
  scope TEXT,
  session_id TEXT,
  client_id TEXT,
  present INTEGER,
  note_id TEXT,
  _stamp TEXT NOT NULL,
  _clock TEXT,
  _deleted TEXT,
  _erased TEXT
);

CREATE TABLE IF NOT EXISTS client_team (
  id TEXT PRIMARY KEY,
  scope TEXT,
  client_id TEXT,
  member TEXT,  -- the user name of the co-worker (user is reserved in PostgreSQL)
  role TEXT,
  _stamp TEXT NOT NULL,
  _clock TEXT,
  _deleted TEXT,
  _erased TEXT
);
CREATE INDEX IF NOT EXISTS client_team_member ON client_team (member);

-- The sync module's indexes of these tables' references (kenttä_sync.ground.meta.index_ddl,
-- by its names): a database made before this version had them installed without these tables.
CREATE INDEX IF NOT EXISTS _ix_group_sessions_group_id ON group_sessions (group_id);
CREATE INDEX IF NOT EXISTS _ix_group_attendance_session_id ON group_attendance (session_id);
CREATE INDEX IF NOT EXISTS _ix_group_attendance_client_id ON group_attendance (client_id);
CREATE INDEX IF NOT EXISTS _ix_group_attendance_note_id ON group_attendance (note_id);
CREATE INDEX IF NOT EXISTS _ix_client_team_client_id ON client_team (client_id);
