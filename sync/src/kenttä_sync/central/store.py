"""The central store: merged state, the central change log, devices, scopes and cursors.

One class over a `Db` (SQLite by default, PostgreSQL through psycopg 3); only DDL differs.

* The central log: every accepted change once, at a log position `seq` (the order pulls
  follow). An insert that makes a row is kept in the row (`_seq`, `_origin`, …; see
  engine.py), every other change in `_changes` with the scope of its row and `prev_seq`,
  the row's previous entry, so a pull filters by scope in SQL and the log needs no index
  but its key. Changes are deduplicated by each device's `acked_seq` (under the push
  lock). On SQLite pushes are serialised (BEGIN IMMEDIATE) and `seq` is given out under
  that lock (`_sync_state` `log_seq`, the head), so `seq` order is commit order. On
  PostgreSQL pushes lock only their scopes and pulls read up to a safe head
  (positions.py); either way a reader never skips a change committed late.
* `_devices`: enrolled devices, their scopes, `acked_seq` (every change of theirs up to it
  has been processed: applied, or refused and reported) and `cursor` (the last cursor the
  device reported committed).
* A push is processed whole in one database transaction, transaction by transaction: a
  transaction with any refused change (unknown table or row, out of scope by the *stored*
  row's scope, immutable column, clock implausibly far ahead, a merge from a device, a
  change id that is not the device's own, a value outside its column's type, codes or
  required-ness, a write the device role's policy does not allow) is refused whole and
  reported; the others are applied by the engine. Natural-key duplicates are then merged: within a
  table (and scope), live rows with the same natural key become the one with the lowest
  (insert stamp, id); each loser gets a merge change written by the central store. This
  check runs before every transaction that erases, too, so a duplicate is joined to its
  twin before the erasure blanks the key. A duplicate that reaches the central store only
  after its twin was erased is not matched: the key it would match is gone.

Checking a push is in checks.py; reading the log in log.py; PostgreSQL's locks and positions
in positions.py; snapshots in snapshot.py; log compaction in compaction.py.
"""

from __future__ import annotations

import gc
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from kenttä_sync.central import checks as central_checks
from kenttä_sync.central import columns as central_columns
from kenttä_sync.central import compaction as central_compaction
from kenttä_sync.central import log as central_log
from kenttä_sync.central import positions
from kenttä_sync.central import snapshot as central_snapshot
from kenttä_sync.ground.changes import Change, Op
from kenttä_sync.ground.db import Db, PostgresDb, SqliteDb, create_private_file
from kenttä_sync.ground.hlc import HybridLogicalClock
from kenttä_sync.ground.ids import uuid7
from kenttä_sync.ground.schema import SyncSchema
from kenttä_sync.merge.engine import Engine
from kenttä_sync.merge.naturalkeys import duplicates, segments

CENTRAL_DEVICE = "central"
LOG_FORMAT = "2"  # 1: inserts in `_changes` with a (tbl, row_id) index; 2: see above
_LOG_DDL = (
    """
CREATE TABLE IF NOT EXISTS _changes (
  seq BIGINT PRIMARY KEY, change_id TEXT NOT NULL, device_id TEXT NOT NULL,
  device_seq BIGINT NOT NULL, tbl TEXT NOT NULL, row_id TEXT NOT NULL, col TEXT,
  op TEXT NOT NULL, value TEXT, stamp TEXT NOT NULL, prev_stamp TEXT, tx_id TEXT NOT NULL,
  author TEXT NOT NULL, scope TEXT, prev_seq BIGINT
);
CREATE TABLE IF NOT EXISTS _sync_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS _devices (
  device_id TEXT PRIMARY KEY, name TEXT, scopes TEXT NOT NULL,
  acked_seq BIGINT NOT NULL DEFAULT 0, cursor BIGINT NOT NULL DEFAULT 0
);
"""
    + central_compaction.HORIZON_DDL
)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection during a push: it makes tens of thousands of small
    tuples and dicts (no cycles) that would trigger collections of the whole heap; they are
    freed by reference counting. Restored on exit (left alone if already disabled)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _own_id(change: Change) -> str:
    """The id a change of the pushing device has (a refused change may claim another)."""
    return Change.make_id(change.device_id, change.device_seq)


