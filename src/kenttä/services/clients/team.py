"""A client's team: the responsible coach (`clients.owner`) and co-workers (issue 15 point 7).

A co-worker (another coach, a psychologist, a nurse, a TE counsellor, a social worker) is a
`client_team` row; removing one tombstones the row, so the removal syncs. Co-workers see the
client in their "my clients" list and on Today (`records.whose_sql`), and the assessment
form offers the team as the assessors to pick from.
"""

from __future__ import annotations

from typing import Any

from kenttä.domain.codes import TeamRole
from kenttä.domain.models import TeamMember
from kenttä.services.context import Workspace
from kenttä.services.privacy.audit import audit_in
from kenttä.services.records import LIVE, live_scope
from kenttä.services.roles import require


class TeamError(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def team_of(ws: Workspace, client_id: str) -> list[dict[str, Any]]:
    """The client's co-workers (id, user, role), by user; one row per person."""
    require(ws, "view_client")
    rows = ws.store.conn.execute(
        f"SELECT id, member, role FROM client_team WHERE client_id = ? AND {LIVE} ORDER BY member, id",
        (client_id,),
    ).fetchall()
    seen: dict[str, dict[str, Any]] = {}
    for row_id, user, role in rows:  # two laptops may add the same person: show them once
        seen.setdefault(user, {"id": row_id, "user": user, "role": role})
    return list(seen.values())


def assessors_of(ws: Workspace, client_id: str) -> list[str]:
    """Who may take part in an assessment: the responsible coach, then the co-workers."""
    owner = ws.store.conn.execute(
        f"SELECT owner FROM clients WHERE id = ? AND {LIVE}", (client_id,)
    ).fetchone()
    people = [owner[0]] if owner and owner[0] else []
    return people + [m["user"] for m in team_of(ws, client_id) if m["user"] not in people]


def add_member(ws: Workspace, client_id: str, user: str, role: str) -> TeamMember:
    """Put a co-worker on the client's team (a person once); audited."""
    require(ws, "edit_client")
    user = user.strip()
    if not user:
        raise TeamError("team_no_user", "name the co-worker (their user name)")
    if role not in {r.value for r in TeamRole}:
        raise TeamError(
            "team_bad_role", f"unknown team role; use {', '.join(r.value for r in TeamRole)}"
        )
    scope = live_scope(ws, "clients", client_id, TeamError("no_client", "no such client"))
    if any(m["user"] == user for m in team_of(ws, client_id)):
        raise TeamError("team_already", "this person is already on the client's team")
    member = TeamMember(client_id=client_id, member=user, role=role, scope=scope or ws.config.scope)
    with ws.store.replica.transaction(ws.user) as tx:
        tx.insert("client_team", member.to_row())
        audit_in(tx, ws, "create", "client_team", member.id, "team", member.scope)
    return member


def remove_member(ws: Workspace, client_id: str, user: str) -> int:
    """Take a co-worker off the client's team (every row naming them); audited."""
    require(ws, "edit_client")
    scope = live_scope(ws, "clients", client_id, TeamError("no_client", "no such client"))
    ids = [
        r[0]
        for r in ws.store.conn.execute(
            f"SELECT id FROM client_team WHERE client_id = ? AND member = ? AND {LIVE}",
            (client_id, user),
        )
    ]
    if not ids:
        raise TeamError("team_not_member", "this person is not on the client's team")
    with ws.store.replica.transaction(ws.user) as tx:
        for row_id in ids:
            tx.delete("client_team", row_id)
            audit_in(tx, ws, "change", "client_team", row_id, "removed", scope)
    return len(ids)
