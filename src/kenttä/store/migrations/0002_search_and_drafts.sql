-- kenttä schema version 2: full-text search (Finnish-aware), lookup indexes, local drafts.
-- Natural keys (henkilötunnus, Y-tunnus, voucher number) are indexed but not UNIQUE: the
-- services keep them unique locally, and sync briefly holds two rows while it merges them.
-- unicode61 with remove_diacritics 0 keeps ä, ö and å distinct from a and o.

CREATE INDEX IF NOT EXISTS clients_henkilotunnus ON clients (henkilotunnus)
  WHERE henkilotunnus IS NOT NULL;
CREATE INDEX IF NOT EXISTS clients_name ON clients (last_name, first_name, id);
CREATE INDEX IF NOT EXISTS clients_status ON clients (status, programme);
CREATE INDEX IF NOT EXISTS clients_owner ON clients (owner);
CREATE INDEX IF NOT EXISTS employers_y_tunnus ON employers (y_tunnus)
  WHERE y_tunnus IS NOT NULL;
CREATE INDEX IF NOT EXISTS employers_name ON employers (name, id);
CREATE INDEX IF NOT EXISTS notes_client ON notes (client_id, written_at);
CREATE INDEX IF NOT EXISTS assessments_client ON assessments (client_id);
CREATE INDEX IF NOT EXISTS plans_client ON plans (client_id);
CREATE INDEX IF NOT EXISTS plan_steps_plan ON plan_steps (plan_id);
CREATE INDEX IF NOT EXISTS plan_steps_due ON plan_steps (status, due_date);
CREATE INDEX IF NOT EXISTS visits_employer ON visits (employer_id, visited_on);
CREATE INDEX IF NOT EXISTS visits_next ON visits (next_contact);
CREATE INDEX IF NOT EXISTS placements_client ON placements (client_id);
CREATE INDEX IF NOT EXISTS placements_employer ON placements (employer_id);
CREATE INDEX IF NOT EXISTS vouchers_number ON vouchers (number);
CREATE INDEX IF NOT EXISTS vouchers_client ON vouchers (client_id);
CREATE INDEX IF NOT EXISTS vouchers_valid ON vouchers (status, valid_until);
CREATE INDEX IF NOT EXISTS outcomes_client ON outcomes (client_id, checkpoint);
CREATE INDEX IF NOT EXISTS outcomes_due ON outcomes (checked_on, due_on);
CREATE INDEX IF NOT EXISTS audit_record ON audit_events (record_table, record_id, at);

CREATE VIRTUAL TABLE IF NOT EXISTS notes_fts USING fts5 (
  body, content='notes', content_rowid='rowid',
  tokenize='unicode61 remove_diacritics 0', prefix='2 3'
);
CREATE TRIGGER IF NOT EXISTS notes_fts_ai AFTER INSERT ON notes BEGIN
  INSERT INTO notes_fts (rowid, body) VALUES (new.rowid, new.body);
END;
CREATE TRIGGER IF NOT EXISTS notes_fts_ad AFTER DELETE ON notes BEGIN
  INSERT INTO notes_fts (notes_fts, rowid, body) VALUES ('delete', old.rowid, old.body);
END;
CREATE TRIGGER IF NOT EXISTS notes_fts_au AFTER UPDATE OF body ON notes BEGIN
  INSERT INTO notes_fts (notes_fts, rowid, body) VALUES ('delete', old.rowid, old.body);
  INSERT INTO notes_fts (rowid, body) VALUES (new.rowid, new.body);
END;

CREATE VIRTUAL TABLE IF NOT EXISTS clients_fts USING fts5 (
  first_name, last_name, content='clients', content_rowid='rowid',
  tokenize='unicode61 remove_diacritics 0', prefix='1 2 3'
);
CREATE TRIGGER IF NOT EXISTS clients_fts_ai AFTER INSERT ON clients BEGIN
  INSERT INTO clients_fts (rowid, first_name, last_name)
  VALUES (new.rowid, new.first_name, new.last_name);
END;
CREATE TRIGGER IF NOT EXISTS clients_fts_ad AFTER DELETE ON clients BEGIN
  INSERT INTO clients_fts (clients_fts, rowid, first_name, last_name)
  VALUES ('delete', old.rowid, old.first_name, old.last_name);
END;
CREATE TRIGGER IF NOT EXISTS clients_fts_au AFTER UPDATE OF first_name, last_name ON clients BEGIN
  INSERT INTO clients_fts (clients_fts, rowid, first_name, last_name)
  VALUES ('delete', old.rowid, old.first_name, old.last_name);
  INSERT INTO clients_fts (rowid, first_name, last_name)
  VALUES (new.rowid, new.first_name, new.last_name);
END;

CREATE VIRTUAL TABLE IF NOT EXISTS employers_fts USING fts5 (
  name, content='employers', content_rowid='rowid',
  tokenize='unicode61 remove_diacritics 0', prefix='1 2 3'
);
CREATE TRIGGER IF NOT EXISTS employers_fts_ai AFTER INSERT ON employers BEGIN
  INSERT INTO employers_fts (rowid, name) VALUES (new.rowid, new.name);
END;
CREATE TRIGGER IF NOT EXISTS employers_fts_ad AFTER DELETE ON employers BEGIN
  INSERT INTO employers_fts (employers_fts, rowid, name) VALUES ('delete', old.rowid, old.name);
END;
CREATE TRIGGER IF NOT EXISTS employers_fts_au AFTER UPDATE OF name ON employers BEGIN
  INSERT INTO employers_fts (employers_fts, rowid, name) VALUES ('delete', old.rowid, old.name);
  INSERT INTO employers_fts (rowid, name) VALUES (new.rowid, new.name);
END;

-- Rows that existed before this version (an upgrade) are indexed now.
INSERT INTO notes_fts (notes_fts) VALUES ('rebuild');
INSERT INTO clients_fts (clients_fts) VALUES ('rebuild');
INSERT INTO employers_fts (employers_fts) VALUES ('rebuild');

-- Local only, never replicated: the autosaved draft of a note being written.
CREATE TABLE IF NOT EXISTS drafts (
  key TEXT PRIMARY KEY,
  body TEXT NOT NULL,
  saved_at TEXT NOT NULL
);
