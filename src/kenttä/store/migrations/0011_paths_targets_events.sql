-- kenttä schema version 11 (issue 16): placement paths, sponsor since, programme targets,
-- information events and their attendees.

-- A placement may follow another (work trial → wage-subsidised job → apprenticeship or
-- job); a supported apprenticeship keeps its learning periods (JSON) and the association
-- that employs (an employer id).
ALTER TABLE placements ADD COLUMN follows TEXT;
ALTER TABLE placements ADD COLUMN learning_periods TEXT;
ALTER TABLE placements ADD COLUMN employed_by TEXT;
CREATE INDEX IF NOT EXISTS placements_follows ON placements (follows) WHERE follows IS NOT NULL;

-- The day a sponsor employer's agreement began.
ALTER TABLE employers ADD COLUMN sponsor_since TEXT;

-- A supervisor's targets per programme (natural key: programme).
CREATE TABLE IF NOT EXISTS programme_targets (
  id TEXT PRIMARY KEY,
  scope TEXT,
  programme TEXT,
  participants INTEGER,
  positive_path_rate REAL,
  participating_companies INTEGER,
  network_size INTEGER,
  sponsor_employers INTEGER,
  coachings_purchased INTEGER,
  _stamp TEXT NOT NULL,
  _clock TEXT,
  _deleted TEXT,
  _erased TEXT
);
CREATE INDEX IF NOT EXISTS programme_targets_programme ON programme_targets (programme);

-- Information events (TOPI: schools, fairs) and the clients who attended them.
CREATE TABLE IF NOT EXISTS info_events (
  id TEXT PRIMARY KEY,
  scope TEXT,
  held_on TEXT,
  place TEXT,
  organisers TEXT,
  attended INTEGER,
  employer_id TEXT,
  notes TEXT,
  _stamp TEXT NOT NULL,
  _clock TEXT,
  _deleted TEXT,
  _erased TEXT
);
CREATE INDEX IF NOT EXISTS info_events_held ON info_events (held_on, id);

CREATE TABLE IF NOT EXISTS event_attendees (
  id TEXT PRIMARY KEY,
  scope TEXT,
  event_id TEXT,
  client_id TEXT,
  _stamp TEXT NOT NULL,
  _clock TEXT,
  _deleted TEXT,
  _erased TEXT
);
CREATE INDEX IF NOT EXISTS event_attendees_event ON event_attendees (event_id);
CREATE INDEX IF NOT EXISTS event_attendees_client ON event_attendees (client_id);
