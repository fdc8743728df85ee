"""Coaching groups and their sessions: a group is a series; a session has a date, a place,
coach(es) and a topic. Casework: reading needs `view_notes`, writing `write_note`."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import ValidationError

from kenttä.domain.models import CoachingGroup, GroupSession
from kenttä.services.context import Workspace
from kenttä.services.privacy.audit import audit_in
from kenttä.services.records import LIVE, live_scope
from kenttä.services.roles import require


class GroupError(ValueError):
    """A refused group write: a stable code (the screens' catalogue) and a one-line reason."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _json_list(text: str | None) -> list[str]:
    import json

    return list(json.loads(text)) if text else []


def _checked(model: type[Any], **fields: Any) -> Any:
    try:
        return model.model_validate(fields)
    except ValidationError as exc:
        where = ".".join(str(p) for p in exc.errors()[0]["loc"]) or "value"
        raise GroupError("group_invalid", f"{where}: {exc.errors()[0]['msg']}") from None


def list_groups(ws: Workspace) -> list[dict[str, Any]]:
    """Every live group, newest first, with its session count and latest session date."""
    require(ws, "view_notes")
    rows = ws.store.conn.execute(
        "SELECT g.id, g.name, g.programme, g.place, g.coaches, g.started_on,"
        " (SELECT count(*) FROM group_sessions s WHERE s.group_id = g.id"
        "  AND s._deleted IS NULL AND s._erased IS NULL),"
        " (SELECT max(s.held_on) FROM group_sessions s WHERE s.group_id = g.id"
        "  AND s._deleted IS NULL AND s._erased IS NULL)"
        " FROM coaching_groups g WHERE g._deleted IS NULL AND g._erased IS NULL"
        " ORDER BY g.started_on DESC, g.name, g.id"
    ).fetchall()
    keys = ("id", "name", "programme", "place", "coaches", "started_on", "sessions", "latest")
    out = [dict(zip(keys, r, strict=True)) for r in rows]
    for group in out:
        group["coaches"] = _json_list(group["coaches"])
    return out


def get_group(ws: Workspace, group_id: str) -> dict[str, Any]:
    require(ws, "view_notes")
    found = [g for g in list_groups(ws) if g["id"] == group_id]
    if not found:
        raise GroupError("no_group", "no such group")
    return found[0]


def create_group(
    ws: Workspace,
    *,
    name: str,
    programme: str | None = None,
    place: str | None = None,
    coaches: list[str] | None = None,
    started_on: date | None = None,
) -> CoachingGroup:
    """A new group; the person making it is its coach unless coaches are named. Audited."""
    require(ws, "write_note")
    group = _checked(
        CoachingGroup,
        name=name,
        programme=programme or None,
        place=place or None,
        coaches=coaches or [ws.user],
        started_on=started_on,
        scope=ws.config.scope,
    )
    with ws.store.replica.transaction(ws.user) as tx:
        tx.insert("coaching_groups", group.to_row())
        audit_in(tx, ws, "create", "coaching_groups", group.id, scope=group.scope)
    return group


SESSION_KEYS = ("id", "group_id", "held_on", "place", "coaches", "topic", "attendees", "present")


def sessions_of(ws: Workspace, group_id: str) -> list[dict[str, Any]]:
    """A group's sessions, newest first, with how many attend and how many were present."""
    require(ws, "view_notes")
    rows = ws.store.conn.execute(
        "SELECT s.id, s.group_id, s.held_on, s.place, s.coaches, s.topic,"
        " (SELECT count(*) FROM group_attendance a WHERE a.session_id = s.id"
        "  AND a._deleted IS NULL AND a._erased IS NULL),"
        " (SELECT count(*) FROM group_attendance a WHERE a.session_id = s.id AND a.present"
        "  AND a._deleted IS NULL AND a._erased IS NULL)"
        " FROM group_sessions s WHERE s.group_id = ? AND s._deleted IS NULL"
        " AND s._erased IS NULL ORDER BY s.held_on DESC, s.id DESC",
        (group_id,),
    ).fetchall()
    out = [dict(zip(SESSION_KEYS, r, strict=True)) for r in rows]
    for session in out:
        session["coaches"] = _json_list(session["coaches"])
    return out


def get_session(ws: Workspace, session_id: str) -> dict[str, Any]:
    """One session with its group's name."""
    require(ws, "view_notes")
    row = ws.store.conn.execute(
        f"SELECT group_id FROM group_sessions WHERE id = ? AND {LIVE}", (session_id,)
    ).fetchone()
    if row is None:
        raise GroupError("no_session", "no such group session")
    session = next(s for s in sessions_of(ws, row[0]) if s["id"] == session_id)
    session["group_name"] = get_group(ws, row[0])["name"]
    return session


def create_session(
    ws: Workspace,
    group_id: str,
    *,
    held_on: date,
    topic: str,
    place: str | None = None,
    coaches: list[str] | None = None,
) -> GroupSession:
    """A session of the group; place and coaches default to the group's. Audited."""
    require(ws, "write_note")
    scope = live_scope(ws, "coaching_groups", group_id, GroupError("no_group", "no such group"))
    group = get_group(ws, group_id)
    session = _checked(
        GroupSession,
        group_id=group_id,
        held_on=held_on,
        topic=topic,
        place=place or group["place"],
        coaches=coaches or group["coaches"] or [ws.user],
        scope=scope or ws.config.scope,
    )
    with ws.store.replica.transaction(ws.user) as tx:
        tx.insert("group_sessions", session.to_row())
        audit_in(tx, ws, "create", "group_sessions", session.id, scope=session.scope)
    return session
