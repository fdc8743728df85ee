"""Push locks and central log positions on PostgreSQL: pushes for different scopes run
side by side, and a pull never skips a change.

SQLite serialises every writer (BEGIN IMMEDIATE), so there a push numbers its entries from
the head (`_sync_state` `log_seq`) and commit order is position order. On PostgreSQL:

* **A lock per scope.** A push takes a transaction advisory lock for each scope of its
  device (sorted, so two pushes never wait on each other in a cycle), plus one for the
  unscoped tables when it writes one (or erases, which may reach one), and locks its
  device's row (`FOR UPDATE`; two pushes of one device follow each other, so `acked_seq`
  still deduplicates). Everything a push reads to decide (the stored rows and their scopes,
  natural-key twins, the history chain) lies in those scopes, so pushes that share no scope
  touch no common row. Nothing shared is written either: the log position comes from a
  sequence, the central device's own numbering from another, and the central clock is kept
  per lock (`hlc:<scope>` rows of `_sync_state`; the clock starts from the highest).
* **Positions handed out early, read only when safe.** A push takes one block of
  consecutive positions from the sequence `_log_position` (large enough for its changes and
  the natural-key merges they can cause, so a transaction's entries stay contiguous and a
  page of a pull ends on a transaction's end) and holds, until it commits or rolls back, a
  *marker*: a transaction advisory lock whose key carries the block's first position.
  What a push leaves unused at the end of its block is given back when no block was taken
  after it (otherwise it is a gap). Positions are therefore not in commit order. A pull reads only up to the **safe head**:
  one below the lowest marker held, or the sequence's last value when no push is in flight.
  Taking a block and its marker, and reading the sequence and the markers, happen under one
  session advisory lock (exclusive to hand out, shared to read; held for microseconds), so
  a reader never sees a position without its marker. PostgreSQL releases a transaction's
  locks only after its commit is visible, so every position at or below the safe head
  belongs to a push that has committed (or rolled back: a gap, which a pull passes over);
  a change committed later always has a position above the safe head its reader used.
  A long push therefore holds back what pulls see (never what they skip) until it commits.

Keys carry a per-store tag (`_sync_state` `lock_tag`), so stores in several schemas of one
database do not see each other's markers. Positions stay below 2**40.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Iterable
from typing import TYPE_CHECKING

from kenttä_sync.ground.changes import Change, Op
from kenttä_sync.ground.schema import SyncSchema

if TYPE_CHECKING:
    from kenttä_sync.ground.db import Db

SEQUENCE = "_log_position"
CENTRAL_SEQUENCE = "_central_seq"
_POSITION_BITS = 40
UNSCOPED = ""  # the lock of the tables without a scope column

DDL = f"""
CREATE SEQUENCE IF NOT EXISTS {SEQUENCE} MINVALUE 0 START 1;
CREATE SEQUENCE IF NOT EXISTS {CENTRAL_SEQUENCE} MINVALUE 0 START 1
"""


def install(db: Db, state: dict[str, str | None]) -> None:
    """Create the sequences (in the caller's transaction), carrying on from a store's
    `log_seq` and `device_seq` as SQLite-style counters left them; give the store a tag."""
    db.script(DDL)
    for sequence, key in ((SEQUENCE, "log_seq"), (CENTRAL_SEQUENCE, "device_seq")):
        start = int(state.get(key) or 0)
        last, called = db.execute(f"SELECT last_value, is_called FROM {sequence}")[0]
        if start > (last if called else last - 1):
            db.execute("SELECT setval(?, ?)", (sequence, start))
    if state.get("lock_tag") is None:
        db.execute(
            "INSERT INTO _sync_state (key, value) VALUES ('lock_tag', ?)"
            " ON CONFLICT (key) DO NOTHING",
            (str(random.randint(1, 2**22 - 1)),),
        )


def _int4(value: int) -> int:
    return value - 2**32 if value >= 2**31 else value


def scope_key(scope: str) -> int:
    """The second key of a scope's advisory lock (a collision only serialises more)."""
    return _int4(zlib.crc32(scope.encode()))


def _marker(tag: int, position: int) -> int:
    return (tag << _POSITION_BITS) | position


def lock_scopes(db: Db, tag: int, scopes: Iterable[str]) -> None:
    """Take the scopes' push locks, in one order for every push (no deadlock)."""
    for key in sorted({scope_key(s) for s in scopes}):
        db.execute("SELECT pg_advisory_xact_lock(?, ?)", (_int4(tag), key))


def push_scopes(schema: SyncSchema, device_scopes: Iterable[str], changes: Iterable[Change]):
    """The scopes whose locks a push takes: its device's, and the unscoped tables' when it
    writes one of them or erases (an erasure may reach rows of an unscoped table)."""
    scopes = set(device_scopes)
    unscoped = {t.name for t in schema.tables if not t.scope_column}
    if unscoped and any(c.table in unscoped or c.op == Op.ERASE for c in changes):
        scopes.add(UNSCOPED)
    return scopes


def block_size(schema: SyncSchema, changes: Iterable[Change]) -> int:
    """Positions a push may need: one per change, and one per natural-key merge, of which
    there is at most one per insert into a table with a natural key."""
    keyed = {t.name for t in schema.tables if t.natural_key}
    n = 0
    for c in changes:
        n += 2 if c.op == Op.INSERT and c.table in keyed else 1
    return n + 1


def allocate(db: Db, tag: int, n: int, marked: bool) -> int:
    """Reserve `n` consecutive positions; returns the one before the first. The first block
    of a push (`marked` False) takes the push's marker with it; a later one needs none (its
    positions are above the marker)."""
    gate = _marker(tag, 0)
    db.execute("SELECT pg_advisory_lock(?)", (gate,))
    try:
        last = int(
            db.execute("SELECT setval(?, nextval(?) + ? - 1)", (SEQUENCE, SEQUENCE, n))[0][0]
        )
        base = last - n
        if not marked:
            db.execute("SELECT pg_advisory_xact_lock(?)", (_marker(tag, base + 1),))
    finally:
        db.execute("SELECT pg_advisory_unlock(?)", (gate,))
    if last >= 2**_POSITION_BITS:
        raise OverflowError("central log positions exhausted")
    return base


def release(db: Db, tag: int, used: int, reserved: int) -> None:
    """Give back the unused end of a push's last block (`used` < position ≤ `reserved`)
    when no block was handed out after it, so positions stay dense when pushes do not
    overlap (a device's progress counts positions)."""
    if used >= reserved:
        return
    gate = _marker(tag, 0)
    db.execute("SELECT pg_advisory_lock(?)", (gate,))
    try:
        db.execute(
            f"SELECT setval(?, ?) FROM {SEQUENCE} WHERE is_called AND last_value = ?",
            (SEQUENCE, used, reserved),
        )
    finally:
        db.execute("SELECT pg_advisory_unlock(?)", (gate,))


def safe_head(db: Db, tag: int) -> int:
    """The highest position below which every push has finished (see the module doc)."""
    gate = _marker(tag, 0)
    db.execute("SELECT pg_advisory_lock_shared(?)", (gate,))
    try:
        last, called = db.execute(f"SELECT last_value, is_called FROM {SEQUENCE}")[0]
        head = int(last) if called else int(last) - 1
        low = tag << (_POSITION_BITS - 32)  # the markers' classid range
        rows = db.execute(
            "SELECT min(((classid::bigint - ?) << 32) | objid::bigint) FROM pg_locks"
            " WHERE locktype = 'advisory' AND objsubid = 1 AND granted"
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            " AND classid::bigint >= ? AND classid::bigint < ?"
            " AND (classid::bigint > ? OR objid::bigint > 0)",
            (low, low, low + 2 ** (_POSITION_BITS - 32), low),
        )
    finally:
        db.execute("SELECT pg_advisory_unlock_shared(?)", (gate,))
    inflight = rows[0][0] if rows else None
    return head if inflight is None else min(head, int(inflight) - 1)


def next_central_seq(db: Db) -> int:
    return int(db.execute(f"SELECT nextval('{CENTRAL_SEQUENCE}')")[0][0])


def clock_state(db: Db) -> str | None:
    """The highest central clock any push saved."""
    rows = db.execute("SELECT max(value) FROM _sync_state WHERE substr(key, 1, 3) = 'hlc'")
    return rows[0][0] if rows else None


def clock_key(scopes: Iterable[str]) -> str:
    """The `_sync_state` row a push saves the central clock in: one only pushes holding
    the same first lock write (they follow each other)."""
    first = min(scopes, key=scope_key, default=None)
    return "hlc" if first is None else f"hlc:{scope_key(first)}"
