"""The device's share of each voucher budget, kept locally so it holds with no network.

`voucher_grants` (migration 0003, local, never replicated) holds what the central store
granted this device per budget, and this device's returns as negative rows. `voucher_ledger`
records which budget each voucher issued here was charged to. For a budget:

    granted   = Σ voucher_grants.granted_cents
    spent     = Σ value of this device's vouchers in it that are not cancelled or expired
    remaining = granted − spent

The arithmetic and the argument for why the sum issued stays within the budget are in
`kenttä.services.vouchers.budgets.escrow`; this module is its store-backed device half. The sync client calls
`apply_grant_in` for grants it receives and sends `unsent_returns`, then `mark_returns_sent`.
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass
from datetime import date

from kenttä_sync.ground import uuid7

from kenttä.domain import localtime
from kenttä.domain.codes import VoucherStatus
from kenttä.services.context import Workspace, utc_now
from kenttä.services.roles import require
from kenttä.services.vouchers.budgets import escrow
from kenttä.services.vouchers.common import RELEASED, VoucherError, eur

GRANT_SOURCES = ("rule", "request", "central", "move", "return")

_SPENT = (
    "SELECT COALESCE(SUM(l.value_cents), 0) FROM voucher_ledger l"
    " LEFT JOIN vouchers v ON v.id = l.voucher_id"
    " WHERE l.budget_id = ? AND (v.status IS NULL OR v.status NOT IN (?, ?))"
)


@dataclass(frozen=True)
class Share:
    """This device's share of one budget, as of now."""

    budget_id: str
    programme: str
    period_start: str
    period_end: str
    granted_cents: int
    spent_cents: int
    remaining_cents: int

    def as_dict(self) -> dict:
        return asdict(self)


def apply_grant_in(
    conn: sqlite3.Connection,
    *,
    grant_id: str,
    budget_id: str,
    programme: str,
    period_start: date | str,
    period_end: date | str,
    granted_cents: int,
    source: str = "central",
    granted_at: str | None = None,
) -> bool:
    """Record a grant from the central store inside the caller's transaction.

    Idempotent by grant_id (a re-sent sync reply is harmless); False when already applied.
    """
    if source not in GRANT_SOURCES:
        raise VoucherError(f"unknown grant source {source!r}", code="bad_grant")
    start, end = str(period_start), str(period_end)
    if end < start:
        raise VoucherError("a budget period cannot end before it starts", code="bad_grant")
    cur = conn.execute(
        "INSERT OR IGNORE INTO voucher_grants (grant_id, budget_id, programme, period_start,"
        " period_end, granted_cents, granted_at, source, sent_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            grant_id,
            budget_id,
            programme,
            start,
            end,
            int(granted_cents),
            granted_at or utc_now().isoformat(timespec="seconds"),
            source,
            None,
        ),
    )
    return cur.rowcount == 1


def apply_grant(
    ws: Workspace,
    *,
    grant_id: str,
    budget_id: str,
    programme: str,
    period_start: date | str,
    period_end: date | str,
    granted_cents: int,
    source: str = "central",
    granted_at: str | None = None,
) -> bool:
    """`apply_grant_in` in a transaction of its own (e.g. a grant typed in by hand, tests)."""
    conn = ws.store.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        applied = apply_grant_in(
            conn,
            grant_id=grant_id,
            budget_id=budget_id,
            programme=programme,
            period_start=period_start,
            period_end=period_end,
            granted_cents=granted_cents,
            source=source,
            granted_at=granted_at,
        )
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:  # SQLite may have rolled back itself (disk full)
            conn.execute("ROLLBACK")
        raise
    return applied


def spent_in(conn: sqlite3.Connection, budget_id: str) -> int:
    return int(conn.execute(_SPENT, (budget_id, *RELEASED)).fetchone()[0])


