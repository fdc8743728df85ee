"""Employers: the keyset-paged list and search, the card, and changes (sponsor status)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from kenttä.domain.models import Employer
from kenttä.services.context import Workspace
from kenttä.services.employers import placements, visits
from kenttä.services.employers.paths import paths_for_employer
from kenttä.services.privacy import audit_in
from kenttä.services.records import LIVE
from kenttä.services.roles import require, require_scope
from kenttä.services.search import fts_prefix_query, prefix_range

LIST_COLUMNS = ("id", "name", "y_tunnus", "kind", "municipality", "sponsor", "industry")


class EmployerError(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class EmployerRow:
    id: str
    name: str
    y_tunnus: str | None
    kind: str | None
    municipality: str | None
    sponsor: bool
    industry: str | None
    next_contact: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.name, self.id)


def list_employers(
    ws: Workspace,
    *,
    query: str = "",
    sponsor: bool | None = None,
    after: tuple[str, str] | None = None,
    limit: int = 50,
) -> list[EmployerRow]:
    """One page of employers in name order; search by name prefix or Y-tunnus prefix."""
    where = ["e._deleted IS NULL AND e._erased IS NULL"]
    params: list[Any] = []
    text = query.strip()
    if text:
        if text[0].isdigit():
            lo, hi = prefix_range(text)
            where.append("e.y_tunnus >= ? AND e.y_tunnus < ?")
            params += [lo, hi]
        else:
            fts = fts_prefix_query(text)
            if fts is None:
                return []
            where.append("e.rowid IN (SELECT rowid FROM employers_fts WHERE employers_fts MATCH ?)")
            params.append(fts)
    if sponsor is not None:
        where.append("e.sponsor = ?")
        params.append(int(sponsor))
    if after is not None:
        where.append("(e.name, e.id) > (?, ?)")
        params += list(after)
    sql = (
        f"SELECT {', '.join('e.' + c for c in LIST_COLUMNS)},"
        " (SELECT max(v.next_contact) FROM visits v WHERE v.employer_id = e.id"
        "  AND v._deleted IS NULL)"
        f" FROM employers e WHERE {' AND '.join(where)} ORDER BY e.name, e.id LIMIT ?"
    )
    rows = ws.store.conn.execute(sql, (*params, limit)).fetchall()
    return [EmployerRow(r[0], r[1], r[2], r[3], r[4], bool(r[5]), r[6], r[7]) for r in rows]


def get_employer(ws: Workspace, employer_id: str) -> Employer:
    cur = ws.store.conn.execute(f"SELECT * FROM employers WHERE id = ? AND {LIVE}", (employer_id,))
    row = cur.fetchone()
    if row is None:
        raise EmployerError("not_found", "no such employer")
    names = [d[0] for d in cur.description]
    data = {k: v for k, v in zip(names, row, strict=True) if not k.startswith("_")}
    data["sponsor"] = bool(data.get("sponsor"))
    return Employer.model_validate(data)


def create_employer(ws: Workspace, **fields: Any) -> Employer:
    require(ws, "edit_employer")
    fields.setdefault("scope", ws.config.scope)
    employer = Employer.model_validate(fields)
    require_scope(ws, employer.scope)
    if (
        employer.y_tunnus
        and ws.store.conn.execute(
            f"SELECT 1 FROM employers WHERE y_tunnus = ? AND {LIVE}", (employer.y_tunnus,)
        ).fetchone()
    ):
        raise EmployerError("duplicate_ytunnus", "an employer with this Y-tunnus exists")
    with ws.store.replica.transaction(ws.user) as tx:
        tx.insert("employers", employer.to_row())
        audit_in(tx, ws, "create", "employers", employer.id, scope=employer.scope)
    return employer


def update_employer(ws: Workspace, employer_id: str, **changes: Any) -> Employer:
    require(ws, "edit_employer")
    current = get_employer(ws, employer_id)
    require_scope(ws, current.scope)
    updated = Employer.model_validate(current.model_dump(mode="json") | changes)
    new_row, old_row = updated.to_row(), current.to_row()
    diff = {k: v for k, v in new_row.items() if v != old_row.get(k) and k != "id"}
    if diff:
        with ws.store.replica.transaction(ws.user) as tx:
            changed = tx.update("employers", employer_id, diff)
            if changed:
                audit_in(
                    tx, ws, "change", "employers", employer_id, ",".join(changed), current.scope
                )
    return updated


def set_sponsor(
    ws: Workspace, employer_id: str, sponsor: bool, *, since: date | None = None
) -> Employer:
    """Set or clear the sponsor flag; setting keeps the day the agreement began (`since`,
    default today; an existing sponsor keeps its date), clearing forgets it."""
    from kenttä.domain import localtime

    current = get_employer(ws, employer_id)
    if not sponsor:
        return update_employer(ws, employer_id, sponsor=False, sponsor_since=None)
    began = current.sponsor_since if current.sponsor and current.sponsor_since else None
    return update_employer(
        ws, employer_id, sponsor=True, sponsor_since=began or since or localtime.today()
    )


@dataclass
class EmployerCard:
    employer: Employer
    visits: list[dict[str, Any]] = field(default_factory=list)
    placements: list[dict[str, Any]] = field(default_factory=list)
    next_contact: str | None = None
    paths: list[Any] = field(default_factory=list)  # paths.PlacementPath with a step here


def employer_card(ws: Workspace, employer_id: str) -> EmployerCard:
    employer = get_employer(ws, employer_id)
    visit_list = visits.list_visits(ws, employer_id, limit=20)
    upcoming = [v["next_contact"] for v in visit_list if v["next_contact"]]
    return EmployerCard(
        employer=employer,
        visits=visit_list,
        placements=placements.for_employer(ws, employer_id),
        next_contact=max(upcoming) if upcoming else None,
        paths=paths_for_employer(ws, employer_id),
    )
