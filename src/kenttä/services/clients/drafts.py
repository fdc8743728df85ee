"""Autosaved drafts of long texts (local only, never replicated).

A draft is keyed by what it is for, e.g. `note:<client id>` or `note:<client id>:<note id>`
for a correction. Saving is one small upsert, so the UI can save every few keystrokes.
"""

from __future__ import annotations

from kenttä.services.context import Workspace, utc_now


def note_key(client_id: str, corrects: str | None = None) -> str:
    return f"note:{client_id}" + (f":{corrects}" if corrects else "")


def save_draft(ws: Workspace, key: str, body: str) -> None:
    """Keep the text under `key`; an empty text removes the draft."""
    conn = ws.store.conn
    if not body.strip():
        conn.execute("DELETE FROM drafts WHERE key = ?", (key,))
        return
    conn.execute(
        "INSERT INTO drafts (key, body, saved_at) VALUES (?, ?, ?)"
        " ON CONFLICT(key) DO UPDATE SET body = excluded.body, saved_at = excluded.saved_at",
        (key, body, utc_now().isoformat(timespec="seconds")),
    )


def load_draft(ws: Workspace, key: str) -> str | None:
    row = ws.store.conn.execute("SELECT body FROM drafts WHERE key = ?", (key,)).fetchone()
    return None if row is None else row[0]


def discard_draft(ws: Workspace, key: str) -> None:
    ws.store.conn.execute("DELETE FROM drafts WHERE key = ?", (key,))


def list_drafts(ws: Workspace) -> list[tuple[str, str]]:
    """(key, saved_at) of every draft, newest first."""
    return ws.store.conn.execute(
        "SELECT key, saved_at FROM drafts ORDER BY saved_at DESC"
    ).fetchall()
