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

Apply is batched: the metadata of every touched row is loaded with one query per table and
chunk (one `= ANY(array)` query on PostgreSQL), decisions are made in Python, and rows,
metadata and the change log are written with executemany on SQLite; on PostgreSQL rows go in
one `unnest(arrays)` statement per batch and the log by COPY. The caller owns the database
transaction.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from kenttä_sync.changes import CHANGE_LOG_COLUMNS, Change, Op, dumps_value
from kenttä_sync.conflicts import conflict_rows, write_conflicts
from kenttä_sync.db import Db
from kenttä_sync.hlc import HybridLogicalClock
from kenttä_sync.meta import META_DDL, index_ddl
from kenttä_sync.schema import SyncSchema, TableSpec

_BATCHED = frozenset(("insert", "update", "delete"))
_PG_ARRAY = {  # column kind -> PostgreSQL array element type (see schema.POSTGRES_TYPES)
    "text": "text",
    "integer": "bigint",
    "real": "float8",
    "boolean": "bigint",
    "date": "text",
    "json": "text",
}


@dataclass(slots=True)
class RowState:
    stamp: str
    clock: dict[str, str]
    deleted: str | None
    erased: str | None
    scope: Any = None
    dirty_cols: dict[str, Any] = field(default_factory=dict)
    dirty: bool = False
    last: int | None = None  # central: the newest `_changes` entry of the row (`_last`)
    loaded_last: int | None = None  # central: `_last` as stored when this batch began

    def col_stamp(self, col: str) -> str:
        return self.clock.get(col, self.stamp)


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
            self._flush(list(fresh))
            return fresh
        from kenttä_sync import special  # special imports engine helpers

        batch: list[Change] = []
        for change in fresh:
            if change.op in _BATCHED:
                batch.append(change)
                continue
            self._flush(batch)
            batch = []
            self._preloaded = {}  # rows may change under a special operation
            special.apply_special(self, change)
        self._flush(batch)
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
            f"SELECT id, _stamp, _clock, _deleted, _erased, {scope}, _last FROM {table}"
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
            self.seq += 1
            seq = self.seq
        prev = None
        if state is not None:
            prev, state.last, state.dirty = state.last, seq, True
        return (seq, *row, None if scope is None else str(scope), prev)

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

    # -- the batched path -------------------------------------------------------------------
    def _flush(self, batch: list[Change]) -> None:
        if not batch:
            return
        tables = {c.table for c in batch}
        by_table: dict[str, list[Change]] = defaultdict(list)
        if len(tables) == 1:
            by_table[tables.pop()] = batch
        else:
            for change in batch:
                by_table[change.table].append(change)
        states: dict[str, dict[str, RowState]] = {}
        ref_maps: dict[tuple[str, str], dict[str, str]] = {}
        parent_erased: dict[tuple[str, str], dict[str, str]] = {}
        for table, changes in by_table.items():
            spec = self.specs[table]
            state = dict(self._preloaded.get(table, {}))
            # a row whose first change here is its insert is new (ids are made once): the
            # insert itself runs ON CONFLICT DO NOTHING should a broken client repeat it
            if {c.row_id for c in changes if c.op != "insert"}.difference(state):
                first: dict[str, Op] = {}
                for c in changes:
                    first.setdefault(c.row_id, c.op)
                need = [r for r, op in first.items() if op != Op.INSERT and r not in state]
                if need:
                    state.update(self.load_state(table, need))
            states[table] = state
            for col, target in spec.references.items():
                refs = [c.value.get(col) for c in changes if c.op == Op.INSERT and c.value]
                refs += [c.value for c in changes if c.op == Op.UPDATE and c.column == col]
                refs = [r for r in refs if isinstance(r, str)]
                if not refs:
                    continue
                mapping = self.final_ids(target, refs)
                ref_maps[(table, col)] = mapping
                if col == spec.erase_with:
                    finals = list({mapping.get(r, r) for r in refs})
                    rows = self.db.select_in(
                        f"SELECT id, _erased FROM {target} WHERE _erased IS NOT NULL AND id IN ({{in}})",
                        finals,
                    )
                    parent_erased[(table, col)] = dict(rows)

        inserts: dict[str, list[tuple]] = defaultdict(list)
        log: list[tuple] = []
        conflicts: list[tuple] = []
        pending: dict[tuple, list[Change]] = defaultdict(list)
        central = self.central
        plain = self._plain
        log_row = self.log_row
        # Central log positions follow the batch: change i takes base + i + 1 (each change
        # is one entry, in `_changes` or, for a new row, in the row).
        base = self.seq
        numbered: Any = enumerate(batch, base + 1)
        bulk = self._bulk_inserts(by_table, states) if central else ()
        new_rows = {
            table: [
                (c.row_id, *map(c.value.get, plain[table][0]), c.stamp, seq, c.device_id,
                 c.device_seq, c.tx_id, c.author)
                for seq, c in enumerate(batch, base + 1)
                if c.table == table
            ]
            for table in bulk
        }  # fmt: skip
        if bulk:
            numbered = [(seq, c) for seq, c in numbered if c.table not in bulk]
        for seq, change in numbered:
            table = change.table
            spec = self.specs[table]
            state = states[table]
            current = state.get(change.row_id)
            if current is None and change.op == "insert" and table in plain:
                value = change.value
                if type(value) is dict:  # the common case: a new row, nothing to translate
                    columns, scope_column = plain[table]
                    scope = value.get(scope_column) if scope_column else None
                    row_id = change.row_id
                    state[row_id] = RowState(change.stamp, {}, None, None, scope)
                    if central:  # the insert is kept in the row itself, not in `_changes`
                        inserts[table].append(
                            (
                                row_id,
                                *map(value.get, columns),
                                change.stamp,
                                None,
                                seq,
                                change.device_id,
                                change.device_seq,
                                change.tx_id,
                                change.author,
                            )
                        )
                        continue
                    inserts[table].append((row_id, *map(value.get, columns), change.stamp, None))
                    log.append(
                        (
                            change.change_id,
                            change.device_id,
                            change.device_seq,
                            table,
                            row_id,
                            change.column,
                            "insert",
                            dumps_value(value),
                            change.stamp,
                            change.prev_stamp,
                            change.tx_id,
                            change.author,
                        )
                    )
                    continue
            scope = current.scope if current is not None else None
            if change.op == Op.INSERT:
                if current is not None or not isinstance(change.value, dict):
                    log.append(log_row(change, change.value, scope, state=current, seq=seq))
                    continue
                row = dict(zip(spec.columns, map(change.value.get, spec.columns), strict=True))
                for col in spec.references:
                    mapping = ref_maps.get((change.table, col))
                    if mapping and row[col] in mapping:
                        row[col] = mapping[row[col]]
                erased = None
                if spec.erase_with:
                    parent = row[spec.erase_with]
                    erased = parent_erased.get((change.table, spec.erase_with), {}).get(parent)
                    target_state = states.get(spec.references[spec.erase_with], {})
                    if parent in target_state and target_state[parent].erased:
                        erased = target_state[parent].erased
                if erased:
                    for col in spec.personal_columns:
                        row[col] = None
                scope = row.get(spec.scope_column) if spec.scope_column else None
                clock = spec.insert_clock(row, change.stamp) if spec.sticky else {}
                state[change.row_id] = RowState(
                    change.stamp, clock, None, erased, scope, dirty=bool(clock)
                )
                values = (change.row_id, *row.values(), change.stamp, erased)
                if central:
                    origin = (change.device_id, change.device_seq, change.tx_id, change.author)
                    inserts[change.table].append((*values, seq, *origin))
                    continue
                inserts[change.table].append(values)
                logged = (
                    {**change.value, **{c: None for c in spec.personal_columns}}
                    if erased
                    else change.value
                )
                log.append(log_row(change, logged, scope, seq=seq))
            elif current is None:
                log.append(log_row(change, change.value, None, seq=seq))  # unknown row: kept, inert
            elif change.op == Op.DELETE:
                if current.deleted is None or change.stamp < current.deleted:
                    current.deleted = change.stamp
                    current.dirty = True
                log.append(log_row(change, None, scope, state=current, seq=seq))
            else:  # UPDATE
                col = change.column
                if col not in spec.columns:
                    log.append(log_row(change, change.value, scope, state=current, seq=seq))
                    continue
                if current.erased and col in spec.personal_columns:
                    log.append(log_row(change, None, scope, strip=True, state=current, seq=seq))
                    continue
                value = change.value
                if ref_maps:
                    mapping = ref_maps.get((change.table, col))
                    if mapping and value in mapping:
                        value = mapping[value]
                cur = current.clock.get(col, current.stamp)
                prev = change.prev_stamp
                if prev != cur and not current.erased:
                    conflicts.extend(conflict_rows(self, change, pending, current.loaded_last))
                pending[(change.table, change.row_id, col, prev)].append(change)
                ranked = spec.write_stamp(col, value, change.stamp) if spec.sticky else change.stamp
                if ranked > cur:
                    current.clock[col] = ranked
                    current.dirty_cols[col] = value
                    current.dirty = True
                row = (
                    change.change_id,
                    change.device_id,
                    change.device_seq,
                    change.table,
                    change.row_id,
                    col,
                    "update",
                    dumps_value(change.value),
                    change.stamp,
                    prev,
                    change.tx_id,
                    change.author,
                )
                if central:
                    last, current.last, current.dirty = current.last, seq, True
                    log.append((seq, *row, None if scope is None else str(scope), last))
                else:
                    log.append(row)
        if central:
            self.seq = base + len(batch)
        self._write(inserts, states, new_rows if central else {})
        write_conflicts(self, conflicts)
        self.write_log(log)

    def _bulk_inserts(
        self, by_table: dict[str, list[Change]], states: dict[str, dict[str, RowState]]
    ) -> set[str]:
        """Plain tables whose changes in this batch are all new rows with distinct ids: their
        rows are built in one pass (a new row needs no state unless the batch touches it)."""
        bulk = set()
        for table, changes in by_table.items():
            if table not in self._plain or states[table]:
                continue
            if {c.op for c in changes} != {Op.INSERT}:
                continue
            if all(type(c.value) is dict for c in changes) and len(
                {c.row_id for c in changes}
            ) == len(changes):
                bulk.add(table)
        return bulk

    def _write(
        self,
        inserts: dict[str, list[tuple]],
        states: dict[str, dict[str, RowState]],
        new_rows: dict[str, list[tuple]],
    ) -> None:
        """Write new rows (`inserts`; central `new_rows`: new rows that are not erased, so
        without `_erased`), then the rows whose metadata or values changed."""
        bulk = getattr(self.db, "write_rows", None)  # PostgreSQL: one statement per batch
        central = self.central
        origin = ["_seq", "_origin", "_origin_seq", "_tx", "_author"]
        origin_types = ["bigint", "text", "bigint", "text", "text"]
        work = [(t, rows, True) for t, rows in inserts.items()]
        work += [(t, rows, False) for t, rows in new_rows.items()]
        for table, rows, erasable in work:
            spec = self.specs[table]
            cols = ["id", *spec.columns, "_stamp"]
            types = ["text", *(_PG_ARRAY[k] for k in spec.columns.values()), "text"]
            if erasable:
                cols.append("_erased")
                types.append("text")
            if central:
                cols += origin
                types += origin_types
            if bulk is not None:
                bulk(table, cols, types, rows, update=False)
                continue
            self.db.executemany(
                f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
                " ON CONFLICT (id) DO NOTHING",
                rows,
            )
        meta = ["_clock", "_deleted", "_last"] if central else ["_clock", "_deleted"]
        meta_types = ["text", "text", "bigint"] if central else ["text", "text"]
        for table, state in states.items():
            groups: dict[tuple[str, ...], list[tuple]] = defaultdict(list)
            for row_id, st in state.items():
                if not st.dirty:
                    continue
                cols = tuple(sorted(st.dirty_cols))
                clock = dumps_value(st.clock) if st.clock else None
                values = (*(st.dirty_cols[c] for c in cols), clock, st.deleted)
                if central:
                    values = (*values, st.last)
                    st.loaded_last = st.last  # what is stored once this batch is written
                groups[cols].append((*values, row_id))
                st.dirty, st.dirty_cols = False, {}
            for cols, rows in groups.items():
                if bulk is not None:
                    kinds = self.specs[table].columns
                    types = [*(_PG_ARRAY[kinds[c]] for c in cols), *meta_types, "text"]
                    bulk(table, [*cols, *meta, "id"], types, rows, update=True)
                    continue
                sets = ", ".join(f"{c} = ?" for c in (*cols, *meta))
                self.db.executemany(f"UPDATE {table} SET {sets} WHERE id = ?", rows)
