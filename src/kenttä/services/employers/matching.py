"""Matching clients and labour needs (issue 16), and proposing a client for a need.

A client's work profile holds their work interests (occupation codes), licences and area
(municipality codes; their home municipality counts too). A client fits a need when at least
one of these holds, and each one that holds is a reason:
- `interest`: an interest is the need's occupation or a group above or below it (512 fits
  5120 and 51);
- `licence:CODE`: the client holds a licence the need asks for (`missing` lists the others);
- `municipality`: the employer's municipality is the client's home or one of their areas.
Only clients who are still in the service (not finished or declined) are offered. The lists
carry names and reasons, never notes or the profile's free-text skills: a coordinator sees
what the role policy lets them (store/schema.py POLICIES).

A proposal records that a coordinator put a client forward for a need; it shows on Today
for the client's coach, who records the outcome: placed (a placement is made at the need's
employer in the same transaction, and the need is filled once as many are placed as it
asked for), declined, or not suitable.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from kenttä.services.context import Workspace
from kenttä.services.privacy import audit_in
from kenttä.services.records import LIVE, live_scope
from kenttä.services.roles import require

if TYPE_CHECKING:
    from kenttä.domain.models import Proposal, WorkProfile

ACTIVE = ("contacted", "met", "participating")


class MatchError(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class Match:
    client_id: str
    first_name: str
    last_name: str
    owner: str | None
    reasons: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # licences asked that the client lacks

    @property
    def name(self) -> str:
        return f"{self.last_name} {self.first_name}".strip()


@dataclass
class NeedMatch:
    need: dict[str, Any]
    reasons: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def _loads(text: str | None) -> list[str]:
    return json.loads(text) if text else []


def get_profile(ws: Workspace, client_id: str) -> dict[str, Any]:
    """The client's work profile as plain values (empty lists when none is recorded)."""
    live_scope(ws, "clients", client_id, MatchError("not_found", "no such client"))
    row = ws.store.conn.execute(
        "SELECT id, occupations, licences, municipalities, skills FROM work_profiles"
        f" WHERE client_id = ? AND {LIVE} ORDER BY id LIMIT 1",
        (client_id,),
    ).fetchone()
    if row is None:
        return {"id": None, "occupations": [], "licences": [], "municipalities": [], "skills": ""}
    return {
        "id": row[0],
        "occupations": _loads(row[1]),
        "licences": _loads(row[2]),
        "municipalities": _loads(row[3]),
        "skills": row[4] or "",
    }


def save_profile(
    ws: Workspace,
    client_id: str,
    *,
    occupations: list[str],
    licences: list[str],
    municipalities: list[str],
    skills: str = "",
) -> WorkProfile:
    """Create or change the client's work profile (a coach's or supervisor's edit); audited."""
    from kenttä.domain.models import WorkProfile

    require(ws, "edit_client")
    scope = live_scope(ws, "clients", client_id, MatchError("not_found", "no such client"))
    current = get_profile(ws, client_id)
    profile = WorkProfile(
        id=current["id"] or WorkProfile.model_fields["id"].default_factory(),  # type: ignore[misc]
        client_id=client_id,
        occupations=sorted(set(occupations)),
        licences=sorted(set(licences)),
        municipalities=sorted(set(municipalities)),
        skills=skills,
        scope=scope or ws.config.scope,
    )
    row = profile.to_row()
    with ws.store.replica.transaction(ws.user) as tx:
        if current["id"] is None:
            tx.insert("work_profiles", row)
            audit_in(tx, ws, "create", "work_profiles", profile.id, scope=profile.scope)
        else:
            keys = ("occupations", "licences", "municipalities", "skills")
            diff = {k: row[k] for k in keys if row[k] != current[k]}
            changed = tx.update("work_profiles", profile.id, diff) if diff else []
            if changed:
                audit_in(
                    tx, ws, "change", "work_profiles", profile.id, ",".join(changed), profile.scope
                )
    return profile


