"""Compacting the central log, and leaving no erased value in the central store's files.

**Log compaction** (`compact_log`, `CentralStore.compact_log`). An entry of the central log
serves two readers: a device that has not pulled it yet, and conflict detection, which
compares a write arriving late with the writes of the same field that replaced the same
stamp (its siblings, found along the row's history chain). The rule:

* *A device's horizon.* Every pull request says the device's cursor (everything up to it is
  applied on the device) and `written`, its last own change number when it asked. Once the
  central store has acknowledged the device up to `written` (at that pull, or at a later
  push), that cursor is the device's horizon (`_horizons.safe`): the device has every entry
  up to it, and every write it will still send was made after it applied them. A device
  that never says `written` (an older client, a USB bundle) keeps its horizon at 0.
* *A scope's horizon* is the lowest horizon of the enrolled devices holding the scope (of
  all devices for rows without a scope).
* *What goes:* per row, the oldest update, resolve and delete entries at or below its
  scope's horizon, up to the first one that must stay: any other operation (an erasure, a
  merge, an insert of a row that existed), or a write whose previous stamp is not below the
  highest stamp (as ranked, sticky marks included) that the row's writes of that column up
  to the horizon reached. What stays is always the newest part of each row's chain, so the
  chain is walked as before; a dropped entry leaves no payload behind.
* *Why that keeps every conflict.* A late write W is concurrent with an entry E when both
  name the same previous stamp P. If E is at or below the horizon, W's device had applied E
  before writing W, so its stamp for the column was at least E's rank, which is above P for
  any write that raised its column's stamp; W cannot name P. The one exception, a write
  that did not raise its column beyond its previous stamp (only odd stamps make one), is
  the write that must stay. This assumes a device receives every write of a column it may
  write (true of every role policy that lets a role write only what it reads).
* *Devices after compaction.* The positions up to which a scope was compacted are kept
  (`_sync_state` `compacted:<scope>`); a pull from a cursor below them (a device enrolled
  later, a restored laptop) is refused with `SnapshotNeeded`: such a device starts from a
  snapshot of the rows as they are now, then pulls the log from the snapshot's position.

**After an erasure: leave no old value in the central store's files.**

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

import json
import sqlite3
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from kenttä_sync.central import positions
from kenttä_sync.ground.changes import Change, Op
from kenttä_sync.ground.db import Db
from kenttä_sync.ground.schema import SyncSchema, TableSpec

if TYPE_CHECKING:
    from kenttä_sync.central.store import CentralStore

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


# -- compacting the central log ----------------------------------------------------------------
HORIZON_DDL = """
CREATE TABLE IF NOT EXISTS _horizons (
  device_id TEXT PRIMARY KEY, safe BIGINT NOT NULL DEFAULT 0, seen BIGINT, written BIGINT
)
"""
COMPACTED = "compacted:"  # `_sync_state` key prefix: + scope ('' unscoped) -> horizon
_KEEP_OPS = ("update", "resolve", "delete")  # what compaction may drop; anything else stays


class SnapshotNeeded(RuntimeError):
    """A pull from before a compacted part of the log: the device needs a snapshot."""


def record_pull(db: Db, device_id: str, cursor: int, written: int | None, acked: int) -> None:
    """A pull request says: every change up to `cursor` is applied on the device, and
    every change it wrote before applying them is numbered at most `written`. Once the
    central store holds those (`acked` ≥ `written`), `cursor` is the device's horizon."""
    if written is None:
        return
    db.execute(
        "INSERT INTO _horizons (device_id) VALUES (?) ON CONFLICT (device_id) DO NOTHING",
        (device_id,),
    )
    if acked >= written:
        db.execute(
            "UPDATE _horizons SET safe = ?, seen = NULL, written = NULL"
            " WHERE device_id = ? AND safe < ?",
            (cursor, device_id, cursor),
        )
    else:
        db.execute(
            "UPDATE _horizons SET seen = ?, written = ? WHERE device_id = ? AND safe < ?",
            (cursor, written, device_id, cursor),
        )


def record_push(db: Db, device_id: str, acked: int) -> None:
    """A push acknowledged up to `acked`: a horizon waiting for those writes is reached."""
    db.execute(
        "UPDATE _horizons SET safe = seen, seen = NULL, written = NULL"
        " WHERE device_id = ? AND written <= ? AND seen > safe",
        (device_id, acked),
    )


