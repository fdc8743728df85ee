"""Company visits (yrityskäynnit): purpose, labour needs, openings, the next contact."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import TYPE_CHECKING, Any

from kenttä.services.context import Workspace
from kenttä.services.privacy import audit_in
from kenttä.services.records import LIVE, live_scope
from kenttä.services.refusal import Refused
from kenttä.services.roles import require

# The models (pydantic) load on the first write: the Today screen reads this module at
# start-up (tests/test_startup.py).
if TYPE_CHECKING:
    from kenttä.domain.models import LabourNeed, Visit

_NEED = re.compile(r"^(?P<occupation>.*?)(?:\s*[x×*]?\s*(?P<count>\d+))?$")
_KEYS = (
    "id",
    "employer_id",
    "visited_on",
    "visitors",
    "purpose",
    "labour_needs",
    "openings",
    "next_contact",
    "notes",
    "programme",
)


def parse_needs(text: str, *, long_term: bool) -> list[LabourNeed]:
    """`hitsaaja 2, myyjä` → two needs: 2 welders and 1 shop assistant.

    Needs are separated by commas or semicolons; a trailing number (optionally after x or ×)
    is the headcount.
    """
    from kenttä.domain.models import LabourNeed

    needs = []
    for part in re.split(r"[;,\n]", text):
        part = part.strip()
        if not part:
            continue
        match = _NEED.match(part)
        occupation = (match.group("occupation") if match else part).strip() or part
        count = int(match.group("count")) if match and match.group("count") else 1
        needs.append(LabourNeed(occupation=occupation, headcount=count, long_term=long_term))
    return needs


def log_visit(
    ws: Workspace,
    *,
    employer_id: str,
    visited_on: date,
    purpose: str,
    labour_needs: list[LabourNeed] | list[dict[str, Any]] | None = None,
    openings: list[str] | None = None,
    next_contact: date | None = None,
    notes: str = "",
    visitors: list[str] | None = None,
    needs: list[dict[str, Any]] | None = None,
    programme: str | None = None,
) -> Visit:
    """Validate and store a visit and the needs recorded at it (records of their own, in the
    same transaction: `needs` holds their fields, see employers.needs); audited."""
    from kenttä.domain.models import LabourNeed, Visit
    from kenttä.services.employers import needs as need_records

    require(ws, "edit_employer")
    scope = live_scope(ws, "employers", employer_id, Refused("no_employer", "no such employer"))
    if next_contact is not None and next_contact < visited_on:
        raise Refused("next_before_visit", "next contact is before the visit")
    visit = Visit(
        employer_id=employer_id,
        visited_on=visited_on,
        visitors=visitors or [ws.user],
        purpose=purpose,
        labour_needs=[
            n if isinstance(n, LabourNeed) else LabourNeed.model_validate(n)
            for n in labour_needs or []
        ],
        openings=openings or [],
        next_contact=next_contact,
        notes=notes,
        programme=(programme or "").strip() or None,
        scope=scope or ws.config.scope,
    )
    records = [
        need_records.need_record(
            ws,
            fields,
            employer_id=employer_id,
            recorded_on=visited_on,
            visit_id=visit.id,
            programme=visit.programme,
            scope=visit.scope,
        )
        for fields in needs or []
    ]
    with ws.store.replica.transaction(ws.user) as tx:
        tx.insert("visits", visit.to_row())
        audit_in(tx, ws, "create", "visits", visit.id, scope=visit.scope)
        need_records.insert_needs(tx, ws, records)
        if visit.purpose == "sponsor_agreement":  # the agreement makes a sponsor (issue 16)
            _make_sponsor(tx, ws, employer_id, visited_on, scope)
    return visit


def _make_sponsor(tx: Any, ws: Workspace, employer_id: str, began: date, scope: str | None) -> None:
    """In the visit's transaction: the employer becomes a sponsor since the visit's day (an
    employer that already is one keeps the day its agreement began)."""
    sponsor, since = tx.conn.execute(
        "SELECT sponsor, sponsor_since FROM employers WHERE id = ?", (employer_id,)
    ).fetchone()
    changes: dict[str, Any] = {}
    if not sponsor:
        changes["sponsor"] = True
    if not sponsor or not since:
        changes["sponsor_since"] = began.isoformat()
    if changes:
        changed = tx.update("employers", employer_id, changes)
        if changed:
            audit_in(tx, ws, "change", "employers", employer_id, ",".join(changed), scope)


def list_visits(ws: Workspace, employer_id: str, *, limit: int = 50) -> list[dict[str, Any]]:
    rows = ws.store.conn.execute(
        f"SELECT {', '.join(_KEYS)} FROM visits WHERE employer_id = ? AND {LIVE}"
        " ORDER BY visited_on DESC, id DESC LIMIT ?",
        (employer_id, limit),
    ).fetchall()
    out = []
    for row in rows:
        item = dict(zip(_KEYS, row, strict=True))
        for key in ("visitors", "labour_needs", "openings"):
            item[key] = json.loads(item[key]) if item[key] else []
        out.append(item)
    _needs_from_records(ws, out)
    return out


def _needs_from_records(ws: Workspace, items: list[dict[str, Any]]) -> None:
    """A visit recorded since issue 16 keeps its needs as records (employers.needs): show
    them in the shape of the old list, so the card reads every visit alike."""
    from kenttä.domain.occupations import occupation_name
    from kenttä.services.employers import needs

    recorded = needs.of_visits(ws, [i["id"] for i in items if not i["labour_needs"]])
    for item in items:
        for need in recorded.get(item["id"], []):
            item["labour_needs"].append(
                {
                    "occupation": need["title"] or occupation_name(need["occupation"]),
                    "headcount": need["headcount"],
                    "skills": need["skills"],
                    "when": need["starts_on"],
                    "long_term": need["term"] == "long",
                }
            )


def visits_due(ws: Workspace, *, until: date, limit: int = 50) -> list[dict[str, Any]]:
    """Employers whose latest planned next contact is on or before `until`."""
    rows = ws.store.conn.execute(
        "SELECT e.id, e.name, max(v.next_contact) AS due FROM visits v"
        " JOIN employers e ON e.id = v.employer_id AND e._deleted IS NULL"
        " WHERE v._deleted IS NULL AND v.next_contact IS NOT NULL"
        " GROUP BY e.id HAVING due <= ?"
        "  AND due >= (SELECT coalesce(max(v2.visited_on), '') FROM visits v2"
        "              WHERE v2.employer_id = e.id AND v2._deleted IS NULL)"
        " ORDER BY due, e.name LIMIT ?",
        (until.isoformat(), limit),
    ).fetchall()
    return [dict(zip(("employer_id", "name", "due"), r, strict=True)) for r in rows]