def _reasons(
    interests: list[str],
    held: list[str],
    areas: set[str],
    occupation: str | None,
    asked: list[str],
    employer_municipality: str | None,
) -> tuple[list[str], list[str]]:
    reasons = []
    if occupation and any(
        occupation.startswith(i) or i.startswith(occupation) for i in interests if i
    ):
        reasons.append("interest")
    reasons += [f"licence:{code}" for code in asked if code in held]
    if employer_municipality and employer_municipality in areas:
        reasons.append("municipality")
    return reasons, [code for code in asked if code not in held]


def _order(reasons: list[str]) -> tuple[int, int]:
    return (-len(reasons), 0 if "interest" in reasons else 1)


def clients_for_need(ws: Workspace, need_id: str, *, limit: int = 100) -> list[Match]:
    """The clients who fit a need, best first (most reasons; an interest before none)."""
    from kenttä.services.employers import needs

    need = needs.get_need(ws, need_id)
    rows = ws.store.conn.execute(
        "SELECT c.id, c.first_name, c.last_name, c.owner, c.municipality, w.occupations,"
        " w.licences, w.municipalities FROM clients c"
        " LEFT JOIN work_profiles w ON w.client_id = c.id AND w._deleted IS NULL"
        " AND w._erased IS NULL"
        f" WHERE c._deleted IS NULL AND c._erased IS NULL AND c.status IN {ACTIVE}"
        " ORDER BY c.last_name, c.first_name, c.id"
    ).fetchall()
    out = []
    for cid, first, last, owner, home, interests, held, areas in rows:
        reasons, missing = _reasons(
            _loads(interests),
            _loads(held),
            {*(_loads(areas)), *([home] if home else [])},
            need["occupation"],
            need["licences"],
            need["municipality"],
        )
        if reasons:
            out.append(Match(cid, first or "", last or "", owner, reasons, missing))
    out.sort(key=lambda m: _order(m.reasons))
    return out[:limit]


def needs_for_client(ws: Workspace, client_id: str, *, limit: int = 100) -> list[NeedMatch]:
    """The open needs that fit a client, best first, then soonest."""
    from kenttä.services.employers import needs

    live_scope(ws, "clients", client_id, MatchError("not_found", "no such client"))
    profile = get_profile(ws, client_id)
    home = ws.store.conn.execute(
        "SELECT municipality FROM clients WHERE id = ?", (client_id,)
    ).fetchone()[0]
    areas = {*profile["municipalities"], *([home] if home else [])}
    out = []
    for need in needs.list_needs(ws, open_only=True, limit=10_000):
        reasons, missing = _reasons(
            profile["occupations"],
            profile["licences"],
            areas,
            need["occupation"],
            need["licences"],
            need["municipality"],
        )
        if reasons:
            out.append(NeedMatch(need, reasons, missing))
    out.sort(key=lambda m: _order(m.reasons))
    return out[:limit]


def propose(ws: Workspace, need_id: str, client_id: str, *, on: date) -> Proposal:
    """Put a client forward for an open need; the client's coach sees it on Today."""
    from kenttä.domain.models import Proposal
    from kenttä.services.employers import needs

    require(ws, "record_placement")
    need = needs.get_need(ws, need_id)
    if need["status"] != "open":
        raise MatchError("closed", "the need is no longer open")
    scope = live_scope(ws, "clients", client_id, MatchError("not_found", "no such client"))
    if ws.store.conn.execute(
        f"SELECT 1 FROM proposals WHERE need_id = ? AND client_id = ? AND outcome IS NULL"
        f" AND {LIVE}",
        (need_id, client_id),
    ).fetchone():
        raise MatchError("duplicate", "this client is already proposed for this need")
    owner = ws.store.conn.execute(
        "SELECT owner FROM clients WHERE id = ?", (client_id,)
    ).fetchone()[0]
    match = next(
        (m for m in clients_for_need(ws, need_id, limit=10_000) if m.client_id == client_id), None
    )
    proposal = Proposal(
        need_id=need_id,
        client_id=client_id,
        proposed_by=ws.user,
        proposed_on=on,
        coach=owner,
        reasons=match.reasons if match else [],
        programme=need["programme"],
        scope=scope or ws.config.scope,
    )
    with ws.store.replica.transaction(ws.user) as tx:
        tx.insert("proposals", proposal.to_row())
        audit_in(tx, ws, "create", "proposals", proposal.id, scope=proposal.scope)
    return proposal