def shares_in(
    conn: sqlite3.Connection, *, programme: str | None = None, on: date | None = None
) -> list[Share]:
    """Every budget this device holds a share of (or those of a programme, current on a day)."""
    where, params = [], []
    if programme is not None:
        where.append("programme = ?")
        params.append(programme)
    having = ""
    if on is not None:
        having = " HAVING min(period_start) <= ? AND max(period_end) >= ?"
        params += [on.isoformat(), on.isoformat()]
    sql = (
        "SELECT budget_id, min(programme), min(period_start), max(period_end),"
        " SUM(granted_cents) FROM voucher_grants"
        + (f" WHERE {' AND '.join(where)}" if where else "")
        + " GROUP BY budget_id"
        + having
        + " ORDER BY min(programme), max(period_end), budget_id"
    )
    result = []
    for budget_id, prog, start, end, granted in conn.execute(sql, params).fetchall():
        spent = spent_in(conn, budget_id)
        result.append(
            Share(budget_id, prog, start, end, granted, spent, escrow.remaining(granted, spent))
        )
    return result


def shares(ws: Workspace, *, programme: str | None = None, on: date | None = None) -> list[Share]:
    return shares_in(ws.store.conn, programme=programme, on=on)


def remaining_for(ws: Workspace, programme: str, today: date | None = None) -> int:
    """What this device can still issue for a programme today (cents; 0 with no share):
    the largest remaining share among the programme's current budgets."""
    current = shares_in(ws.store.conn, programme=programme, on=today or localtime.today())
    return max((max(s.remaining_cents, 0) for s in current), default=0)


def choose_budget_in(conn: sqlite3.Connection, programme: str, value_cents: int, on: date) -> str:
    """The budget a voucher of `value_cents` issued on `on` is charged to, or VoucherError.

    Of the programme's budgets current that day, the first (earliest ending) whose remaining
    share covers the value. Call inside the issuing transaction, so the check and the charge
    are one step even with two processes on one database.
    """
    current = shares_in(conn, programme=programme, on=on)
    for share in current:
        try:
            escrow.check_issue(value_cents, share.remaining_cents)
        except escrow.EscrowError:
            continue
        return share.budget_id
    best = max((s.remaining_cents for s in current), default=0)
    hint = "" if current else " (no share granted to this device yet: sync with the office)"
    raise VoucherError(
        f"voucher of {eur(value_cents)} exceeds this device's remaining voucher budget of"
        f" {eur(max(best, 0))} for {programme}{hint}",
        code="over_budget",
        value_cents=value_cents,
        remaining_cents=max(best, 0),
        programme=programme,
    )


def charge_in(
    conn: sqlite3.Connection,
    *,
    voucher_id: str,
    number: str,
    budget_id: str,
    programme: str,
    value_cents: int,
    issued_on: date,
    issued_by: str,
) -> None:
    conn.execute(
        "INSERT INTO voucher_ledger (voucher_id, number, budget_id, programme, value_cents,"
        " issued_on, issued_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (voucher_id, number, budget_id, programme, value_cents, issued_on.isoformat(), issued_by),
    )


def _return_in(
    conn: sqlite3.Connection, budget_id: str, cents: int, request_id: str | None = None
) -> str:
    row = conn.execute(
        "SELECT programme, period_start, period_end FROM voucher_grants"
        " WHERE budget_id = ? LIMIT 1",
        (budget_id,),
    ).fetchone()
    if row is None:
        raise VoucherError("this device holds no share of that budget", code="no_budget")
    left = _remaining_in(conn, budget_id)
    try:
        escrow.check_return(cents, left)
    except escrow.EscrowError as exc:
        raise VoucherError(str(exc), code="over_return", remaining_cents=left) from None
    grant_id = uuid7()
    apply_grant_in(
        conn,
        grant_id=grant_id,
        budget_id=budget_id,
        programme=row[0],
        period_start=row[1],
        period_end=row[2],
        granted_cents=-cents,
        source="return",
    )
    if request_id is not None:
        conn.execute(
            "UPDATE voucher_grants SET request_id = ? WHERE grant_id = ?", (request_id, grant_id)
        )
    return grant_id


