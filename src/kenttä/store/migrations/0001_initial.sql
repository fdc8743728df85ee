-- kenttä schema version 1: the replicated tables, the change log and sync state.
-- Frozen: never edit a migration that has shipped; add a new one.

CREATE TABLE IF NOT EXISTS clients (
  id TEXT PRIMARY KEY,
  scope TEXT,
  henkilotunnus TEXT,
  first_name TEXT,
  last_name TEXT,
  birth_date TEXT,
  sex TEXT,
  gender TEXT,
  municipality TEXT,
  postal_code TEXT,
  language TEXT,
  phone TEXT,
  email TEXT,
  education TEXT,
  labour_status TEXT,
  unemployed_since TEXT,
  benefit_days INTEGER,
  referral_source TEXT,
  programme TEXT,
  status TEXT,
  owner TEXT,
  consent INTEGER,
  entry_date TEXT,
  exit_date TEXT,
  outcome TEXT,
  disability TEXT,
  foreign_background TEXT,
  minority TEXT,
  homelessness TEXT,
  _stamp TEXT NOT NULL,
  _clock TEXT,
  _deleted TEXT,
  _erased TEXT
);

CREATE TABLE IF NOT EXISTS notes (
  id TEXT PRIMARY KEY,
  scope TEXT,
  client_id TEXT,
  author TEXT,
  written_at TEXT,
  kind TEXT,
  body TEXT,
  corrects TEXT,
  _stamp TEXT NOT NULL,
  _clock TEXT,
  _deleted TEXT,
  _erased TEXT
);

CREATE TABLE IF NOT EXISTS assessments (
  id TEXT PRIMARY KEY,
  scope TEXT,
  client_id TEXT,
  assessed_on TEXT,
  assessors TEXT,
  ratings TEXT,
  strengths TEXT,
  obstacles TEXT,
  recommended_services TEXT,
  _stamp TEXT NOT NULL,
  _clock TEXT,
  _deleted TEXT,
  _erased TEXT
);

CREATE TABLE IF NOT EXISTS plans (
  id TEXT PRIMARY KEY,
  scope TEXT,
  client_id TEXT,
  goal TEXT,
  created_on TEXT,
  reviewed_on TEXT,
  _stamp TEXT NOT NULL,
  _clock TEXT,
  _deleted TEXT,
  _erased TEXT
);

CREATE TABLE IF NOT EXISTS plan_steps (
  id TEXT PRIMARY KEY,
  scope TEXT,
  plan_id TEXT,
  client_id TEXT,
  description TEXT,
  service_code TEXT,
  due_date TEXT,
  status TEXT,
  _stamp TEXT NOT NULL,
  _clock TEXT,
  _deleted TEXT,
  _erased TEXT
);

CREATE TABLE IF NOT EXISTS employers (
  id TEXT PRIMARY KEY,
  scope TEXT,
  y_tunnus TEXT,
  name TEXT,
  kind TEXT,
  industry TEXT,
  municipality TEXT,
  contact_name TEXT,
  contact_phone TEXT,
  contact_email TEXT,
  network_since TEXT,
  sponsor INTEGER,
  _stamp TEXT NOT NULL,
  _clock TEXT,
  _deleted TEXT,
  _erased TEXT
);

CREATE TABLE IF NOT EXISTS visits (
  id TEXT PRIMARY KEY,
  scope TEXT,
  employer_id TEXT,
  visited_on TEXT,
  visitors TEXT,
  purpose TEXT,
  labour_needs TEXT,
  openings TEXT,
  next_contact TEXT,
  notes TEXT,
  _stamp TEXT NOT NULL,
  _clock TEXT,
  _deleted TEXT,
  _erased TEXT
);

CREATE TABLE IF NOT EXISTS placements (
  id TEXT PRIMARY KEY,
  scope TEXT,
  client_id TEXT,
  employer_id TEXT,
  kind TEXT,
  start_date TEXT,
  end_date TEXT,
  follow_ups TEXT,
  _stamp TEXT NOT NULL,
  _clock TEXT,
  _deleted TEXT,
  _erased TEXT
);

CREATE TABLE IF NOT EXISTS services (
  id TEXT PRIMARY KEY,
  scope TEXT,
  code TEXT,
  name TEXT,
  category TEXT,
  default_value_cents INTEGER,
  _stamp TEXT NOT NULL,
  _clock TEXT,
  _deleted TEXT,
  _erased TEXT
);

CREATE TABLE IF NOT EXISTS providers (
  id TEXT PRIMARY KEY,
  scope TEXT,
  y_tunnus TEXT,
  name TEXT,
  services TEXT,
  _stamp TEXT NOT NULL,
  _clock TEXT,
  _deleted TEXT,
  _erased TEXT
);

CREATE TABLE IF NOT EXISTS vouchers (
  id TEXT PRIMARY KEY,
  scope TEXT,
  number TEXT,
  client_id TEXT,
  service_code TEXT,
  provider_id TEXT,
  value_cents INTEGER,
  issued_on TEXT,
  valid_until TEXT,
  status TEXT,
  issued_by TEXT,
  budget_id TEXT,
  _stamp TEXT NOT NULL,
  _clock TEXT,
  _deleted TEXT,
  _erased TEXT
);

CREATE TABLE IF NOT EXISTS outcomes (
  id TEXT PRIMARY KEY,
  scope TEXT,
  client_id TEXT,
  checkpoint TEXT,
  due_on TEXT,
  checked_on TEXT,
  outcome TEXT,
  _stamp TEXT NOT NULL,
  _clock TEXT,
  _deleted TEXT,
  _erased TEXT
);

CREATE TABLE IF NOT EXISTS feedback (
  id TEXT PRIMARY KEY,
  scope TEXT,
  client_id TEXT,
  given_on TEXT,
  service_code TEXT,
  rating INTEGER,
  comment TEXT,
  _stamp TEXT NOT NULL,
  _clock TEXT,
  _deleted TEXT,
  _erased TEXT
);

CREATE TABLE IF NOT EXISTS audit_events (
  id TEXT PRIMARY KEY,
  scope TEXT,
  at TEXT,
  actor TEXT,
  device_id TEXT,
  action TEXT,
  record_table TEXT,
  record_id TEXT,
  detail TEXT,
  _stamp TEXT NOT NULL,
  _clock TEXT,
  _deleted TEXT,
  _erased TEXT
);

CREATE TABLE IF NOT EXISTS _changes (
  seq INTEGER PRIMARY KEY,
  change_id TEXT NOT NULL UNIQUE,
  device_id TEXT NOT NULL,
  device_seq INTEGER NOT NULL,
  tbl TEXT NOT NULL,
  row_id TEXT NOT NULL,
  col TEXT,
  op TEXT NOT NULL,
  value TEXT,
  stamp TEXT NOT NULL,
  prev_stamp TEXT,
  tx_id TEXT NOT NULL,
  author TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS _changes_row ON _changes (tbl, row_id);
CREATE TABLE IF NOT EXISTS _sync_state (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
