"""Follow-ups: the 28-day and 6-month outcome checks (ESF+) that are due.

A check is due when its due date is on or before `today + window_days` and it has not been
done. Two sources, one list:
- a row of the outcomes table with checkpoint `days_28` or `months_6`, `checked_on` empty;
- a finished client with an `exit_date` and no outcomes row (checked or not) for that
  checkpoint: the check is derived, due 28 days after the exit date, or six calendar months
  after it (clamped to the month's end: exit 31 Aug → due 28/29 Feb).
Only live rows of live clients count (never tombstoned or erased ones). `since` drops checks
due before it (an old register imported whole would otherwise list years of overdue checks).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from kenttä.services.context import Workspace
from kenttä.services.records import whose_sql
from kenttä.services.reports._base import LIVE, add_months, to_day

CHECKPOINTS = ("days_28", "months_6")


def due_date(checkpoint: str, exit_date: date) -> date:
    """When a check falls due after an exit."""
    if checkpoint == "days_28":
        return exit_date + timedelta(days=28)
    return add_months(exit_date, 6)


@dataclass(frozen=True)
class FollowUp:
    client_id: str
    checkpoint: str  # days_28 | months_6
    due_on: date
    exit_date: date | None
    programme: str | None
    owner: str | None
    outcome_id: str | None  # the outcomes row; None when derived from the exit date
    first_name: str  # names for the app's screens only, never printed by the CLI
    last_name: str
    overdue: bool

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def as_today_item(self) -> dict[str, Any]:
        """The shape of the Today screen's `exit_checks` items (names included: screens only)."""
        return {
            "id": self.outcome_id or f"{self.client_id}:{self.checkpoint}",
            "client_id": self.client_id,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "checkpoint": self.checkpoint,
            "due_on": self.due_on.isoformat(),
            "overdue": self.overdue,
            "derived": self.outcome_id is None,
        }

    def as_dict(self) -> dict[str, Any]:
        """Without personal data: what the CLI prints and exports."""
        return {
            "client_id": self.client_id,
            "checkpoint": self.checkpoint,
            "due_on": self.due_on.isoformat(),
            "exit_date": self.exit_date.isoformat() if self.exit_date else None,
            "programme": self.programme,
            "owner": self.owner,
            "outcome_id": self.outcome_id,
            "source": "outcomes" if self.outcome_id else "exit_date",
            "overdue": self.overdue,
        }


def due_followups(
    ws: Workspace,
    today: date,
    *,
    window_days: int = 14,
    programme: str | None = None,
    owner: str | None = None,
    since: date | None = None,
    with_team: bool = False,
) -> list[FollowUp]:
    """The checks due by `today + window_days`, oldest first; `with_team`: `owner`'s clients
    include those whose team they are on (Today), not only those they are responsible for."""
    horizon = today + timedelta(days=window_days)
    conn = ws.store.conn
    sql = (
        "SELECT id, programme, owner, status, exit_date, first_name, last_name FROM clients"
        f" WHERE {LIVE}"
    )
    args: list[Any] = []
    if programme is not None:
        sql += " AND programme = ?"
        args.append(programme)
    if owner is not None and with_team:
        sql += f" AND {whose_sql('clients')}"
        args += [owner, owner]
    elif owner is not None:
        sql += " AND owner = ?"
        args.append(owner)
    # Only the clients a check can be due for: finished with an exit date (derived checks) or
    # with an unchecked follow-up row (indexed; reading every client cost a supervisor's Today
    # screen 0.2 s on 100 000 clients).
    sql += (
        " AND ((status = 'finished' AND exit_date IS NOT NULL) OR id IN (SELECT client_id"
        f" FROM outcomes WHERE {LIVE} AND checked_on IS NULL"
        " AND checkpoint IN ('days_28', 'months_6')))"
    )
    clients = {r[0]: r for r in conn.execute(sql, args)}
    rows: dict[tuple[str, str], list[tuple[str, str | None, str | None]]] = {}
    for oid, client_id, checkpoint, due_on, checked_on in conn.execute(
        f"SELECT id, client_id, checkpoint, due_on, checked_on FROM outcomes WHERE {LIVE}"
        " AND checkpoint IN ('days_28', 'months_6') ORDER BY id"
    ):
        if client_id in clients:
            rows.setdefault((client_id, checkpoint), []).append((oid, due_on, checked_on))
    found: list[FollowUp] = []

    def add(cid: str, checkpoint: str, due: date, outcome_id: str | None) -> None:
        if due > horizon or (since is not None and due < since):
            return
        _, prog, own, _status, exit_text, first, last = clients[cid]
        found.append(
            FollowUp(
                client_id=cid,
                checkpoint=checkpoint,
                due_on=due,
                exit_date=to_day(exit_text),
                programme=prog,
                owner=own,
                outcome_id=outcome_id,
                first_name=first or "",
                last_name=last or "",
                overdue=due < today,
            )
        )

    for (cid, checkpoint), entries in rows.items():
        for oid, due_text, checked in entries:
            due = to_day(due_text)
            if checked is None and due is not None:
                add(cid, checkpoint, due, oid)
    for cid, (_, _p, _o, status, exit_text, _f, _l) in clients.items():
        exit_date = to_day(exit_text)
        if status != "finished" or exit_date is None:
            continue
        for checkpoint in CHECKPOINTS:
            if (cid, checkpoint) not in rows:
                add(cid, checkpoint, due_date(checkpoint, exit_date), None)
    found.sort(key=lambda f: (f.due_on, f.checkpoint, f.client_id))
    return found


def exit_checks_for_today(
    ws: Workspace, *, today: date, until: date, owner: str | None = None, limit: int = 50
) -> list[dict[str, Any]]:
    """For the Today screen: checks due by `until` (derived ones included), oldest first."""
    found = due_followups(ws, today, window_days=(until - today).days, owner=owner, with_team=True)
    return [f.as_today_item() for f in found[:limit]]
