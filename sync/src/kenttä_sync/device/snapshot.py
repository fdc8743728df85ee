"""A fresh device's first sync by snapshot (the pages of `central/snapshot.py`), applied in
bulk in one local transaction: rows with their sync metadata, conflict records, merges and
the kept log entries go in with plain inserts (no merge: the office has merged them), the
clock catches up with the newest stamp, and the cursor moves to the snapshot's position, so
the next pull continues the log from there.

The application may keep derived data over its tables (a full-text index kept by
triggers): `BulkHook.before(conn, tables)` runs first in the transaction (drop the
triggers) and `BulkHook.after(conn, tables)` last (rebuild the index once, restore the
triggers). The replicated tables' secondary indexes are dropped for the load and made
again once, after it, and the page cache is larger meanwhile. Only a device without replicated rows may take a snapshot; otherwise nothing is
written and the reason says so.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import IO, TYPE_CHECKING, Any, Protocol

import orjson

from kenttä_sync.device import state
from kenttä_sync.ground.hlc import Stamp
from kenttä_sync.ground.prefetch import prefetched
from kenttä_sync.ground.schema import STICKY_MARK

if TYPE_CHECKING:
    import sqlite3

    from kenttä_sync.device.replica import LocalReplica

_META_TABLES = ("_conflicts", "_merges", "_changes")
BULK_CACHE_KIB = 256 * 1024  # SQLite page cache during a load


class BulkHook(Protocol):
    """What an application does around a bulk load of its tables (both optional)."""

    def before(self, conn: sqlite3.Connection, tables: list[str]) -> None: ...

    def after(self, conn: sqlite3.Connection, tables: list[str]) -> None: ...


class SnapshotRefused(ValueError):
    """A snapshot this device cannot take (it holds rows, or the snapshot is not for it)."""


def decode(source: IO[bytes]) -> Iterator[dict[str, Any]]:
    """Pages from gzip-compressed JSON lines (central/snapshot.py `encode`)."""
    with gzip.GzipFile(fileobj=source, mode="rb") as z:
        for line in z:
            if line.strip():
                yield orjson.loads(line)


def apply_snapshot(
    replica: LocalReplica,
    pages: Iterable[dict[str, Any]],
    hook: BulkHook | None = None,
    replace: bool = False,
) -> int:
    """Load a snapshot into a fresh replica in one transaction; returns the rows loaded.

    `replace`: a device whose log the office compacted past its cursor replaces its rows
    with the snapshot's (in the same transaction). Only when the office has acknowledged
    every change of this device (they are in the snapshot): otherwise nothing is written
    and the reason says so. Its log, conflict records and refusals stay."""
    source = prefetched(pages)  # decoding beside the inserts
    try:
        return _apply(replica, source, hook, replace)
    finally:
        source.close()


def _apply(
    replica: LocalReplica, pages: Iterator[dict[str, Any]], hook: BulkHook | None, replace: bool
) -> int:
    head = next(pages, None)
    if not head or head.get("schema") != replica.schema.name or "position" not in head:
        raise SnapshotRefused("this is not a snapshot of this application's data")
    tables = [t.name for t in replica.schema.tables]
    conn = replica.conn
    loaded = 0
    newest = ""
    with _cache(conn, BULK_CACHE_KIB), replica.db.transaction():
        if replace:
            _clear(replica, tables)
        for name in tables:
            if conn.execute(f"SELECT 1 FROM {name} LIMIT 1").fetchone():
                raise SnapshotRefused(
                    "this device already holds rows: a snapshot is only for a fresh device"
                )
        if hook is not None:
            hook.before(conn, tables)
        indexes = _drop_indexes(conn, tables)
        for page in pages:
            name, cols, rows = page["table"], page["columns"], page["rows"]
            if name not in tables and name not in _META_TABLES:
                raise SnapshotRefused("the snapshot names a table this application lacks")
            if not rows:
                continue
            marks = ", ".join("?" * len(cols))
            verb = "INSERT OR IGNORE" if name in _META_TABLES else "INSERT"
            conn.executemany(f"{verb} INTO {name} ({', '.join(cols)}) VALUES ({marks})", rows)
            stamp = "_stamp" if name in tables else "stamp" if name == "_changes" else None
            at = cols.index(stamp) if stamp else None
            if at is not None:
                newest = max(newest, max(str(r[at] or "").lstrip(STICKY_MARK) for r in rows))
            if name in tables:
                loaded += len(rows)
        for sql in indexes:  # built once, sorted, rather than row by row
            conn.execute(sql)
        if hook is not None:
            hook.after(conn, tables)
        if newest:
            clock = replica.clock()
            clock.observe_local(Stamp.decode(newest))
            replica.set_state("hlc", clock.last.encode())
        replica.set_state("cursor", str(int(head["position"])))
    return loaded


def _drop_indexes(conn: sqlite3.Connection, tables: list[str]) -> list[str]:
    """Drop the secondary indexes of the replicated tables (inside the load's transaction);
    returns the statements that make them again. Keys (primary, UNIQUE constraints) stay."""
    marks = ", ".join("?" * len(tables))
    found = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        f" AND tbl_name IN ({marks})",
        tables,
    ).fetchall()
    for name, _ in found:
        conn.execute(f'DROP INDEX "{name}"')
    return [sql for _, sql in found]


@contextmanager
def _cache(conn: sqlite3.Connection, kib: int) -> Iterator[None]:
    """A larger page cache for the load (its pages stay in memory, not spilled to the WAL
    mid-transaction), the connection's own afterwards."""
    before = conn.execute("PRAGMA cache_size").fetchone()[0]
    if before < 0 and -before >= kib:
        yield
        return
    conn.execute(f"PRAGMA cache_size = -{int(kib)}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size = {int(before)}")


def _clear(replica: LocalReplica, tables: list[str]) -> None:
    """Drop the replicated rows of a device whose every change the office holds."""
    if state.written(replica) > state.acked_seq(replica):
        raise SnapshotRefused(
            "this device has changes the office has not acknowledged: sync them first"
        )
    for name in reversed(tables):  # children before the rows they point to
        replica.conn.execute(f"DELETE FROM {name}")
