"""Conflict records: finding the writes a write is concurrent with, and recording pairs.

See engine.py for the definition of a concurrent same-field write pair.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from kenttä_sync.ground.changes import Change, Op, dumps_value
from kenttä_sync.ground.meta import CONFLICT_COLUMNS, conflict_id

if TYPE_CHECKING:
    from kenttä_sync.merge.engine import Engine

WRITE_OPS = (Op.UPDATE.value, Op.RESOLVE.value)


def written_value(change: Change) -> Any:
    """The stored column value a write (update or resolve) sets."""
    if change.op == Op.RESOLVE:
        return (change.value or {}).get("value")
    return change.value


def row_history(engine: Engine, start: int | None) -> Iterator[tuple]:
    """Central log entries of one row, newest first, following `prev_seq` from `start` (the
    row's `_last`): (seq, col, op, prev_stamp, stamp, change_id, author, value)."""
    seq = start
    while seq is not None:
        rows = engine.db.execute(
            "SELECT prev_seq, col, op, prev_stamp, stamp, change_id, author, value"
            " FROM _changes WHERE seq = ?",
            (seq,),
        )
        if not rows:
            return
        yield (seq, *rows[0][1:])
        seq = rows[0][0]


def siblings(
    engine: Engine, change: Change, pending: dict[tuple, list[Change]], start: int | None = None
) -> list[tuple[str, str, str, str, Any]]:
    """Writes of the same field that replaced the same stamp: (stamp, change_id, author,
    op, value) from the log and from this batch. On the central store the log is searched
    along the row's history chain from `start`; elsewhere by the (table, row) index."""
    if engine.central:
        rows = [
            (stamp, cid, author, op, value)
            for _, col, op, prev, stamp, cid, author, value in row_history(engine, start)
            if col == change.column and prev == change.prev_stamp and op in WRITE_OPS
        ]
    else:
        rows = engine.db.execute(
            "SELECT stamp, change_id, author, op, value FROM _changes"
            " WHERE tbl = ? AND row_id = ? AND col = ? AND prev_stamp = ? AND op IN (?, ?)",
            (change.table, change.row_id, change.column, change.prev_stamp, *WRITE_OPS),
        )
    out = [(s, cid, a, op, None if v is None else json.loads(v)) for s, cid, a, op, v in rows]
    key = (change.table, change.row_id, change.column, change.prev_stamp)
    for other in pending.get(key, ()):
        out.append((other.stamp, other.change_id, other.author, other.op.value, other.value))
    return [s for s in out if s[1] != change.change_id]


def conflict_rows(
    engine: Engine, change: Change, pending: dict[tuple, list[Change]], start: int | None = None
) -> list[tuple]:
    rows = []
    mine = (change.stamp, change.author, change.change_id, written_value(change))
    for stamp, cid, author, op, value in siblings(engine, change, pending, start):
        if op == Op.RESOLVE.value:
            value = (value or {}).get("value")
        other = (stamp, author, cid, value)
        a, b = sorted((mine, other), key=lambda w: w[0])
        rows.append(
            (
                conflict_id(change.table, change.row_id, change.column or "", a[0], b[0]),
                change.table,
                change.row_id,
                change.column,
                a[0],
                dumps_value(a[3]),
                a[1],
                a[2],
                b[0],
                dumps_value(b[3]),
                b[1],
                b[2],
                None,
                None,
                None,
            )
        )
    return rows


def write_conflicts(engine: Engine, rows: list[tuple]) -> None:
    if rows:
        cols = ", ".join(CONFLICT_COLUMNS)
        engine.db.executemany(
            f"INSERT INTO _conflicts ({cols}) VALUES ({', '.join('?' * len(CONFLICT_COLUMNS))})"
            " ON CONFLICT (id) DO NOTHING",
            rows,
        )
