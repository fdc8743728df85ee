"""Full-text search: the FTS5 indexes over notes, client names and employer names.

The indexes are external-content FTS5 tables kept current by triggers (migration 0002).
A bulk load is much faster with the triggers dropped and the index rebuilt once at the end:
`suspended_triggers()` does that. Should a process die in between, `repair()` (run by
`open_store`) puts the triggers back and rebuilds, so an index is never silently stale.

`match_query()` turns what a person types into a safe FTS5 query: every word quoted (no FTS
syntax errors from `-`, `"` or `:`), the last one a prefix, ä and ö kept distinct from a and o.
"""

from __future__ import annotations

import os
import re
import socket
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from kenttä.store.processes import pid_alive

# fts table -> (content table, indexed columns)
FTS_TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "notes_fts": ("notes", ("body",)),
    "clients_fts": ("clients", ("first_name", "last_name")),
    "employers_fts": ("employers", ("name",)),
}


def trigger_sql(fts: str) -> dict[str, str]:
    """The three triggers that keep one FTS table current: name -> CREATE TRIGGER statement."""
    content, columns = FTS_TABLES[fts]
    cols = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    insert_new = f"INSERT INTO {fts} (rowid, {cols}) VALUES (new.rowid, {new});"
    delete_old = f"INSERT INTO {fts} ({fts}, rowid, {cols}) VALUES ('delete', old.rowid, {old});"
    return {
        f"{fts}_ai": f"CREATE TRIGGER IF NOT EXISTS {fts}_ai AFTER INSERT ON {content} BEGIN\n"
        f"  {insert_new}\nEND",
        f"{fts}_ad": f"CREATE TRIGGER IF NOT EXISTS {fts}_ad AFTER DELETE ON {content} BEGIN\n"
        f"  {delete_old}\nEND",
        f"{fts}_au": f"CREATE TRIGGER IF NOT EXISTS {fts}_au AFTER UPDATE OF {cols} ON {content}"
        f" BEGIN\n  {delete_old}\n  {insert_new}\nEND",
    }


def _existing(conn: sqlite3.Connection, kind: str) -> set[str]:
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = ?", (kind,)).fetchall()
    return {r[0] for r in rows}


def installed(conn: sqlite3.Connection) -> bool:
    """True when the database has the FTS tables (schema version 2 or later)."""
    return set(FTS_TABLES) <= _existing(conn, "table")


def missing_triggers(conn: sqlite3.Connection) -> list[str]:
    triggers = _existing(conn, "trigger")
    return [fts for fts in FTS_TABLES if not set(trigger_sql(fts)) <= triggers]


def rebuild(conn: sqlite3.Connection, tables: Iterable[str] | None = None) -> None:
    """Rebuild FTS indexes from their content tables (inside the caller's transaction)."""
    for fts in tables or FTS_TABLES:
        conn.execute(f"INSERT INTO {fts} ({fts}) VALUES ('rebuild')")


def drop_triggers(conn: sqlite3.Connection, tables: Iterable[str]) -> None:
    for fts in tables:
        for name in trigger_sql(fts):
            conn.execute(f"DROP TRIGGER IF EXISTS {name}")


def create_triggers(conn: sqlite3.Connection, tables: Iterable[str]) -> None:
    for fts in tables:
        for statement in trigger_sql(fts).values():
            conn.execute(statement)


# Local only: which process is bulk-loading with the triggers dropped, so that another
# process opening the database meanwhile does not "repair" (and rebuild) under its feet.
_BULK_DDL = "CREATE TABLE IF NOT EXISTS _fts_bulk (pid INTEGER NOT NULL, host TEXT NOT NULL)"


def _host() -> str:
    return socket.gethostname()


def _bulk_load_running(conn: sqlite3.Connection) -> bool:
    if "_fts_bulk" not in _existing(conn, "table"):
        return False
    for pid, host in conn.execute("SELECT pid, host FROM _fts_bulk").fetchall():
        if host != _host():
            continue
        if not pid_alive(pid):
            continue  # died: its triggers need repair
        return True
    return False


def repair(conn: sqlite3.Connection) -> list[str]:
    """Re-create missing triggers and rebuild those indexes; returns the FTS tables repaired."""
    if not installed(conn):
        return []
    broken = missing_triggers(conn)
    if broken and not _bulk_load_running(conn):
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:
            return []  # busy: a bulk load in another process holds the lock and rebuilds itself
        try:
            create_triggers(conn, broken)
            rebuild(conn, broken)
            if "_fts_bulk" in _existing(conn, "table"):
                conn.execute("DELETE FROM _fts_bulk")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:  # SQLite may have rolled back itself (disk full)
                conn.execute("ROLLBACK")
            raise
    return broken