def decide(
    ws: Workspace,
    proposal_id: str,
    *,
    outcome: str,
    on: date,
    kind: str = "job",
    start_date: date | None = None,
) -> str | None:
    """Record a proposal's outcome; `placed` makes a placement at the need's employer (in the
    same transaction) and returns its id."""
    from kenttä.domain.codes import ProposalOutcome
    from kenttä.domain.models import Placement

    require(ws, "record_placement")
    if outcome not in {o.value for o in ProposalOutcome}:
        raise MatchError("outcome", "outcome is placed, declined or not_suitable")
    row = ws.store.conn.execute(
        f"SELECT need_id, client_id, outcome, scope, programme FROM proposals WHERE id = ?"
        f" AND {LIVE}",
        (proposal_id,),
    ).fetchone()
    if row is None:
        raise MatchError("not_found", "no such proposal")
    need_id, client_id, decided, scope, programme = row
    live_scope(ws, "proposals", proposal_id, MatchError("not_found", "no such proposal"))
    if decided is not None:
        raise MatchError("decided", "this proposal's outcome is already recorded")
    changes: dict[str, Any] = {"outcome": outcome, "decided_on": on.isoformat()}
    placement = None
    fill = False
    if outcome == ProposalOutcome.PLACED.value:
        from kenttä.services.employers import needs

        need = needs.get_need(ws, need_id)
        placement = Placement(
            client_id=client_id,
            employer_id=need["employer_id"],
            kind=kind,
            start_date=start_date or on,
            programme=programme,
            scope=scope or ws.config.scope,
        )
        changes["placement_id"] = placement.id
        placed = ws.store.conn.execute(
            f"SELECT count(*) FROM proposals WHERE need_id = ? AND outcome = 'placed' AND {LIVE}",
            (need_id,),
        ).fetchone()[0]
        fill = need["status"] == "open" and placed + 1 >= int(need["headcount"] or 1)
    with ws.store.replica.transaction(ws.user) as tx:
        if placement is not None:
            tx.insert("placements", placement.to_row())
            audit_in(tx, ws, "create", "placements", placement.id, scope=placement.scope)
        tx.update("proposals", proposal_id, changes)
        audit_in(tx, ws, "change", "proposals", proposal_id, "outcome", scope)
        if fill:
            tx.update("labour_needs", need_id, {"status": "filled"})
            audit_in(tx, ws, "change", "labour_needs", need_id, "status", scope)
    return placement.id if placement else None


def open_proposals(ws: Workspace, *, coach: str | None = None) -> list[dict[str, Any]]:
    """Proposals waiting for an outcome (of one coach's clients, or all), oldest first.

    Plain rows (no models): the Today screen reads this at start-up."""
    rows = ws.store.conn.execute(
        "SELECT p.id, p.client_id, c.first_name, c.last_name, p.proposed_on, p.proposed_by,"
        " p.reasons, n.occupation, n.title, e.name FROM proposals p"
        " JOIN clients c ON c.id = p.client_id AND c._deleted IS NULL AND c._erased IS NULL"
        " LEFT JOIN labour_needs n ON n.id = p.need_id"
        " LEFT JOIN employers e ON e.id = n.employer_id"
        " WHERE p.outcome IS NULL AND p._deleted IS NULL AND p._erased IS NULL"
        " AND (? IS NULL OR p.coach = ? OR (p.coach IS NULL AND c.owner = ?))"
        " ORDER BY p.proposed_on, p.id",
        (coach, coach, coach),
    ).fetchall()
    keys = (
        "id", "client_id", "first_name", "last_name", "proposed_on", "proposed_by", "reasons",
        "occupation", "title", "employer",
    )  # fmt: skip
    out = []
    for row in rows:
        item = dict(zip(keys, row, strict=True))
        item["reasons"] = _loads(item["reasons"])
        out.append(item)
    return out