class StoreFormatError(RuntimeError):
    """A central store this version cannot use (made by an earlier version)."""


class NotEnrolled(PermissionError):
    """A device the central store does not know."""


class SequenceGap(ValueError):
    """A push that starts after the device's acknowledged sequence + 1."""


@dataclass
class Device:
    device_id: str
    name: str | None
    scopes: tuple[str, ...]
    acked_seq: int
    cursor: int


@dataclass
class PushResult:
    acked_seq: int
    applied: int = 0
    rejected: list[tuple[str, str, str]] = field(default_factory=list)  # (change, tx, reason)


class CentralStore:
    """The central store over SQLite or PostgreSQL (see `open_sqlite`, `open_postgres`)."""

    def __init__(self, db: Db, schema: SyncSchema, wall: Callable[[], int] | None = None) -> None:
        self.db = db
        self.schema = schema
        self._wall = wall
        central_compaction.prepare(db)  # SQLite: freed space zeroed (erasure)
        self.engine = Engine(db, schema, central=True)
        self.engine.dedupe = False  # pushes are deduplicated by acked_seq, under the lock
        self._states: dict = {}
        self._limit = ""
        self._tag, self._marked = 0, False  # PostgreSQL: lock tag; the push holds its marker
        # the role of the device a request comes from (set for the request by the server and
        # the bundle import, `enrolment.role_checked`): pushes and pulls follow the schema's
        # policy for it (policy.py); None: an in-process caller, not limited
        self.role: str | None = None

    # -- set-up -----------------------------------------------------------------------------
    def install(self) -> None:
        tables = ";\n".join(
            t.sqlite_ddl(central=True) if self.db.kind == "sqlite" else t.postgres_ddl(central=True)
            for t in self.schema.tables
        )
        with self.db.transaction():
            self._check_format()
            self.db.script(_LOG_DDL + ";\n" + tables)
            central_columns.add_missing(self.db, self.schema)  # an older store's tables
            self.engine.install()
            if self._state("log_format") is None:
                self._set_state("log_format", LOG_FORMAT)
            if self.db.kind == "postgres":
                self._install_positions()

    def _install_positions(self) -> None:
        keys = ("log_seq", "device_seq", "lock_tag")
        positions.install(self.db, {k: self._state(k) for k in keys})
        self._tag = int(self._state("lock_tag") or 0)

    @property
    def tag(self) -> int:
        """PostgreSQL: this store's advisory-lock tag (a store made by an earlier version
        gets its sequences and tag here, on first use)."""
        if not self._tag:
            found = self._state("lock_tag")
            if found is None:
                with self.db.transaction():
                    self._install_positions()
            else:
                self._tag = int(found)
        return self._tag

    def _check_format(self) -> None:
        """Refuse a store made with the earlier log format (before the first release)."""
        if self.db.kind == "sqlite":
            found = self.db.execute(
                "SELECT 1 FROM sqlite_master WHERE name = '_changes_row' AND type = 'index'"
            )
        else:
            found = self.db.execute(  # pg_class, not the slower pg_indexes view
                "SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE c.relname = '_changes_row' AND c.relkind = 'i'"
                " AND n.nspname = current_schema()"
            )
        if found:
            raise StoreFormatError(
                "this central store was made by an earlier kenttä (change-log format 1);"
                " make a new one with `kenttä server init` and let the devices sync into it"
            )

    def head(self) -> int:
        """The newest central log position (what a device fully caught up has seen)."""
        if self.db.kind == "postgres":
            return positions.safe_head(self.db, self.tag)
        return int(self._state("log_seq") or 0)

    def _state(self, key: str) -> str | None:
        rows = self.db.execute("SELECT value FROM _sync_state WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    def _set_state(self, key: str, value: str) -> None:
        self.db.execute(
            "INSERT INTO _sync_state (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def _clock(self) -> HybridLogicalClock:
        kwargs = {"wall": self._wall} if self._wall else {}
        last = positions.clock_state(self.db) if self.db.kind == "postgres" else self._state("hlc")
        return HybridLogicalClock(CENTRAL_DEVICE, last=last, **kwargs)

    # -- devices ----------------------------------------------------------------------------
    def register_device(
        self, device_id: str, scopes: Iterable[str], name: str | None = None
    ) -> None:
        """Enrol a device (or change its scopes)."""
        with self.db.transaction():
            self.db.execute(
                "INSERT INTO _devices (device_id, name, scopes) VALUES (?, ?, ?)"
                " ON CONFLICT (device_id) DO UPDATE SET scopes = excluded.scopes,"
                " name = excluded.name",
                (device_id, name, json.dumps(sorted(set(scopes)))),
            )

    def device(self, device_id: str, lock: bool = False) -> Device | None:
        rows = self.db.execute(
            "SELECT device_id, name, scopes, acked_seq, cursor FROM _devices WHERE device_id = ?"
            + (" FOR UPDATE" if lock else ""),
            (device_id,),
        )
        if not rows:
            return None
        d, name, scopes, acked, cursor = rows[0]
        return Device(d, name, tuple(json.loads(scopes)), int(acked), int(cursor))

    def _allocate(self, n: int) -> int:
        """PostgreSQL: a block of `n` log positions for the running push (positions.py)."""
        base = positions.allocate(self.db, self.tag, n, self._marked)
        self.engine.seq_limit = base + n
        self._marked = True
        return base

    def _enrolled(self, device_id: str, lock: bool = False) -> Device:
        dev = self.device(device_id, lock)
        if dev is None:
            raise NotEnrolled(f"device {device_id} is not enrolled with this central store")
        return dev

    # -- push -------------------------------------------------------------------------------
    def push(self, device_id: str, changes: Sequence[Change]) -> PushResult:
        """Apply a device's changes (whole transactions, in device_seq order); once a push
        that erased has committed, scrub what the old values left (central_compaction)."""
        result = self._push(device_id, changes)
        refused = [change_id for change_id, _tx, _reason in result.rejected]
        central_compaction.after_push(self.db, self.schema, changes, refused)
        return result

    def _push(self, device_id: str, changes: Sequence[Change]) -> PushResult:
        pg = self.db.kind == "postgres"
        with _gc_paused(), self.db.transaction():
            dev = self._enrolled(device_id)
            locked: set[str] = set()
            if pg:  # lock the scopes, then the device's row (positions.py)
                locked = positions.push_scopes(self.schema, dev.scopes, changes)
                positions.lock_scopes(self.db, self.tag, locked)
                dev = self._enrolled(device_id, lock=True)
            todo = central_checks.unacknowledged(changes, dev.acked_seq)
            if not todo:
                return PushResult(dev.acked_seq)
            if {c.device_id for c in todo} != {device_id} or [c.device_seq for c in todo] != list(
                range(dev.acked_seq + 1, dev.acked_seq + 1 + len(todo))
            ):
                expected = next(
                    i
                    for i, c in enumerate(todo, start=dev.acked_seq + 1)
                    if c.device_id != device_id or c.device_seq != i
                )
                raise SequenceGap(
                    f"expected change {expected} of device {device_id}; "
                    f"resend from {dev.acked_seq + 1}"
                )
            clock = self._clock()
            self.engine.clock = clock
            if pg:
                self.engine.allocate = self._allocate
                self._marked = False
                self.engine.seq = self._allocate(positions.block_size(self.schema, todo))
            else:
                self.engine.seq = self.head()
            accepted, rejected = central_checks.validate(self, dev, todo, clock)
            applied: list[Change] = []
            for i, segment in enumerate(segments(accepted)):
                done = self.engine.apply(segment, self._states if i == 0 else None)
                applied += done
                merges = self._natural_key_merges(done, clock)
                if merges:
                    self.engine.apply(merges)
            if rejected:
                self.db.executemany(
                    "INSERT INTO _rejected (change_id, tx_id, reason) VALUES (?, ?, ?)"
                    " ON CONFLICT (change_id) DO NOTHING",
                    [(_own_id(c), c.tx_id, reason) for c, reason in rejected],
                )
            acked = todo[-1].device_seq
            self.db.execute(
                "UPDATE _devices SET acked_seq = ? WHERE device_id = ?", (acked, device_id)
            )
            central_compaction.record_push(self.db, device_id, acked)
            if pg:
                self._set_state(positions.clock_key(locked), clock.last.encode())
                positions.release(self.db, self.tag, self.engine.seq, self.engine.seq_limit)
            else:
                self._set_state("hlc", clock.last.encode())
                self._set_state("log_seq", str(self.engine.seq))
            self.engine.clock = None
            return PushResult(acked, len(applied), [(_own_id(c), c.tx_id, r) for c, r in rejected])

    # validate's per-change check, itself (no call added); a caller may wrap it per store
    _check = central_checks.check

    def _natural_key_merges(self, applied: list[Change], clock: HybridLogicalClock) -> list[Change]:
        return [
            self._central_change(table, loser, {"into": winner}, clock)
            for table, loser, winner in duplicates(self.db, self.schema, applied)
        ]

    def _central_change(
        self, table: str, row_id: str, value: Any, clock: HybridLogicalClock
    ) -> Change:
        if self.db.kind == "postgres":
            seq = positions.next_central_seq(self.db)
        else:
            seq = int(self._state("device_seq") or 0) + 1
            self._set_state("device_seq", str(seq))
        return Change(
            change_id=Change.make_id(CENTRAL_DEVICE, seq),
            device_id=CENTRAL_DEVICE,
            device_seq=seq,
            table=table,
            row_id=row_id,
            column=None,
            op=Op.MERGE,
            value=value,
            stamp=clock.now().encode(),
            tx_id=uuid7(),
            author="sync",
        )

    # -- pull -------------------------------------------------------------------------------
    def pull(
        self, device_id: str, cursor: int, limit: int = 1000, written: int | None = None
    ) -> tuple[list[Change], int, bool]:
        """Changes after `cursor` within the device's scopes, not made by it, whole
        transactions; returns (changes, new cursor, more). `written`: the device's last own
        change when it asked (moves its compaction horizon, compaction.py)."""
        return central_log.pull(self, device_id, cursor, limit, written)

    def snapshot(self, device_id: str, page: int = 5000) -> Iterator[dict[str, Any]]:
        """A device's first sync: its scopes' rows as they are now, in pages (snapshot.py)."""
        return central_snapshot.snapshot(self, device_id, page)

    # -- log compaction ---------------------------------------------------------------------
    def compact_log(self) -> int:
        """Drop the log entries no device needs any more (compaction.py); how many."""
        return central_compaction.compact_log(self)

    # -- reading ----------------------------------------------------------------------------
    def log(self) -> list[Change]:
        """The whole central log in order (inserts read back from their rows)."""
        return central_log.log(self)

    def close(self) -> None:
        self.db.conn.close()  # type: ignore[attr-defined]


def open_sqlite(
    path: str, schema: SyncSchema, wall: Callable[[], int] | None = None
) -> CentralStore:
    """A central store in an SQLite file (WAL, mode 0600), installed if new."""
    create_private_file(path)
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA cache_size=-262144")
    store = CentralStore(SqliteDb(conn), schema, wall)
    store.install()
    return store


def open_postgres(
    conninfo: str, schema: SyncSchema, wall: Callable[[], int] | None = None
) -> CentralStore:
    """A central store in a PostgreSQL database (psycopg 3), installed if new."""
    import psycopg

    store = CentralStore(PostgresDb(psycopg.connect(conninfo)), schema, wall)
    store.install()
    return store
