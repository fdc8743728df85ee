"""Placements: a client at an employer (work trial, wage-subsidised job, …); their follow-ups
are in follow_ups.py."""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from kenttä.domain.codes import PlacementKind
from kenttä.services.context import Workspace
from kenttä.services.employers import follow_ups
from kenttä.services.privacy import audit_in
from kenttä.services.records import LIVE, live_scope, whose_sql
from kenttä.services.refusal import Refused
from kenttä.services.roles import require

# The models (pydantic) load on the first write: the Today screen reads this module at
# start-up (tests/test_startup.py).
if TYPE_CHECKING:
    from kenttä.domain.models import Placement

_SELECT = (
    "SELECT p.id, p.client_id, c.first_name, c.last_name, p.employer_id, e.name, p.kind,"
    " p.start_date, p.end_date, p.follow_ups, p.follows, p.learning_periods, p.employed_by,"
    " a.name FROM placements p"
    " LEFT JOIN clients c ON c.id = p.client_id AND c._erased IS NULL"
    " LEFT JOIN employers e ON e.id = p.employer_id"
    " LEFT JOIN employers a ON a.id = p.employed_by"
)
_KEYS = (
    "id",
    "client_id",
    "first_name",
    "last_name",
    "employer_id",
    "employer",
    "kind",
    "start_date",
    "end_date",
    "follow_ups",
    "follows",
    "learning_periods",
    "employed_by",
    "employed_by_name",
)


def _dicts(rows: list[tuple]) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        item = dict(zip(_KEYS, row, strict=True))
        for key in ("follow_ups", "learning_periods"):
            item[key] = json.loads(item[key]) if item[key] else []
        out.append(item)
    return out


def add_placement(
    ws: Workspace,
    *,
    client_id: str,
    employer_id: str,
    kind: str,
    start_date: date,
    end_date: date | None = None,
    follows: str | None = None,
    learning_periods: list[Any] | None = None,
    employed_by: str | None = None,
) -> Placement:
    """A placement; `follows` makes it the next step of a path (services/employers/paths)."""
    from kenttä.domain.models import Placement

    require(ws, "record_placement")
    scope = live_scope(ws, "clients", client_id, Refused("no_client", "no such client"))
    if (
        ws.store.conn.execute(
            f"SELECT 1 FROM employers WHERE id = ? AND {LIVE}", (employer_id,)
        ).fetchone()
        is None
    ):
        raise Refused("no_employer", "no such employer")
    if end_date is not None and end_date < start_date:
        raise Refused("placement_dates", "end date is before the start date")
    placement = Placement(
        client_id=client_id,
        employer_id=employer_id,
        kind=kind,
        start_date=start_date,
        end_date=end_date,
        follows=follows or None,
        learning_periods=learning_periods or [],
        employed_by=employed_by or None,
        scope=scope or ws.config.scope,
    )
    check_next_step(ws, placement)
    with ws.store.replica.transaction(ws.user) as tx:
        tx.insert("placements", placement.to_row())
        audit_in(tx, ws, "create", "placements", placement.id, scope=placement.scope)
    return placement


def for_client(ws: Workspace, client_id: str) -> list[dict[str, Any]]:
    return _placements_of(ws, "client_id", client_id)


def for_employer(ws: Workspace, employer_id: str) -> list[dict[str, Any]]:
    return _placements_of(ws, "employer_id", employer_id)


def _placements_of(
    ws: Workspace, column: Literal["client_id", "employer_id"], record_id: str
) -> list[dict[str, Any]]:
    """The live placements whose `column` is `record_id`, the latest first, with follow-ups."""
    rows = ws.store.conn.execute(
        f"{_SELECT} WHERE p.{column} = ? AND p._deleted IS NULL AND p._erased IS NULL"
        " ORDER BY p.start_date DESC",
        (record_id,),
    ).fetchall()
    return follow_ups.attach(ws, _dicts(rows))


def follow_ups_due(
    ws: Workspace, *, today: date, every_days: int = 30, owner: str | None = None
) -> list[dict[str, Any]]:
    """Ongoing placements whose follow-up is due: the next date the last follow-up set has
    come, or, without one, no follow-up (or start) within `every_days`."""
    rows = ws.store.conn.execute(
        f"{_SELECT} WHERE p._deleted IS NULL AND p._erased IS NULL AND p.start_date <= ?"
        " AND (p.end_date IS NULL OR p.end_date >= ?)"
        f" AND (? IS NULL OR {whose_sql('c')})"
        " ORDER BY p.start_date",
        (today.isoformat(), today.isoformat(), owner, owner, owner),
    ).fetchall()
    due = []
    for item in follow_ups.attach(ws, _dicts(rows)):
        records = item["follow_up_records"]
        last = max([item["start_date"], *(f["contacted_on"] for f in records)])
        latest = records[0] if records else None
        if latest is not None and latest["next_date"]:
            is_due = date.fromisoformat(latest["next_date"]) <= today
        else:
            is_due = (today - date.fromisoformat(last)).days >= every_days
        if is_due:
            item["last_contact"] = last
            due.append(item)
    return due


def check_next_step(ws: Workspace, placement: Placement) -> None:
    """A step of a path (services/employers/paths) as it may be; refuse (ValueError, one line) a placement that cannot be the step it claims to be."""
    if placement.follows:
        row = ws.store.conn.execute(
            f"SELECT client_id, start_date FROM placements WHERE id = ? AND {LIVE}",
            (placement.follows,),
        ).fetchone()
        if row is None or row[0] != placement.client_id:
            raise Refused(
                "placement_follows", "the placement it follows is not one of this client's"
            )
        if placement.start_date.isoformat() < row[1]:
            raise Refused(
                "placement_before", "a path's next step cannot start before the step it follows"
            )
        taken = ws.store.conn.execute(
            f"SELECT 1 FROM placements WHERE follows = ? AND {LIVE}", (placement.follows,)
        ).fetchone()
        if taken is not None:
            raise Refused("placement_next_taken", "that placement already has a next step")
    supported = placement.employed_by or placement.learning_periods
    if supported and placement.kind != PlacementKind.APPRENTICESHIP.value:
        raise Refused(
            "placement_apprenticeship",
            "learning periods and an employing association are for apprenticeships",
        )
    if placement.employed_by and (
        ws.store.conn.execute(
            f"SELECT 1 FROM employers WHERE id = ? AND {LIVE}", (placement.employed_by,)
        ).fetchone()
        is None
    ):
        raise Refused("no_association", "no such employing association")
