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
        self.central = central  # the central log also records each change's scope
        self.dedupe = True  # the central store deduplicates by device sequence instead
        self._preloaded: dict[str, dict[str, RowState]] = {}
        self.on_erase = on_erase
        self.specs = {t.name: t for t in schema.tables}
        cols = [*CHANGE_LOG_COLUMNS, "scope"] if central else list(CHANGE_LOG_COLUMNS)
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
        scope = spec.scope_column if self.central and spec.scope_column else None
        cols = "id, _stamp, _clock, _deleted, _erased" + (f", {scope}" if scope else "")
        rows = self.db.select_in(f"SELECT {cols} FROM {table} WHERE id IN ({{in}})", ids)
        return {
            r[0]: RowState(
                r[1], json.loads(r[2]) if r[2] else {}, r[3], r[4], r[5] if scope else None
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

    def log_row(self, change: Change, value: Any, scope: Any = None, strip: bool = False) -> tuple:
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
        return (*row, None if scope is None else str(scope)) if self.central else row

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
        by_table: dict[str, list[Change]] = defaultdict(list)
        for change in batch:
            by_table[change.table].append(change)
        states: dict[str, dict[str, RowState]] = {}
        ref_maps: dict[tuple[str, str], dict[str, str]] = {}
        parent_erased: dict[tuple[str, str], dict[str, str]] = {}
        for table, changes in by_table.items():
            spec = self.specs[table]
            state = dict(self._preloaded.get(table, {}))
            first: dict[str, Op] = {}
            for c in changes:
                first.setdefault(c.row_id, c.op)
            # a row whose first change here is its insert is new (ids are made once): the
            # insert itself runs ON CONFLICT DO NOTHING should a broken client repeat it
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
        for change in batch:
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
                    inserts[table].append((row_id, *map(value.get, columns), change.stamp, None))
                    row = (
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
                    log.append((*row, None if scope is None else str(scope)) if central else row)
                    continue
            scope = current.scope if current is not None else None
            if change.op == Op.INSERT:
                if current is not None or not isinstance(change.value, dict):
                    log.append(self.log_row(change, change.value, scope))
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
                inserts[change.table].append((change.row_id, *row.values(), change.stamp, erased))
                logged = (
                    {**change.value, **{c: None for c in spec.personal_columns}}
                    if erased
                    else change.value
                )
                log.append(self.log_row(change, logged, scope))
            elif current is None:
                log.append(self.log_row(change, change.value, None))  # unknown row: kept, inert
            elif change.op == Op.DELETE:
                if current.deleted is None or change.stamp < current.deleted:
                    current.deleted = change.stamp
                    current.dirty = True
                log.append(self.log_row(change, None, scope))
            else:  # UPDATE
                col = change.column
                if col not in spec.columns:
                    log.append(self.log_row(change, change.value, scope))
                    continue
                if current.erased and col in spec.personal_columns:
                    log.append(self.log_row(change, None, scope, strip=True))
                    continue
                value = change.value
                if ref_maps:
                    mapping = ref_maps.get((change.table, col))
                    if mapping and value in mapping:
                        value = mapping[value]
                cur = current.clock.get(col, current.stamp)
                prev = change.prev_stamp
                if prev != cur and not current.erased:
                    conflicts.extend(conflict_rows(self, change, pending))
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
                log.append((*row, None if scope is None else str(scope)) if central else row)
        self._write(inserts, states)
        write_conflicts(self, conflicts)
        self.write_log(log)

    def _write(
        self, inserts: dict[str, list[tuple]], states: dict[str, dict[str, RowState]]
    ) -> None:
        bulk = getattr(self.db, "write_rows", None)  # PostgreSQL: one statement per batch
        for table, rows in inserts.items():
            spec = self.specs[table]
            cols = ["id", *spec.columns, "_stamp", "_erased"]
            if bulk is not None:
                types = ["text", *(_PG_ARRAY[k] for k in spec.columns.values()), "text", "text"]
                bulk(table, cols, types, rows, update=False)
                continue
            self.db.executemany(
                f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
                " ON CONFLICT (id) DO NOTHING",
                rows,
            )
        for table, state in states.items():
            groups: dict[tuple[str, ...], list[tuple]] = defaultdict(list)
            for row_id, st in state.items():
                if not st.dirty:
                    continue
                cols = tuple(sorted(st.dirty_cols))
                clock = dumps_value(st.clock) if st.clock else None
                groups[cols].append((*(st.dirty_cols[c] for c in cols), clock, st.deleted, row_id))
                st.dirty, st.dirty_cols = False, {}
            for cols, rows in groups.items():
                if bulk is not None:
                    kinds = self.specs[table].columns
                    types = [*(_PG_ARRAY[kinds[c]] for c in cols), "text", "text", "text"]
                    bulk(table, [*cols, "_clock", "_deleted", "id"], types, rows, update=True)
                    continue
                sets = ", ".join([*(f"{c} = ?" for c in cols), "_clock = ?", "_deleted = ?"])
                self.db.executemany(f"UPDATE {table} SET {sets} WHERE id = ?", rows)
