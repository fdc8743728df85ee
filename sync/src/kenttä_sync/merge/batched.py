"""The merge engine's batched path: inserts, updates and deletes, applied many at a time.

Apply is batched: the metadata of every touched row is loaded with one query per table and
chunk (one `= ANY(array)` query on PostgreSQL), decisions are made in Python, and rows,
metadata and the change log are written with executemany on SQLite; on PostgreSQL rows go in
one `unnest(arrays)` statement per batch and the log by COPY. The caller owns the database
transaction.

The rules applied here are those of engine.py (its docstring); `Engine.apply` calls `flush`
for each run of changes between special operations (see special.py).
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from kenttä_sync.ground.changes import Change, Op, dumps_value
from kenttä_sync.merge.conflicts import conflict_rows, write_conflicts
from kenttä_sync.merge.rows import RowState

if TYPE_CHECKING:
    from kenttä_sync.merge.engine import Engine

_PG_ARRAY = {  # column kind -> PostgreSQL array element type (see schema.POSTGRES_TYPES)
    "text": "text",
    "integer": "bigint",
    "real": "float8",
    "boolean": "bigint",
    "date": "text",
    "json": "text",
}


def flush(engine: Engine, batch: list[Change]) -> None:
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
        spec = engine.specs[table]
        preloaded = engine._preloaded.get(table)
        state = dict(preloaded or {})
        if engine.central and preloaded is None:
            # not loaded by the push's checks (a later run of a push): an insert may name a
            # row that exists, whose stored state must decide (the insert is a no-op)
            state.update(engine.load_state(table, list({c.row_id for c in changes})))
        # a row whose first change here is its insert is new (ids are made once): the
        # insert itself runs ON CONFLICT DO NOTHING should a broken client repeat it
        elif {c.row_id for c in changes if c.op != "insert"}.difference(state):
            first: dict[str, Op] = {}
            for c in changes:
                first.setdefault(c.row_id, c.op)
            need = [r for r, op in first.items() if op != Op.INSERT and r not in state]
            if need:
                state.update(engine.load_state(table, need))
        states[table] = state
        for col, target in spec.references.items():
            refs = [c.value.get(col) for c in changes if c.op == Op.INSERT and c.value]
            refs += [c.value for c in changes if c.op == Op.UPDATE and c.column == col]
            refs = [r for r in refs if isinstance(r, str)]
            if not refs:
                continue
            mapping = engine.final_ids(target, refs)
            ref_maps[(table, col)] = mapping
            if col == spec.erase_with:
                finals = list({mapping.get(r, r) for r in refs})
                rows = engine.db.select_in(
                    f"SELECT id, _erased FROM {target} WHERE _erased IS NOT NULL AND id IN ({{in}})",
                    finals,
                )
                parent_erased[(table, col)] = dict(rows)

    inserts: dict[str, list[tuple]] = defaultdict(list)
    log: list[tuple] = []
    conflicts: list[tuple] = []
    pending: dict[tuple, list[Change]] = defaultdict(list)
    central = engine.central
    plain = engine._plain
    log_row = engine.log_row
    # Central log positions follow the batch: change i takes base + i + 1 (each change
    # is one entry, in `_changes` or, for a new row, in the row).
    base = engine.take(len(batch)) if central else engine.seq
    numbered: Any = enumerate(batch, base + 1)
    bulk = _bulk_inserts(engine, by_table, states) if central else ()
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
        spec = engine.specs[table]
        state = states[table]
        current = state.get(change.row_id)
        if current is None and change.op == "insert" and table in plain:
            value = change.value
            if type(value) is dict:  # the common case: a new row, nothing to translate
                columns, scope_column = plain[table]
                scope = value.get(scope_column) if scope_column else None
                row_id = change.row_id
                state[row_id] = RowState(change.stamp, {}, None, None, scope, key=seq)
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
                change.stamp, clock, None, erased, scope, dirty=bool(clock), key=seq
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
                conflicts.extend(conflict_rows(engine, change, pending, current.loaded_last))
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
    _write(engine, inserts, states, new_rows if central else {})
    write_conflicts(engine, conflicts)
    engine.write_log(log)


def _bulk_inserts(
    engine: Engine, by_table: dict[str, list[Change]], states: dict[str, dict[str, RowState]]
) -> set[str]:
    """Plain tables whose changes in this batch are all new rows with distinct ids: their
    rows are built in one pass (a new row needs no state unless the batch touches it)."""
    bulk = set()
    for table, changes in by_table.items():
        if table not in engine._plain or states[table]:
            continue
        if {c.op for c in changes} != {Op.INSERT}:
            continue
        if all(type(c.value) is dict for c in changes) and len({c.row_id for c in changes}) == len(
            changes
        ):
            bulk.add(table)
    return bulk


def _write(
    engine: Engine,
    inserts: dict[str, list[tuple]],
    states: dict[str, dict[str, RowState]],
    new_rows: dict[str, list[tuple]],
) -> None:
    """Write new rows (`inserts`; central `new_rows`: new rows that are not erased, so
    without `_erased`), then the rows whose metadata or values changed."""
    bulk = getattr(engine.db, "write_rows", None)  # PostgreSQL: one statement per batch
    central = engine.central
    origin = ["_seq", "_origin", "_origin_seq", "_tx", "_author"]
    origin_types = ["bigint", "text", "bigint", "text", "text"]
    work = [(t, rows, True) for t, rows in inserts.items()]
    work += [(t, rows, False) for t, rows in new_rows.items()]
    for table, rows, erasable in work:
        spec = engine.specs[table]
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
        engine.db.executemany(
            f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
            " ON CONFLICT (id) DO NOTHING",
            rows,
        )
    meta = ["_clock", "_deleted", "_last"] if central else ["_clock", "_deleted"]
    meta_types = ["text", "text", "bigint"] if central else ["text", "text"]
    # central SQLite: a row is updated by its rowid (`_seq`), one B-tree search instead of two
    by_key = central and bulk is None
    for table, state in states.items():
        groups: dict[tuple[tuple[str, ...], bool], list[tuple]] = defaultdict(list)
        for row_id, st in state.items():
            if not st.dirty:
                continue
            cols = tuple(sorted(st.dirty_cols))
            clock = dumps_value(st.clock) if st.clock else None
            values = (*(st.dirty_cols[c] for c in cols), clock, st.deleted)
            if central:
                values = (*values, st.last)
                st.loaded_last = st.last  # what is stored once this batch is written
            keyed = by_key and st.key is not None
            groups[(cols, keyed)].append((*values, st.key if keyed else row_id))
            st.dirty, st.dirty_cols = False, {}
        for (cols, keyed), rows in groups.items():
            if bulk is not None:
                kinds = engine.specs[table].columns
                types = [*(_PG_ARRAY[kinds[c]] for c in cols), *meta_types, "text"]
                bulk(table, [*cols, *meta, "id"], types, rows, update=True)
                continue
            sets = ", ".join(f"{c} = ?" for c in (*cols, *meta))
            where = "_seq" if keyed else "id"
            engine.db.executemany(f"UPDATE {table} SET {sets} WHERE {where} = ?", rows)