@contextmanager
def suspended_triggers(
    conn: sqlite3.Connection, tables: Iterable[str] | None = None
) -> Iterator[None]:
    """Drop the FTS triggers for a bulk load; afterwards re-create them and rebuild once.

    Not itself a transaction: the caller commits its batches inside. Whatever happens, the
    triggers come back and the index is rebuilt (also when the load fails half-way, so the
    rows it did commit are searchable).
    """
    names = list(tables or FTS_TABLES)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute(_BULK_DDL)
    conn.execute("INSERT INTO _fts_bulk (pid, host) VALUES (?, ?)", (os.getpid(), _host()))
    drop_triggers(conn, names)
    conn.execute("COMMIT")
    try:
        yield
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        conn.execute("BEGIN IMMEDIATE")
        try:
            create_triggers(conn, names)
            rebuild(conn, names)
            conn.execute("DELETE FROM _fts_bulk WHERE pid = ? AND host = ?", (os.getpid(), _host()))
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:  # SQLite may have rolled back itself (disk full)
                conn.execute("ROLLBACK")
            raise


@contextmanager
def suspended_in_transaction(conn: sqlite3.Connection, tables: Iterable[str]) -> Iterator[None]:
    """Inside the caller's open transaction: drop the triggers, load, re-create and rebuild.

    All of it commits or rolls back with the caller's transaction, so an interrupted load
    leaves the triggers as they were. Worth it when the load is large against the table.
    """
    if not conn.in_transaction:
        raise RuntimeError("suspended_in_transaction needs an open transaction")
    names = list(tables)
    drop_triggers(conn, names)
    yield
    create_triggers(conn, names)
    rebuild(conn, names)


class SnapshotHook:
    """kenttä_sync's `BulkHook` for a first sync by snapshot: the FTS triggers of the tables
    loaded are dropped first and, once every row is in, re-created and each index built once
    (all inside the snapshot's transaction)."""

    def __init__(self) -> None:
        self._names: list[str] = []

    def before(self, conn: sqlite3.Connection, tables: list[str]) -> None:
        self._names = [fts for fts, (content, _) in FTS_TABLES.items() if content in tables]
        drop_triggers(conn, self._names)

    def after(self, conn: sqlite3.Connection, tables: list[str]) -> None:
        create_triggers(conn, self._names)
        rebuild(conn, self._names)


_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)  # as unicode61 splits: letters and digits


def match_query(text: str, *, prefix_last: bool = True) -> str | None:
    """An FTS5 MATCH expression for typed text: all words required; None if no words."""
    words = _TOKEN.findall(text.casefold())
    if not words:
        return None
    quoted = [f'"{w}"' for w in words]
    if prefix_last:
        quoted[-1] += "*"
    return " ".join(quoted)


def _note_ids(conn: sqlite3.Connection, query: str, limit: int) -> list[str]:
    rows = conn.execute(
        "SELECT n.id FROM notes_fts JOIN notes n ON n.rowid = notes_fts.rowid"
        " WHERE notes_fts MATCH ? AND n._erased IS NULL ORDER BY notes_fts.rowid DESC LIMIT ?",
        (query, limit),
    ).fetchall()
    return [r[0] for r in rows]


INDEXED_PREFIX = 3  # the longest prefix notes_fts indexes (prefix='2 3')
PREFIX_CANDIDATES = 2000


def _prefix_ids(conn: sqlite3.Connection, words: list[str], limit: int) -> list[str]:
    """Notes with the whole words and a word starting with the last one, newest first.

    A long prefix (`työko*`) makes FTS5 merge every term that starts with it, which is slow
    for common stems over a million notes. The indexed short prefix (`työ*`) is cheap, so
    its newest candidates are read and checked here; only when they run out does the exact
    prefix query run.
    """
    *whole, last = words
    if len(last) <= INDEXED_PREFIX:
        return _note_ids(conn, " ".join([*(f'"{w}"' for w in whole), f'"{last}"*']), limit)
    query = " ".join([*(f'"{w}"' for w in whole), f'"{last[:INDEXED_PREFIX]}"*'])
    rows = conn.execute(
        "SELECT n.id, n.body FROM notes_fts JOIN notes n ON n.rowid = notes_fts.rowid"
        " WHERE notes_fts MATCH ? AND n._erased IS NULL ORDER BY notes_fts.rowid DESC LIMIT ?",
        (query, PREFIX_CANDIDATES),
    )
    found, read = [], 0
    for row_id, body in rows:
        read += 1
        if any(w.startswith(last) for w in _TOKEN.findall((body or "").casefold())):
            found.append(row_id)
            if len(found) == limit:
                return found
    if read < PREFIX_CANDIDATES:
        return found  # every candidate was checked
    return _note_ids(conn, " ".join([*(f'"{w}"' for w in whole), f'"{last}"*']), limit)


def search_notes(conn: sqlite3.Connection, text: str, *, limit: int = 50) -> list[str]:
    """Ids of notes with every word of `text`, newest first; the last word also as a prefix.

    Whole-word matches come first: they are cheap even for common words over a million
    notes. Only when they do not fill `limit` do prefix matches (a word being typed, or an
    inflected form: `työkokeilu` → `työkokeilusta`) add more.
    """
    words = _TOKEN.findall(text.casefold())
    if not words:
        return []
    ids = _note_ids(conn, " ".join(f'"{w}"' for w in words), limit)
    if len(ids) < limit:
        seen = set(ids)
        more = _prefix_ids(conn, words, limit)
        ids += [i for i in more if i not in seen][: limit - len(ids)]
    return ids
