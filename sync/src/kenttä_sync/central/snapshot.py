"""A device's first sync by snapshot: its scopes' rows as they are now, then the log.

A fresh device (or one whose cursor lies before a compacted part of the log, compaction.py)
does not replay the log: it receives, in pages, every row of its scopes as the central store
holds it now (values and sync metadata: `_stamp`, `_clock`, `_deleted`, `_erased`), the
conflict records and natural-key merges of those rows, and the log entries still kept for
them (so a late concurrent write finds its siblings on the device too), then pulls the log
from the snapshot's position (`device/snapshot.py` applies it in bulk).

Memory: every table is read through a cursor in batches of `page` rows (a server-side
cursor on PostgreSQL, `fetchmany` on SQLite) and each batch is written as one page before
the next is read, so the office holds at most a page of rows whatever the scope's size.

Consistency: the position is the log's (safe) head taken first; the pages are read in one
read transaction started after it (SQLite: a deferred read transaction on the WAL;
PostgreSQL: REPEATABLE READ). Everything at or below the position is in the pages; what
the pages hold beyond it comes again through the log and changes nothing (an insert of a
row that exists is ignored, an update with the stamp the row already has changes nothing,
and an entry already among the device's log entries is skipped by its change id).

The role's read policy applies as to pulls: unreadable tables are left out, unreadable
columns are null, and their log entries and conflict records are not sent.

`encode` writes pages as gzip-compressed JSON lines (one page a line), for a file or a
streamed HTTP body.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Iterator
from typing import IO, TYPE_CHECKING, Any

import orjson

from kenttä_sync.ground.changes import CHANGE_LOG_COLUMNS
from kenttä_sync.ground.meta import CONFLICT_COLUMNS, MERGE_COLUMNS
from kenttä_sync.ground.policy import hidden_columns
from kenttä_sync.ground.prefetch import prefetched
from kenttä_sync.ground.schema import META_COLUMNS

if TYPE_CHECKING:
    from kenttä_sync.central.store import CentralStore

PAGE = 5000
FORMAT = 1


def snapshot(store: CentralStore, device_id: str, page: int = PAGE) -> Iterator[dict[str, Any]]:
    """The pages of a device's snapshot: first `{"position": …}`, then pages
    `{"table": …, "columns": […], "rows": […]}` (replicated tables, then `_conflicts`,
    `_merges` and `_changes`)."""
    dev = store._enrolled(device_id)
    position = store.head()
    yield {"format": FORMAT, "position": position, "schema": store.schema.name}
    scopes = sorted(dev.scopes)
    policy = store.schema.policy(store.role)
    db = store.db
    db.execute("BEGIN ISOLATION LEVEL REPEATABLE READ" if db.kind == "postgres" else "BEGIN")
    try:
        hidden: dict[str, set[str]] = {}
        for spec in store.schema.tables:
            if policy is not None and not (
                spec.name in policy.tables and policy.tables[spec.name].read
            ):
                continue
            hidden[spec.name] = (
                set()
                if policy is None
                else hidden_columns(policy, spec.name, spec.columns) - {spec.scope_column}
            )
            cols = ["id", *spec.columns, *META_COLUMNS]
            picked = [f"NULL AS {c}" if c in hidden[spec.name] else c for c in cols]
            where, params = _scoped(spec.scope_column, scopes)
            yield from _pages(
                db, spec.name, cols, f"SELECT {', '.join(picked)} FROM {spec.name} {where}",
                params, page,
            )  # fmt: skip
        tables = list(hidden)
        for name, cols, key in (
            ("_conflicts", CONFLICT_COLUMNS, "row_id"),
            ("_merges", MERGE_COLUMNS, "loser_id"),
            ("_changes", CHANGE_LOG_COLUMNS, "row_id"),
        ):
            for rows in _kept(store, name, cols, key, tables, scopes, hidden, page):
                yield {"table": name, "columns": list(cols), "rows": rows}
    finally:
        db.execute("COMMIT")


def _scoped(scope_column: str | None, scopes: list[str]) -> tuple[str, list[str]]:
    if not scope_column:
        return "", []
    if not scopes:
        return f"WHERE {scope_column} IS NULL", []
    marks = ", ".join("?" * len(scopes))
    return f"WHERE CAST({scope_column} AS TEXT) IN ({marks})", scopes


def _pages(
    db: Any, table: str, cols: list[str], sql: str, params: list[str], page: int
) -> Iterator[dict[str, Any]]:
    """Pages as the rows are read: at most `page` rows of the table in memory at once."""
    for rows in db.stream(sql, params, page):
        yield {"table": table, "columns": cols, "rows": rows}  # tuples: JSON arrays


def _kept(
    store: CentralStore,
    name: str,
    cols: Iterable[str],
    key: str,
    tables: list[str],
    scopes: list[str],
    hidden: dict[str, set[str]],
    page: int,
) -> Iterator[list[tuple]]:
    """Pages of the rows of a metadata table that belong to rows of the snapshot (by their
    table's scope), leaving out what concerns an unreadable column; streamed."""
    cols = list(cols)
    specs = {t.name: t for t in store.schema.tables}
    col_at = cols.index("col") if "col" in cols else None
    for table in tables:
        spec = specs[table]
        where, params = _scoped(spec.scope_column, scopes)
        inner = f"SELECT id FROM {table} {where}"
        select = ", ".join(f"m.{c}" for c in cols)
        sql = f"SELECT {select} FROM {name} m WHERE m.tbl = ? AND m.{key} IN ({inner})"
        for rows in store.db.stream(sql, (table, *params), page):
            found = [r for r in rows if col_at is None or r[col_at] not in hidden[table]]
            if found:
                yield found


def encode(pages: Iterable[dict[str, Any]], out: IO[bytes], level: int = 1) -> int:
    """Write pages as gzip-compressed JSON lines; returns the compressed bytes written.
    Level 1: a snapshot is large and mostly goes over a LAN; level 3 saves a tenth of the
    bytes for twice the office's time."""
    start = out.tell() if out.seekable() else 0
    lines = prefetched(_lines(pages))  # reading and JSON beside the compression
    try:
        with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=level, mtime=0) as z:
            for line in lines:
                z.write(line)
    finally:
        lines.close()
    return (out.tell() - start) if out.seekable() else 0


def _lines(pages: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    source = iter(pages)
    try:
        for page in source:
            yield _dumps(page) + b"\n"
    finally:
        close = getattr(source, "close", None)
        if close is not None:
            close()  # a snapshot generator ends its read transaction


def _dumps(page: dict[str, Any]) -> bytes:
    """One page as compact UTF-8 JSON (orjson; the standard library for what it refuses,
    such as an integer beyond 64 bits)."""
    try:
        return orjson.dumps(page)
    except TypeError:
        return json.dumps(page, separators=(",", ":"), ensure_ascii=False).encode()