def horizons(db: Db) -> dict[str, int]:
    """Per scope ('' for unscoped rows): the position up to which compaction may drop, the
    lowest horizon of the devices holding the scope (of every device for '')."""
    rows = db.execute(
        "SELECT d.scopes, COALESCE(h.safe, 0) FROM _devices d"
        " LEFT JOIN _horizons h ON h.device_id = d.device_id"
    )
    out: dict[str, int] = {}
    low = None
    for scopes, safe in rows:
        low = safe if low is None else min(low, safe)
        for scope in json.loads(scopes):
            out[scope] = min(out.get(scope, safe), safe)
    out[""] = low or 0
    return out


def check_cursor(db: Db, scopes: Iterable[str], cursor: int) -> None:
    """Refuse a pull from before a compacted part of the log of the device's scopes."""
    keys = [COMPACTED + s for s in (*scopes, "")]
    marks = ", ".join("?" * len(keys))
    rows = db.execute(
        f"SELECT max(CAST(value AS BIGINT)) FROM _sync_state WHERE key IN ({marks})", keys
    )
    done = rows[0][0] if rows else None
    if done is not None and cursor < int(done):
        raise SnapshotNeeded(
            f"the office has compacted its log past position {cursor}: this device"
            " needs a first sync by snapshot"
        )


def compact_log(store: CentralStore, chunk: int = 2000) -> int:
    """Drop the central log entries no device needs any more (the rule in this module's
    docstring); returns how many were dropped. Works table by table, `chunk` rows per
    transaction (on PostgreSQL under the rows' scope locks, so pushes of other scopes go on)."""
    db, schema = store.db, store.schema
    with db.transaction():  # first: a device enrolled from now on starts from a snapshot
        limits = horizons(db)
        for scope, limit in limits.items():
            if limit:
                db.execute(
                    "INSERT INTO _sync_state (key, value) VALUES (?, ?) ON CONFLICT (key)"
                    " DO UPDATE SET value = excluded.value",
                    (COMPACTED + scope, str(limit)),
                )
    dropped = 0
    for spec in schema.tables:
        scope_col = spec.scope_column
        after = ""
        while True:
            scope_sql = f"CAST({scope_col} AS TEXT)" if scope_col else "''"
            rows = db.execute(
                f"SELECT id, _last, {scope_sql} FROM {spec.name}"
                " WHERE id > ? AND _last IS NOT NULL ORDER BY id LIMIT ?",
                (after, chunk),
            )
            if not rows:
                break
            after = rows[-1][0]
            with db.transaction():
                if db.kind == "postgres":
                    positions.lock_scopes(db, store.tag, {s or "" for _, _, s in rows})
                dropped += _compact_rows(db, spec, rows, limits)
    return dropped


def _compact_rows(db: Db, spec: TableSpec, rows: list[tuple], limits: dict[str, int]) -> int:
    """Walk the rows' history chains (newest first, by `prev_seq`) and drop, per row, the
    oldest entries up to its scope's horizon, stopping at the first one that must stay."""
    chains: dict[str, list[tuple]] = {row_id: [] for row_id, _, _ in rows}
    frontier = {last: row_id for row_id, last, _ in rows if last is not None}
    cols = "seq, prev_seq, col, op, prev_stamp, stamp, value"
    while frontier:
        found = db.select_in(f"SELECT {cols} FROM _changes WHERE seq IN ({{in}})", list(frontier))
        nxt = {}
        for entry in found:
            row_id = frontier[entry[0]]
            chains[row_id].append(entry)
            if entry[1] is not None:
                nxt[entry[1]] = row_id
        frontier = nxt
    drop: list[tuple[int]] = []
    for row_id, _last, scope in rows:
        limit = limits.get(scope or "", 0) if spec.scope_column else limits.get("", 0)
        chain = chains[row_id]  # newest first
        old = [e for e in chain if e[0] <= limit]
        if not old:
            continue
        top: dict[str, str] = {}  # column -> highest rank written up to the horizon
        for _seq, _p, col, op, _prev, stamp, value in old:
            if op in ("update", "resolve") and col is not None:
                written = json.loads(value) if value is not None else None
                if op == "resolve":
                    written = (written or {}).get("value")
                rank = spec.write_stamp(col, written, stamp) if spec.sticky else stamp
                top[col] = max(top.get(col, ""), rank)
        for seq, _p, col, op, prev, _stamp, _value in reversed(old):  # oldest first
            if op not in _KEEP_OPS:
                break
            if op != "delete" and (prev is None or prev >= top.get(col, "")):
                break  # a device may still hold `prev` as the column's stamp
            drop.append((seq,))
    db.executemany("DELETE FROM _changes WHERE seq = ?", drop)
    return len(drop)
