"""Search helpers shared by the list services: FTS5 queries, henkilötunnus prefixes.

The FTS tables (clients_fts, notes_fts, employers_fts) use unicode61 with diacritics kept, so
`ä` and `a` stay distinct. Every word a person types becomes a quoted prefix term, so
punctuation in the input cannot break the MATCH syntax.
"""

from __future__ import annotations

import re
from typing import Any

from kenttä.services.context import Workspace

_WORD = re.compile(r"[\w]+", re.UNICODE)
_HETU_PREFIX = re.compile(r"^\d{6}([+\-ABCDEFUVWXY](\d{0,3}[0-9A-Y]?)?)?$", re.IGNORECASE)

# A note-text search looks at this many matching notes at most: enough for a person looking
# for a word they remember, bounded so that a common prefix stays fast over a million notes.
NOTE_MATCH_LIMIT = 500
MIN_NOTE_WORD = 3


def words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(text)]


def fts_prefix_query(text: str) -> str | None:
    """`matti vir` → `"matti"* AND "vir"*`; None when there is no word to look for."""
    found = words(text)
    if not found:
        return None
    return " AND ".join(f'"{w}"*' for w in found)


def looks_like_henkilotunnus(text: str) -> bool:
    """Six digits and maybe more of a henkilötunnus: search the henkilötunnus index."""
    return bool(_HETU_PREFIX.match(text.strip()))


def prefix_range(prefix: str) -> tuple[str, str]:
    """Bounds for an index range scan: `col >= lo AND col < hi` is `col LIKE prefix%`."""
    return prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)


def note_text_searchable(text: str) -> bool:
    return note_query(text) is not None


def note_query(text: str) -> str | None:
    """The note-text MATCH for what was typed: words of three letters or more only.

    A lone one- or two-letter prefix matches most of a million notes, so a note search
    starts at three letters; one-letter words are left out of it (FTS5 keeps no index of
    one-letter prefixes here), two-letter ones narrow it.
    """
    found = words(text)
    if not any(len(w) >= MIN_NOTE_WORD for w in found):
        return None
    return " AND ".join(f'"{w}"*' for w in found if len(w) >= 2)


def search_notes(ws: Workspace, text: str, *, limit: int = 50) -> list[dict[str, Any]]:
    """Notes whose text matches every word (as a prefix), newest first."""
    query = fts_prefix_query(text)
    if query is None:
        return []
    rows = ws.store.conn.execute(
        "SELECT n.id, n.client_id, n.written_at, n.body FROM notes n"
        " WHERE n.rowid IN (SELECT rowid FROM notes_fts WHERE notes_fts MATCH ? LIMIT ?)"
        " AND n._erased IS NULL ORDER BY n.written_at DESC LIMIT ?",
        (query, NOTE_MATCH_LIMIT, limit),
    ).fetchall()
    return [dict(zip(("id", "client_id", "written_at", "body"), r, strict=True)) for r in rows]
