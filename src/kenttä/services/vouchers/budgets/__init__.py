"""The budget room: voucher budgets held offline by escrow over kenttä_sync's bounded counters.

escrow: the pure model both ends compute; orders: a supervisor's budget orders, queued
until the next sync; sync: budgets over kenttä_sync's bounded counters (HTTP or bundle);
view: what the Budgets screen and the voucher form show; share: the device's share of
each budget, kept locally so it holds with no network. Uses vouchers.common only; the
vouchers' core spends from share.
"""

from kenttä.services._lazy import lazy_exports

_EXPORTS = {
    "EscrowError": "escrow",
    "Grant": "escrow",
    "ReturnRequest": "escrow",
    "BudgetLedger": "escrow",
    "DeviceShare": "escrow",
    "remaining": "escrow",
    "check_issue": "escrow",
    "check_return": "escrow",
    "answer_amount": "escrow",
    "equal_target": "escrow",
    "Figures": "escrow",
    "USED_STATES": "escrow",
    "INVOICED_STATES": "escrow",
    "RELEASED_STATES": "escrow",
    "figures": "escrow",
    "figures_by": "escrow",
    "BudgetOrderError": "orders",
    "Order": "orders",
    "Snapshot": "orders",
    "queue_set": "orders",
    "queue_request_return": "orders",
    "waiting_in": "orders",
    "answer_in": "orders",
    "store_snapshot_in": "orders",
    "snapshot": "orders",
    "GRANT_SOURCES": "share",
    "Share": "share",
    "apply_grant_in": "share",
    "apply_grant": "share",
    "spent_in": "share",
    "shares_in": "share",
    "shares": "share",
    "remaining_for": "share",
    "choose_budget_in": "share",
    "charge_in": "share",
    "return_share": "share",
    "answer_return_request_in": "share",
    "unsent_returns": "share",
    "mark_returns_sent": "share",
    "budget_figures": "share",
    "caseworker_figures": "share",
    "ROUNDS": "sync",
    "Send": "sync",
    "period_of": "sync",
    "counter_request": "sync",
    "apply_answer_in": "sync",
    "apply_answer": "sync",
    "exchange": "sync",
    "http_send": "sync",
    "in_process": "sync",
    "RULES": "sync",
    "SetBudget": "sync",
    "plan_set": "sync",
    "set_budget": "sync",
    "budget_id_for": "sync",
    "find_budget": "sync",
    "budget_rows": "sync",
    "today_utc": "sync",
    "BudgetView": "view",
    "caseworker_rows": "view",
    "budget_view": "view",
    "IssueHint": "view",
    "issue_hint": "view",
}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
__all__ = sorted(_EXPORTS)
