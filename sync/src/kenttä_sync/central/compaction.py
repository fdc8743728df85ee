"""After an erasure: leave no old value in the central store's files.

An erasure blanks the personal columns of a group of rows and the payloads of their history
(special.py) inside the push's transaction. The old values still sit in bytes the database
keeps after the commit; this module removes them once the push that erased has committed
(`CentralStore.push` calls `after_push`):

* SQLite: every connection runs with `secure_delete` on (`prepare`), so freed cells and
  pages are overwritten with zeros when they are freed; after the commit the WAL, which
  still holds the pages as they were before the erasure, is checkpointed into the database
  and truncated to zero bytes (`PRAGMA wal_checkpoint(TRUNCATE)`, which waits for readers).
* PostgreSQL: the old row versions are dead tuples until vacuumed: the tables the erasure
  touched (the erased table, the tables erased with it, the change log and the conflict
  records) are vacuumed, outside any transaction, so the space is pruned and reused.

When this cannot finish (an SQLite reader held on past the busy timeout, a VACUUM that
failed), `_sync_state` key `compact_pending` records it and the next push tries again; the
push itself has committed and is answered as usual. The server's own WAL
(PostgreSQL `pg_wal`) and the file system's free blocks are outside what a database can
scrub; docs/security.md says so.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence

from kenttä_sync.ground.changes import Change, Op
from kenttä_sync.ground.db import Db
from kenttä_sync.ground.schema import SyncSchema

PENDING_KEY = "compact_pending"
LOG_TABLES = ("_changes", "_conflicts")  # where an erased row's history and conflicts live


def prepare(db: Db) -> None:
    """Per connection, before any write: freed SQLite space is zeroed when it is freed."""
    if db.kind == "sqlite":
        db.execute("PRAGMA secure_delete = ON")


def erasing(changes: Sequence[Change], refused: Iterable[str] = ()) -> set[str]:
    """The tables of the erasures among `changes` that were not refused (a refusal may name
    the change by the id it claims or by the id its device and sequence give it)."""
    skip = set(refused)
    return {
        c.table
        for c in changes
        if c.op == Op.ERASE
        and c.change_id not in skip
        and Change.make_id(c.device_id, c.device_seq) not in skip
    }


def touched_tables(schema: SyncSchema, erased: Iterable[str]) -> list[str]:
    """The erased tables, every table erased with them (`erase_with`, recursively), and
    the log tables: what an erasure may have written, in schema order."""
    todo, found = list(erased), set()
    while todo:
        table = todo.pop()
        if table in found:
            continue
        found.add(table)
        for spec in schema.tables:
            if spec.erase_with and spec.references[spec.erase_with] == table:
                todo.append(spec.name)
    return [t.name for t in schema.tables if t.name in found] + list(LOG_TABLES)


def compact(db: Db, tables: Sequence[str]) -> bool:
    """Scrub what the committed erasure left behind; True when it finished.

    Must run outside a transaction (VACUUM cannot run inside one; a checkpoint cannot
    copy frames an open transaction still reads)."""
    if db.in_transaction():
        raise RuntimeError("compact the central store after the erasure has committed")
    _set_pending(db, False)  # first: the checkpoint then leaves an empty WAL behind
    if db.kind == "sqlite":
        try:
            busy = db.execute("PRAGMA wal_checkpoint(TRUNCATE)")[0][0]
        except sqlite3.OperationalError:
            busy = 1
        done = not busy
    else:
        try:
            for table in tables:
                db.execute(f"VACUUM {table}")
            done = True
        except Exception:  # the push has committed: a failed VACUUM is retried, not reported
            done = False
    if not done:
        _set_pending(db, True)
    return done


def pending(db: Db) -> bool:
    rows = db.execute("SELECT value FROM _sync_state WHERE key = ?", (PENDING_KEY,))
    return bool(rows)


def _set_pending(db: Db, value: bool) -> None:
    if value:
        db.execute(
            "INSERT INTO _sync_state (key, value) VALUES (?, '1') ON CONFLICT (key) DO NOTHING",
            (PENDING_KEY,),
        )
    else:
        db.execute("DELETE FROM _sync_state WHERE key = ?", (PENDING_KEY,))


def after_push(
    db: Db, schema: SyncSchema, changes: Sequence[Change], refused: Iterable[str] = ()
) -> bool | None:
    """Compact when the committed push erased something (or an earlier compaction is still
    pending); None when there was nothing to do, or when the push ran inside a caller's
    transaction (a bundle import): then `compact_pending` is recorded in it, and the caller
    runs `after_push` again once it has committed (the next push would, too)."""
    erased = erasing(changes, refused)
    if not erased and not pending(db):
        return None
    if db.in_transaction():
        _set_pending(db, True)
        return None
    tables = touched_tables(schema, erased) if erased else [*schema.table_names, *LOG_TABLES]
    return compact(db, tables)
