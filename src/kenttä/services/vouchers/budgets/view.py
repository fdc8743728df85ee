"""What the Budgets screen and the voucher form show of voucher budgets, in one read each.

For this device, per budget (programme, period): granted, issued, used, invoiced and
remaining (`voucher_budget.budget_figures`), and per caseworker and programme what was
issued here; for a supervisor, the central figures as of the last sync and the budget
orders waiting for it or answered (`budget_orders`). No Textual here: the screen calls
these in a worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from kenttä.domain.codes import VoucherStatus
from kenttä.services.context import Workspace
from kenttä.services.roles import may, role_of
from kenttä.services.vouchers.budgets import escrow
from kenttä.services.vouchers.budgets import orders as budget_orders
from kenttä.services.vouchers.budgets.orders import Order, Snapshot
from kenttä.services.vouchers.budgets.share import budget_figures, remaining_for

_FIGURES = ("issued_cents", "used_cents", "invoiced_cents")


@dataclass(frozen=True)
class BudgetView:
    device_id: str
    device_code: str | None
    role: str
    may_order: bool  # a supervisor: sets budgets, moves share, sees the central figures
    budgets: list[dict[str, Any]]  # this device's share per budget (cents)
    caseworkers: list[dict[str, Any]]  # per caseworker and programme, issued here
    snapshot: Snapshot | None
    orders: list[Order]


def caseworker_rows(ws: Workspace) -> list[dict[str, Any]]:
    """Issued, used and invoiced value of the vouchers issued on this device, per
    caseworker and programme (cents), sorted."""
    rows = ws.store.conn.execute(
        "SELECT l.issued_by || char(31) || l.programme, COALESCE(v.status, ?), l.value_cents"
        " FROM voucher_ledger l LEFT JOIN vouchers v ON v.id = l.voucher_id",
        (VoucherStatus.ISSUED.value,),
    ).fetchall()
    out = []
    for key, fig in escrow.figures_by(0, {}, rows).items():
        who, _, programme = key.partition("\x1f")
        out.append({"caseworker": who, "programme": programme,
                    **{k: getattr(fig, k) for k in _FIGURES}})  # fmt: skip
    return out


def budget_view(ws: Workspace) -> BudgetView:
    supervisor = may(ws, "set_budget")
    return BudgetView(
        device_id=ws.device_id,
        device_code=ws.store.replica.state("device_code"),
        role=role_of(ws),
        may_order=supervisor,
        budgets=budget_figures(ws),
        caseworkers=caseworker_rows(ws),
        snapshot=budget_orders.snapshot(ws) if supervisor else None,
        orders=budget_orders.orders(ws) if supervisor else [],
    )


@dataclass(frozen=True)
class IssueHint:
    """What the voucher form says of the money: the programme and what remains of it."""

    programme: str | None
    remaining_cents: int
    has_share: bool


def issue_hint(ws: Workspace, client_id: str, today: date) -> IssueHint:
    """The client's programme (else the device's) and this device's remaining share of it
    today, as `vouchers.issue_voucher` will charge it."""
    row = ws.store.conn.execute(
        "SELECT programme FROM clients WHERE id = ?", (client_id,)
    ).fetchone()
    programme = (row[0] if row else None) or ws.config.programme
    if not programme:
        return IssueHint(None, 0, False)
    has_share = ws.store.conn.execute(
        "SELECT 1 FROM voucher_grants WHERE programme = ? AND period_start <= ?"
        " AND period_end >= ? LIMIT 1",
        (programme, today.isoformat(), today.isoformat()),
    ).fetchone()
    return IssueHint(programme, remaining_for(ws, programme, today), has_share is not None)
