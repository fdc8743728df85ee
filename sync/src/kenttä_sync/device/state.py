"""The device side of a sync: what to push, what a push response means, applying a pull.

Sync state kept in `_sync_state`: `acked_seq` (the central store has processed every change
of this device up to it) and `cursor` (the central log position up to which pulled changes
are committed here). Pulled changes are applied by the same engine as at the central store,
in one SQLite transaction that also moves the cursor, so the cursor never runs ahead of the
changes it covers; an interrupted pull leaves both as they were, and a repeated one is
harmless (changes are recognised by id). A pulled transaction this device cannot hold (a
value outside its column types, a change in this device's own name) is kept aside in
`_quarantine` instead of applied (see quarantine.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from kenttä_sync.device import quarantine
from kenttä_sync.device.replica import LocalReplica
from kenttä_sync.ground.changes import CHANGE_LOG_COLUMNS, Change, row_to_change

_COLS = ", ".join(CHANGE_LOG_COLUMNS)


def acked_seq(replica: LocalReplica) -> int:
    return int(replica.state("acked_seq") or 0)


def cursor(replica: LocalReplica) -> int:
    return int(replica.state("cursor") or 0)


def written(replica: LocalReplica) -> int:
    """This device's last own change (its device sequence; 0 before the first)."""
    return int(replica.state("device_seq") or 0)


def pending(replica: LocalReplica, limit: int = 1000) -> list[Change]:
    """This device's changes the central store has not acknowledged, oldest first; at most
    about `limit`, never cutting a transaction."""
    me = replica.device_id
    rows = replica.conn.execute(
        f"SELECT {_COLS} FROM _changes WHERE device_id = ? AND device_seq > ?"
        " ORDER BY device_seq LIMIT ?",
        (me, acked_seq(replica), limit),
    ).fetchall()
    if len(rows) == limit:
        last_seq, last_tx = rows[-1][2], rows[-1][10]
        rows += replica.conn.execute(
            f"SELECT {_COLS} FROM _changes WHERE device_id = ? AND device_seq > ? AND tx_id = ?"
            " ORDER BY device_seq",
            (me, last_seq, last_tx),
        ).fetchall()
    return [row_to_change(r) for r in rows]


def record_push(
    replica: LocalReplica, acked: int, rejected: Sequence[tuple[str, str, str]] = ()
) -> None:
    """Remember what the central store acknowledged, and why it refused what it refused
    (rows of (change id, transaction id, reason) in `_rejected`, for the application)."""
    with replica.db.transaction():
        if acked > acked_seq(replica):
            replica.set_state("acked_seq", str(acked))
        replica.conn.executemany(
            "INSERT OR IGNORE INTO _rejected (change_id, tx_id, reason) VALUES (?, ?, ?)",
            list(rejected),
        )


def apply_pull(
    replica: LocalReplica,
    changes: Sequence[Change],
    new_cursor: int,
    from_cursor: int | None = None,
) -> int:
    """Apply pulled changes and move the cursor, in one transaction; returns how many were
    new. With `from_cursor` (the cursor the pull was asked from), a stale or reordered
    response (the cursor has moved since) is ignored. Raises ClockError (nothing applied)
    if a change is stamped implausibly far ahead of this machine's clock."""
    with replica.db.transaction():
        try:
            if from_cursor is not None and cursor(replica) != from_cursor:
                return 0
            clock = replica.clock()
            changes = quarantine.screen(replica, changes)
            applied = replica.engine().apply(changes)
            if new_cursor > cursor(replica):
                replica.set_state("cursor", str(new_cursor))
            replica.set_state("hlc", clock.last.encode())
        except BaseException:
            replica._clock = None  # re-read the persisted clock after the rollback
            raise
    return len(applied)
