-- kenttä schema version 4: a supervisor's voucher budget orders made on this laptop, and the
-- central store's budget figures as the last sync brought them. Local only, never
-- replicated (no sync metadata, not in SCHEMA, so the sync schema's version stays): orders
-- wait here until the counter exchange of the next sync (HTTP or bundle) carries them.

-- One row per order. order_id is made here, so the central store applies an order once
-- however often it is sent; body is the order as sent (kenttä_sync.counters.orders' form).
-- An order is sent again with every exchange until an answer marks it done or refused.
CREATE TABLE IF NOT EXISTS budget_orders (
  order_id TEXT PRIMARY KEY,
  op TEXT NOT NULL,        -- set | request_return
  body TEXT NOT NULL,      -- JSON
  made_at TEXT NOT NULL,
  made_by TEXT NOT NULL,
  answered_at TEXT,        -- NULL: waiting for the next sync
  outcome TEXT,            -- done | refused
  code TEXT,               -- why it was refused: a stable code (the screens' catalogue)
  reason TEXT,             -- the office's one-line reason
  details TEXT             -- JSON: the reason's amounts
);
CREATE INDEX IF NOT EXISTS budget_orders_waiting ON budget_orders (answered_at, made_at);

-- The central figures the last exchange answered with (a supervisor's device only): one
-- row, replaced at every exchange.
CREATE TABLE IF NOT EXISTS budget_snapshot (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  taken_at TEXT NOT NULL,  -- the office's time (UTC, ISO 8601) when it read the figures
  received_at TEXT NOT NULL,
  budgets TEXT NOT NULL,   -- JSON: the rows of `kenttä server budget show --json`
  devices TEXT NOT NULL    -- JSON: the active devices (id, code, role, name)
);
