"""Notes: append-only; a correction is a new note that points at the one it corrects."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kenttä.domain.codes import NoteKind
from kenttä.domain.models import Note
from kenttä.services.clients.drafts import note_key
from kenttä.services.context import Workspace, utc_now
from kenttä.services.privacy import audit_in
from kenttä.services.records import live_scope
from kenttä.services.roles import require

NOTE_COLUMNS = ("id", "client_id", "author", "written_at", "kind", "body", "corrects")


class NoteError(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _dicts(rows: list[tuple]) -> list[dict[str, Any]]:
    return [dict(zip(NOTE_COLUMNS, r, strict=True)) for r in rows]


def list_notes(
    ws: Workspace,
    client_id: str,
    *,
    before: tuple[str, str] | None = None,
    limit: int = 50,
) -> list[dict[str, Any]]:
    """A client's notes, newest first, paged by (written_at, id); each says if corrected."""
    require(ws, "view_notes")
    sql = (
        f"SELECT {', '.join('n.' + c for c in NOTE_COLUMNS)} FROM notes n"
        " WHERE n.client_id = ? AND n._erased IS NULL"
    )
    params: list[Any] = [client_id]
    if before is not None:
        sql += " AND (n.written_at, n.id) < (?, ?)"
        params += list(before)
    sql += " ORDER BY n.written_at DESC, n.id DESC LIMIT ?"
    notes = _dicts(ws.store.conn.execute(sql, (*params, limit)).fetchall())
    if notes:
        ids = [n["id"] for n in notes]
        marks = ",".join("?" * len(ids))
        corrected = {
            r[0]: r[1]
            for r in ws.store.conn.execute(
                f"SELECT corrects, id FROM notes WHERE corrects IN ({marks}) AND _erased IS NULL",
                ids,
            )
        }
        for note in notes:
            note["corrected_by"] = corrected.get(note["id"])
    return notes


def get_note(ws: Workspace, note_id: str) -> dict[str, Any]:
    require(ws, "view_notes")
    row = ws.store.conn.execute(
        f"SELECT {', '.join(NOTE_COLUMNS)} FROM notes WHERE id = ? AND _erased IS NULL",
        (note_id,),
    ).fetchone()
    if row is None:
        raise NoteError("not_found", "no such note")
    return _dicts([row])[0]


def add_note(
    ws: Workspace,
    client_id: str,
    body: str,
    *,
    kind: str = NoteKind.MEETING.value,
    corrects: str | None = None,
    now: datetime | None = None,
) -> Note:
    """Save a note (and clear its draft) in one transaction; audited."""
    require(ws, "write_note")
    if not body.strip():
        raise NoteError("empty", "a note needs some text")
    scope = live_scope(ws, "clients", client_id, NoteError("no_client", "no such client"))
    if corrects is not None:
        original = get_note(ws, corrects)
        if original["client_id"] != client_id:
            raise NoteError("wrong_client", "the corrected note belongs to another client")
    note = Note(
        client_id=client_id,
        author=ws.user,
        written_at=now or utc_now(),
        kind=kind,
        body=body.rstrip(),
        corrects=corrects,
        scope=scope or ws.config.scope,
    )
    with ws.store.replica.transaction(ws.user) as tx:
        tx.insert("notes", note.to_row())
        audit_in(tx, ws, "create", "notes", note.id, "correction" if corrects else "", note.scope)
        tx.conn.execute("DELETE FROM drafts WHERE key = ?", (note_key(client_id, corrects),))
    return note


def correct_note(ws: Workspace, note_id: str, body: str, *, now: datetime | None = None) -> Note:
    original = get_note(ws, note_id)
    return add_note(
        ws, original["client_id"], body, kind=original["kind"], corrects=note_id, now=now
    )
