-- kenttä schema version 3: the device's side of voucher budget escrow. Local only, never
-- replicated (no sync metadata, not in SCHEMA): the central store fills voucher_grants on
-- sync; the device adds its own returns of unused share (negative rows) for the next sync.

-- Each row adds granted_cents (negative: returned) to this device's share of one budget.
-- grant_id is made by whoever made the row (central store or this device), so applying the
-- same grant twice, e.g. a re-sent sync reply, is harmless (INSERT OR IGNORE).
CREATE TABLE IF NOT EXISTS voucher_grants (
  grant_id TEXT PRIMARY KEY,
  budget_id TEXT NOT NULL,
  programme TEXT NOT NULL,
  period_start TEXT NOT NULL,
  period_end TEXT NOT NULL,
  granted_cents INTEGER NOT NULL,
  granted_at TEXT NOT NULL,
  source TEXT NOT NULL,  -- rule | request | central | return | move
  sent_at TEXT,          -- for rows made here (returns): when the central store received it
  request_id TEXT        -- a return answering the central store's request: the request's id
);
CREATE UNIQUE INDEX IF NOT EXISTS voucher_grants_request ON voucher_grants (request_id)
  WHERE request_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS voucher_grants_programme
  ON voucher_grants (programme, period_start, period_end);

-- The vouchers this device issued and from which budget: what the share is spent on. The
-- value is copied at issue (vouchers' values never change), so the share's arithmetic does
-- not depend on replicated columns other than the voucher's status.
CREATE TABLE IF NOT EXISTS voucher_ledger (
  voucher_id TEXT PRIMARY KEY,
  number TEXT NOT NULL,
  budget_id TEXT NOT NULL,
  programme TEXT NOT NULL,
  value_cents INTEGER NOT NULL,
  issued_on TEXT NOT NULL,
  issued_by TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS voucher_ledger_budget ON voucher_ledger (budget_id);
