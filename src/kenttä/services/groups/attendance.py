"""Who attends a group session, and marking them present.

Marking an attendee present writes a note of kind `group` on their timeline (notes are the
timeline; the note says which group, topic and place), in the same transaction as the mark
and its audit events, so no mark is left without its note or the other way round. Unmarking
a present attendee corrects that note (notes are append-only: the correction says they were
not there after all); marking them again writes a new note.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from kenttä.domain.codes import NoteKind
from kenttä.domain.models import GroupAttendance, Note
from kenttä.services.context import Workspace, utc_now
from kenttä.services.groups.core import GroupError, get_session
from kenttä.services.privacy.audit import audit_in
from kenttä.services.records import LIVE, live_scope
from kenttä.services.roles import require

ATTENDEE_KEYS = ("id", "client_id", "first_name", "last_name", "present", "note_id")


def attendees_of(ws: Workspace, session_id: str) -> list[dict[str, Any]]:
    """A session's attendees in name order (an erased client is left out)."""
    require(ws, "view_notes")
    rows = ws.store.conn.execute(
        "SELECT a.id, a.client_id, c.first_name, c.last_name, a.present, a.note_id"
        " FROM group_attendance a JOIN clients c ON c.id = a.client_id"
        " AND c._deleted IS NULL AND c._erased IS NULL"
        " WHERE a.session_id = ? AND a._deleted IS NULL AND a._erased IS NULL"
        " ORDER BY c.last_name, c.first_name, a.id",
        (session_id,),
    ).fetchall()
    out = [dict(zip(ATTENDEE_KEYS, r, strict=True)) for r in rows]
    for attendee in out:
        attendee["present"] = bool(attendee["present"])
    return out


def add_attendee(ws: Workspace, session_id: str, client_id: str) -> GroupAttendance:
    """Put a client on a session's list (not yet marked present); a client once. Audited."""
    require(ws, "write_note")
    live_scope(ws, "group_sessions", session_id, GroupError("no_session", "no such session"))
    scope = live_scope(ws, "clients", client_id, GroupError("no_client", "no such client"))
    if any(a["client_id"] == client_id for a in attendees_of(ws, session_id)):
        raise GroupError("attendee_already", "this client is already on the session's list")
    row = GroupAttendance(session_id=session_id, client_id=client_id, scope=scope or "default")
    with ws.store.replica.transaction(ws.user) as tx:
        tx.insert("group_attendance", row.to_row())
        audit_in(tx, ws, "create", "group_attendance", row.id, scope=row.scope)
    return row


def note_body(session: dict[str, Any]) -> str:
    """The group note's text: the group, the topic, the place and the coaches (no names of
    other attendees: one person's timeline never tells who else was there)."""
    bits = [f"{session['group_name']}: {session['topic']}"]
    if session.get("place"):
        bits.append(session["place"])
    if session.get("coaches"):
        bits.append(", ".join(session["coaches"]))
    return " · ".join(bits)


def _written_at(held_on: str) -> datetime:
    day = date.fromisoformat(held_on)
    now = utc_now()
    return now if day == now.date() else datetime.combine(day, time(12), tzinfo=UTC)


def set_present(ws: Workspace, attendance_id: str, present: bool) -> str | None:
    """Mark an attendee present (writing their group note) or not (correcting it).

    Returns the id of the note written, or None when nothing changed."""
    require(ws, "write_note")
    row = ws.store.conn.execute(
        f"SELECT session_id, client_id, present, note_id, scope FROM group_attendance"
        f" WHERE id = ? AND {LIVE}",
        (attendance_id,),
    ).fetchone()
    if row is None:
        raise GroupError("no_attendee", "no such attendee")
    session_id, client_id, was, note_id, scope = row
    live_scope(ws, "clients", client_id, GroupError("no_client", "no such client"))
    if bool(was) == present:
        return None
    session = get_session(ws, session_id)
    body = note_body(session)
    note = Note(
        client_id=client_id,
        author=ws.user,
        written_at=_written_at(session["held_on"]),
        kind=NoteKind.GROUP,
        body=body if present else f"✗ {body}",
        corrects=None if present else note_id,
        scope=scope,
    )
    with ws.store.replica.transaction(ws.user) as tx:
        tx.insert("notes", note.to_row())
        audit_in(tx, ws, "create", "notes", note.id, "group", scope)
        tx.update(
            "group_attendance",
            attendance_id,
            {"present": present, "note_id": note.id if present else None},
        )
        audit_in(tx, ws, "change", "group_attendance", attendance_id, "present", scope)
    return note.id


def toggle_present(ws: Workspace, attendance_id: str) -> str | None:
    """Present ↔ not present (the session screen's Space)."""
    row = ws.store.conn.execute(
        f"SELECT present FROM group_attendance WHERE id = ? AND {LIVE}", (attendance_id,)
    ).fetchone()
    if row is None:
        raise GroupError("no_attendee", "no such attendee")
    return set_present(ws, attendance_id, not row[0])
