"""Placement follow-ups with content (issue 15 point 9, Kuopio: contact with the employer
after a placement): who was contacted, how it goes, the next date.

Each follow-up is a row of the replicated `placement_follow_ups` table, entered from the
client card and the employer card. A placement's older `follow_ups` list (dates only)
stays readable: `for_placements` shows those dates as follow-ups without content, beside
the new records, and a date a record now covers is not shown twice.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from kenttä.services.context import Workspace
from kenttä.services.privacy import audit_in
from kenttä.services.records import LIVE
from kenttä.services.refusal import Refused
from kenttä.services.roles import require, require_scope


class FollowUpError(ValueError):
    """A follow-up refused: a one-line reason with no personal data (`code` for screens)."""

    def __init__(self, reason: str, *, code: str = "invalid") -> None:
        super().__init__(reason)
        self.code = code


def record_follow_up(
    ws: Workspace,
    placement_id: str,
    *,
    contacted_on: date,
    contacted: str,
    how_it_goes: str = "",
    next_date: date | None = None,
) -> Any:
    """Record a contact after a placement; returns the PlacementFollowUp written."""
    from pydantic import ValidationError

    from kenttä.domain.models import PlacementFollowUp

    require(ws, "record_placement")
    row = ws.store.conn.execute(
        f"SELECT client_id, employer_id, scope FROM placements WHERE id = ? AND {LIVE}",
        (placement_id,),
    ).fetchone()
    if row is None:
        raise FollowUpError("no such placement", code="no_placement")
    require_scope(ws, row[2])
    if next_date is not None and next_date < contacted_on:
        raise FollowUpError("the next date is before the contact", code="next_before_contact")
    try:
        follow_up = PlacementFollowUp(
            placement_id=placement_id,
            client_id=row[0],
            employer_id=row[1],
            contacted_on=contacted_on,
            contacted=contacted,
            how_it_goes=how_it_goes,
            next_date=next_date,
            author=ws.user,
            scope=row[2] or ws.config.scope,
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        inner = first.get("ctx", {}).get("error")
        raise FollowUpError(
            f"{where}: {first['msg']}",
            code=inner.code if isinstance(inner, Refused) else "follow_up_invalid",
        ) from None
    with ws.store.replica.transaction(ws.user) as tx:
        tx.insert("placement_follow_ups", follow_up.to_row())
        audit_in(
            tx, ws, "create", "placement_follow_ups", follow_up.id, "follow-up",
            scope=follow_up.scope,
        )  # fmt: skip
    return follow_up


_COLUMNS = ("id", "placement_id", "contacted_on", "contacted", "how_it_goes", "next_date", "author")


def for_placements(ws: Workspace, placement_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Each placement's follow-ups, newest first: the records, and the older dates-only
    entries (`legacy`: True, no content) on days no record covers."""
    out: dict[str, list[dict[str, Any]]] = {pid: [] for pid in placement_ids}
    if not placement_ids:
        return out
    marks = ",".join("?" * len(placement_ids))
    conn = ws.store.conn
    for values in conn.execute(
        f"SELECT {', '.join(_COLUMNS)} FROM placement_follow_ups"
        f" WHERE placement_id IN ({marks}) AND {LIVE}",
        placement_ids,
    ):
        item = dict(zip(_COLUMNS, values, strict=True))
        item["legacy"] = False
        out[item["placement_id"]].append(item)
    for pid, text in conn.execute(
        f"SELECT id, follow_ups FROM placements WHERE id IN ({marks})", placement_ids
    ):
        covered = {f["contacted_on"] for f in out[pid]}
        for day in json.loads(text) if text else []:
            if day not in covered:
                out[pid].append(
                    {
                        "id": None, "placement_id": pid, "contacted_on": day, "contacted": None,
                        "how_it_goes": "", "next_date": None, "author": None, "legacy": True,
                    }
                )  # fmt: skip
    for items in out.values():
        items.sort(key=lambda f: (f["contacted_on"], f["id"] or ""), reverse=True)
    return out


def attach(ws: Workspace, placements: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The placements (dicts with `id`), each with its `follow_up_records`, newest first."""
    found = for_placements(ws, [p["id"] for p in placements])
    for p in placements:
        p["follow_up_records"] = found.get(p["id"], [])
    return placements
