"""The Today screen's data: what is due for the person at the laptop."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from kenttä.domain.codes import VoucherStatus
from kenttä.services.clients import plans
from kenttä.services.context import Workspace
from kenttä.services.employers import matching, placements, visits
from kenttä.services.records import LIVE
from kenttä.services.reports import followups
from kenttä.services.sync import status as sync_status

HORIZON_DAYS = 7
VOUCHER_DAYS = 14
OPEN_VOUCHER = (VoucherStatus.ISSUED.value, VoucherStatus.PROVIDER_CHOSEN.value)


@dataclass
class TodaySummary:
    today: date
    steps_due: list[dict[str, Any]] = field(default_factory=list)
    follow_ups: list[dict[str, Any]] = field(default_factory=list)
    visits_due: list[dict[str, Any]] = field(default_factory=list)
    vouchers_expiring: list[dict[str, Any]] = field(default_factory=list)
    exit_checks: list[dict[str, Any]] = field(default_factory=list)
    proposals: list[dict[str, Any]] = field(default_factory=list)  # issue 16: for the coach
    unsynced: int = 0
    last_sync: str | None = None


def vouchers_expiring(
    ws: Workspace, *, today: date, within_days: int, owner: str | None = None
) -> list[dict[str, Any]]:
    """Open vouchers whose validity ends within `within_days`, soonest first.

    The rule of `vouchers.expiring`, read as plain rows: that module (and the domain models
    under it) is not on the app's start path. tests/services/test_today_vouchers.py checks
    that both list the same vouchers.
    """
    until = (today + timedelta(days=within_days)).isoformat()
    rows = ws.store.conn.execute(
        "SELECT id, number, client_id, service_code, valid_until, status FROM vouchers"
        " WHERE status IN (?, ?) AND valid_until >= ? AND valid_until <= ?"
        f" AND {LIVE} ORDER BY valid_until, number",
        (*OPEN_VOUCHER, today.isoformat(), until),
    ).fetchall()
    keys = ("id", "number", "client_id", "service_code", "valid_until", "status")
    items = [dict(zip(keys, r, strict=True)) for r in rows]
    ids = sorted({i["client_id"] for i in items})
    names: dict[str, tuple[str, str, str | None]] = {}
    if ids:
        marks = ",".join("?" * len(ids))
        for cid, first, last, client_owner in ws.store.conn.execute(
            f"SELECT id, first_name, last_name, owner FROM clients WHERE id IN ({marks})", ids
        ):
            names[cid] = (first, last, client_owner)
    for item in items:
        item["first_name"], item["last_name"], item["owner"] = names.get(
            item["client_id"], ("", "", None)
        )
    if owner is None:
        return items
    team = {  # the clients whose team `owner` is on: theirs too (issue 15 point 7)
        r[0]
        for r in ws.store.conn.execute(
            f"SELECT client_id FROM client_team WHERE member = ? AND {LIVE}", (owner,)
        )
    }
    return [i for i in items if i["owner"] == owner or i["client_id"] in team]


def today_summary(ws: Workspace, *, today: date, owner: str | None = None) -> TodaySummary:
    """What is due within a week (vouchers: two); `owner` keeps one person's clients only."""
    until = today + timedelta(days=HORIZON_DAYS)
    state = sync_status.status(ws)
    return TodaySummary(
        today=today,
        steps_due=plans.due_steps(ws, until=until, owner=owner),
        follow_ups=placements.follow_ups_due(ws, today=today, owner=owner)[:50],
        visits_due=visits.visits_due(ws, until=until),
        vouchers_expiring=vouchers_expiring(ws, today=today, within_days=VOUCHER_DAYS, owner=owner),
        exit_checks=followups.exit_checks_for_today(ws, today=today, until=until, owner=owner),
        proposals=matching.open_proposals(ws, coach=owner),
        unsynced=state.unsynced,
        last_sync=state.last_sync,
    )
