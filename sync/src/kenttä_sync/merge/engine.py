"""The merge engine: one implementation for device replicas and the central store.

Rules (every one is order-independent, which is what makes replicas converge):

* **Insert** creates the row once (same id again: ignored). Reference values are translated
  through `_merges` to the canonical row; a row whose `erase_with` parent is erased is
  stored erased (personal columns blank).
* **Update** is per-column last-writer-wins by stamp text (= (wall, counter, device)). The
  column's current stamp is `_clock[col]`, else the row's insert stamp `_stamp`.
* **Sticky columns** (`TableSpec.sticky`): a write of a final value ranks by its stamp
  marked with `STICKY_MARK`, so it beats every non-final write; the marked stamp is what
  `_clock` holds (and what later writers name as `prev_stamp`).
* **Delete** is a tombstone: `_deleted` = the lowest delete (or merge) stamp seen.
* **Concurrent same-field write pair** (the definition the tests use): two writes (update or
  resolve) of the same (table, row, column) with the same `prev_stamp`, i.e. both writers
  replaced the same value without seeing the other's write. Each pair gets one `_conflicts`
  record, whatever the order of arrival. A write whose `prev_stamp` equals the column's
  current stamp cannot have such a sibling already applied (a sibling would have raised the
  stamp), so the log is searched only when they differ. Rows that are erased keep no
  conflicts (the records would hold personal data); no conflicts are made for them.
* **Erase**, **merge** and **resolve** are handled in `special.py`.

**The central log** (`central=True`) is kept lighter than a device's, since the central
store takes every change of every device: an insert that creates a row is not written to
`_changes` at all but kept in the row (`_seq`, its log position, and `_origin`,
`_origin_seq`, `_tx`, `_author`), and a pull reads it back from the row as it is then (the
later changes of the row follow it in the log, so a device ends the same). Every other entry
gets an explicit `seq` and `prev_seq`, the row's previous entry: each row's history is a
chain from its `_last`, walked instead of an index on (table, row) when a concurrent write
needs its siblings or an erasure blanks payloads. The log needs no secondary index.

Inserts, updates and deletes are applied in batches by `batched.py` (its docstring says
how); the caller owns the database transaction.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from kenttä_sync.ground.changes import CHANGE_LOG_COLUMNS, Change, Op, dumps_value
from kenttä_sync.ground.db import Db
from kenttä_sync.ground.hlc import HybridLogicalClock
from kenttä_sync.ground.meta import META_DDL, index_ddl
from kenttä_sync.ground.schema import SyncSchema, TableSpec
from kenttä_sync.merge import batched, special
from kenttä_sync.merge.rows import RowState

_BATCHED = frozenset(("insert", "update", "delete"))


class Engine:
    """Applies changes to the replicated tables of one database."""

    def __init__(
        self,
        db: Db,
        schema: SyncSchema,
        clock: HybridLogicalClock | None = None,
        *,
        central: bool = False,
        on_erase: Callable[[str, str], None] | None = None,
    ) -> None:
        self.db = db
        self.schema = schema
        self.clock = clock
        self.central = central  # see "The central log" above
        self.dedupe = True  # the central store deduplicates by device sequence instead
        self.seq = 0  # central: the last central log position given out (set by the store)
        # central on PostgreSQL: positions come in blocks (central/positions.py); `allocate(n)`
        # reserves n more and returns the one before them; `seq_limit` ends the current block
        self.allocate: Callable[[int], int] | None = None
        self.seq_limit = 0
        self._preloaded: dict[str, dict[str, RowState]] = {}
        self.on_erase = on_erase
        self.specs = {t.name: t for t in schema.tables}
        cols = (
            ["seq", *CHANGE_LOG_COLUMNS, "scope", "prev_seq"]
            if central
            else list(CHANGE_LOG_COLUMNS)
        )
        self.log_columns = cols
        self.log_sql = (
            f"INSERT INTO _changes ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
        )
        # tables whose inserts need no re-pointing or erasure check: (columns, scope column)
        self._plain = {
            t.name: (tuple(t.columns), t.scope_column)
            for t in schema.tables
            if not t.references and not t.sticky
        }

    def install(self) -> None:
        self.db.script(META_DDL)
        ddl = index_ddl(self.schema)
        if ddl:
            self.db.script(ddl)

    # -- entry point ------------------------------------------------------------------------
    def apply(
        self, changes: Sequence[Change], states: dict[str, dict[str, RowState]] | None = None
    ) -> list[Change]:
        """Apply changes not seen before (by change id); returns those applied, in order.

        `states` may hold row metadata the caller loaded in this transaction (saves a query).
        """
        self._preloaded = states or {}
        fresh = self.fresh(changes) if self.dedupe else list(changes)
        if self.clock is not None and fresh:
            self.clock.observe(max(c.stamp for c in fresh))  # the latest stamp suffices
        if {c.op for c in fresh} <= _BATCHED:  # the common case: no special operation
            batched.flush(self, list(fresh))
            return fresh
        batch: list[Change] = []
        for change in fresh:
            if change.op in _BATCHED:
                batch.append(change)
                continue
            batched.flush(self, batch)
            batch = []
            self._preloaded = {}  # rows may change under a special operation
            special.apply_special(self, change)
        batched.flush(self, batch)
        return fresh

    def fresh(self, changes: Sequence[Change]) -> list[Change]:
        ids = list(dict.fromkeys(c.change_id for c in changes))
        known = {
            r[0]
            for r in self.db.select_in(
                "SELECT change_id FROM _changes WHERE change_id IN ({in})", ids
            )
        }
        out = []
        for change in changes:
            if change.change_id not in known:
                known.add(change.change_id)
                out.append(change)
        return out

    # -- shared helpers ---------------------------------------------------------------------
    def spec(self, table: str) -> TableSpec:
        return self.specs[table]

    def load_state(self, table: str, ids: Sequence[str]) -> dict[str, RowState]:
        spec = self.specs[table]
        if not self.central:
            rows = self.db.select_in(
                f"SELECT id, _stamp, _clock, _deleted, _erased FROM {table} WHERE id IN ({{in}})",
                ids,
            )
            return {
                r[0]: RowState(r[1], json.loads(r[2]) if r[2] else {}, r[3], r[4]) for r in rows
            }
        scope = spec.scope_column or "NULL"
        rows = self.db.select_in(
            f"SELECT id, _stamp, _clock, _deleted, _erased, {scope}, _last, _seq FROM {table}"
            " WHERE id IN ({in})",
            ids,
        )
        return {
            r[0]: RowState(
                r[1],
                json.loads(r[2]) if r[2] else {},
                r[3],
                r[4],
                r[5],
                last=r[6],
                loaded_last=r[6],
                key=r[7],
            )
            for r in rows
        }

    def final_ids(self, table: str, ids: Sequence[str]) -> dict[str, str]:
        """loser id -> canonical id, following chains of natural-key merges."""
        mapping: dict[str, str] = {}
        todo = list(dict.fromkeys(i for i in ids if i is not None))
        for _ in range(32):
            if not todo:
                break
            rows = self.db.select_in(
                "SELECT loser_id, winner_id FROM _merges WHERE tbl = ? AND loser_id IN ({in})",
                todo,
                before=(table,),
            )
            step = dict(rows)
            for loser, final in list(mapping.items()):
                if final in step:
                    mapping[loser] = step[final]
            for loser, winner in step.items():
                mapping.setdefault(loser, winner)
            todo = list(step.values())
        return mapping

    def log_row(
        self,
        change: Change,
        value: Any,
        scope: Any = None,
        strip: bool = False,
        state: RowState | None = None,
        seq: int | None = None,
    ) -> tuple:
        """The change-log row of a change; on the central store it takes log position `seq`
        (default: the next) and is linked into the history chain of its row (`state`)."""
        encoded = None
        if not strip and not (value is None and change.op != Op.UPDATE):
            encoded = dumps_value(value)
        row = (
            change.change_id,
            change.device_id,
            change.device_seq,
            change.table,
            change.row_id,
            change.column,
            change.op.value,
            encoded,
            change.stamp,
            change.prev_stamp,
            change.tx_id,
            change.author,
        )
        if not self.central:
            return row
        if seq is None:
            seq = self.take(1) + 1
        prev = None
        if state is not None:
            prev, state.last, state.dirty = state.last, seq, True
        return (seq, *row, None if scope is None else str(scope), prev)

    def take(self, n: int) -> int:
        """Give out the next `n` consecutive central log positions; returns the one before."""
        if self.allocate is not None and self.seq + n > self.seq_limit:
            self.seq = self.allocate(max(n, 64))
        base = self.seq
        self.seq += n
        return base

    def log_special(
        self, change: Change, value: Any, scope: Any = None, strip: bool = False
    ) -> None:
        """Log one change of a special operation (rows touched by plain SQL, not RowStates)."""
        if not self.central:
            self.write_log([self.log_row(change, value, scope, strip)])
            return
        table, row_id = change.table, change.row_id
        found = self.db.execute(f"SELECT _last FROM {table} WHERE id = ?", (row_id,))
        state = RowState("", {}, None, None, last=found[0][0]) if found else None
        self.write_log([self.log_row(change, value, scope, strip, state)])
        if state is not None:
            self.db.execute(f"UPDATE {table} SET _last = ? WHERE id = ?", (state.last, row_id))

    def write_log(self, rows: list[tuple]) -> None:
        if not rows:
            return
        copy = getattr(self.db, "copy_rows", None)
        if copy is not None and len(rows) > 50:
            copy("_changes", self.log_columns, rows)
        else:
            self.db.executemany(self.log_sql, rows)