def _remaining_in(conn: sqlite3.Connection, budget_id: str) -> int:
    granted = conn.execute(
        "SELECT COALESCE(SUM(granted_cents), 0) FROM voucher_grants WHERE budget_id = ?",
        (budget_id,),
    ).fetchone()[0]
    return escrow.remaining(granted, spent_in(conn, budget_id))


def return_share(ws: Workspace, budget_id: str, cents: int) -> str:
    """Give back unused share of a budget; it leaves this device's share at once and reaches
    the central store at the next sync. Returns the return's id."""
    require(ws, "issue_voucher")
    conn = ws.store.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        grant_id = _return_in(conn, budget_id, cents)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:  # SQLite may have rolled back itself (disk full)
            conn.execute("ROLLBACK")
        raise
    return grant_id


def answer_return_request_in(
    conn: sqlite3.Connection, *, request_id: str, budget_id: str, cents: int
) -> int:
    """The central store asks for up to `cents` of this budget back (to move it elsewhere):
    return what is unspent now, up to that. Called by the sync client inside its transaction;
    answering the same request again returns nothing more. Returns the cents given back."""
    answered = conn.execute(
        "SELECT 1 FROM voucher_grants WHERE request_id = ?", (request_id,)
    ).fetchone()
    if answered is not None:
        return 0
    exists = conn.execute(
        "SELECT 1 FROM voucher_grants WHERE budget_id = ? LIMIT 1", (budget_id,)
    ).fetchone()
    if exists is None:
        return 0
    amount = escrow.answer_amount(cents, _remaining_in(conn, budget_id))
    if amount > 0:
        _return_in(conn, budget_id, amount, request_id)
    return amount


def unsent_returns(ws: Workspace) -> list[dict]:
    """Returns made here that the central store has not acknowledged: for the sync client."""
    rows = ws.store.conn.execute(
        "SELECT grant_id, budget_id, -granted_cents, request_id FROM voucher_grants"
        " WHERE source = 'return' AND sent_at IS NULL ORDER BY grant_id"
    ).fetchall()
    return [{"return_id": r[0], "budget_id": r[1], "cents": r[2], "request_id": r[3]} for r in rows]


def mark_returns_sent(ws: Workspace, return_ids: list[str]) -> None:
    conn = ws.store.conn
    at = utc_now().isoformat(timespec="seconds")
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.executemany(
            "UPDATE voucher_grants SET sent_at = ? WHERE grant_id = ? AND source = 'return'",
            [(at, rid) for rid in return_ids],
        )
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:  # SQLite may have rolled back itself (disk full)
            conn.execute("ROLLBACK")
        raise


def budget_figures(ws: Workspace) -> list[dict]:
    """Per budget this device holds: granted, issued, used, invoiced, remaining (cents)."""
    conn = ws.store.conn
    result = []
    for share in shares_in(conn):
        rows = conn.execute(
            "SELECT COALESCE(v.status, ?), l.value_cents FROM voucher_ledger l"
            " LEFT JOIN vouchers v ON v.id = l.voucher_id WHERE l.budget_id = ?",
            (VoucherStatus.ISSUED.value, share.budget_id),
        ).fetchall()
        fig = escrow.figures(0, share.granted_cents, rows)
        entry = {
            "budget_id": share.budget_id,
            "programme": share.programme,
            "period_start": share.period_start,
            "period_end": share.period_end,
        }
        entry.update(fig.as_dict())
        del entry["budget_cents"]  # the whole budget is known to the central store only
        result.append(entry)
    return result


def caseworker_figures(ws: Workspace) -> dict[str, dict[str, int]]:
    """Issued, used and invoiced value of vouchers issued on this device, per caseworker."""
    rows = ws.store.conn.execute(
        "SELECT l.issued_by, COALESCE(v.status, ?), l.value_cents FROM voucher_ledger l"
        " LEFT JOIN vouchers v ON v.id = l.voucher_id",
        (VoucherStatus.ISSUED.value,),
    ).fetchall()
    return {
        who: {
            k: v
            for k, v in fig.as_dict().items()
            if k in ("issued_cents", "used_cents", "invoiced_cents")
        }
        for who, fig in escrow.figures_by(0, {}, rows).items()
    }
