"""Erase, natural-key merge and conflict resolution: the rare operations, applied one by one.

**Erase** (op erase) of a row erases its *erasure group*: the row, every row joined to it by
natural-key merges (in either direction: they are the same entity), and, recursively, every
row whose `erase_with` reference points at a member. Each member gets its personal columns
set to NULL, their entries dropped from `_clock`, `_erased` = the lowest erase stamp seen,
its conflict records deleted, and its change-log payloads blanked (insert values lose the
personal keys; update/resolve values of personal columns become NULL). Erasure is
permanent: a later write of a personal column of an erased row is logged without its value
and not applied, an insert whose `erase_with` parent is erased is stored erased, and a
merge that joins an erased row erases the other side too. Writes of non-personal columns
still merge as usual: dropping them would make the result depend on arrival order.
Everything runs as plain UPDATEs, so trigger-maintained FTS indexes follow; `on_erase`
lets an application clean anything else (called with table and row id).

**Merge** (op merge, made only by the central store): the loser row is tombstoned
(`_deleted` = lowest stamp), recorded in `_merges`, and every reference to it is re-pointed
to the winner. Later changes that reference the loser are translated when applied.

**Resolve** (op resolve) writes the chosen value like an update (last writer wins) and marks
the named conflicts resolved (the lowest resolve stamp is kept).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from kenttä_sync.ground.changes import Change, Op, dumps_value
from kenttä_sync.merge.conflicts import WRITE_OPS, conflict_rows, row_history, write_conflicts

if TYPE_CHECKING:
    from kenttä_sync.merge.engine import Engine


def apply_special(engine: Engine, change: Change) -> None:
    if change.op == Op.ERASE:
        erase(engine, change.table, change.row_id, change.stamp)
        engine.log_special(change, None, _scope(engine, change))
    elif change.op == Op.MERGE:
        apply_merge(engine, change)
    elif change.op == Op.RESOLVE:
        apply_resolve(engine, change)
    else:  # pragma: no cover - the engine routes only these
        raise ValueError(change.op)


def _scope(engine: Engine, change: Change) -> Any:
    spec = engine.spec(change.table)
    if not engine.central or not spec.scope_column:
        return None
    rows = engine.db.execute(
        f"SELECT {spec.scope_column} FROM {change.table} WHERE id = ?", (change.row_id,)
    )
    return rows[0][0] if rows else None


# -- erasure --------------------------------------------------------------------------------
def erase(engine: Engine, table: str, row_id: str, stamp: str) -> None:
    db = engine.db
    todo = [(table, row_id)]
    seen: set[tuple[str, str]] = set()
    while todo:
        key = todo.pop()
        if key in seen:
            continue
        seen.add(key)
        tbl, rid = key
        for (other,) in db.execute(
            "SELECT loser_id FROM _merges WHERE tbl = ? AND winner_id = ?"
            " UNION SELECT winner_id FROM _merges WHERE tbl = ? AND loser_id = ?",
            (tbl, rid, tbl, rid),
        ):
            todo.append((tbl, other))
        for dep in engine.schema.tables:
            col = dep.erase_with
            if col and dep.references[col] == tbl:
                for (dep_id,) in db.execute(f"SELECT id FROM {dep.name} WHERE {col} = ?", (rid,)):
                    todo.append((dep.name, dep_id))
        _blank(engine, tbl, rid, stamp)


def _blank(engine: Engine, table: str, row_id: str, stamp: str) -> None:
    db = engine.db
    spec = engine.spec(table)
    rows = db.execute(f"SELECT _erased, _clock FROM {table} WHERE id = ?", (row_id,))
    if not rows:
        return
    old, clock_text = rows[0]
    if old is not None and old <= stamp:
        return  # already erased at least as early: the group was handled then
    erased = stamp if old is None or stamp < old else old
    clock = json.loads(clock_text) if clock_text else {}
    for col in spec.personal_columns:
        clock.pop(col, None)
    sets = [f"{c} = NULL" for c in spec.personal_columns]
    sets += ["_erased = ?", "_clock = ?"]
    db.execute(
        f"UPDATE {table} SET {', '.join(sets)} WHERE id = ?",
        (erased, dumps_value(clock) if clock else None, row_id),
    )
    db.execute("DELETE FROM _conflicts WHERE tbl = ? AND row_id = ?", (table, row_id))
    personal = list(spec.personal_columns)
    if personal and engine.central:
        _blank_history(engine, table, row_id, personal)
    elif personal:
        db.execute(
            f"UPDATE _changes SET value = NULL WHERE tbl = ? AND row_id = ? AND op IN (?, ?)"
            f" AND col IN ({', '.join('?' * len(personal))})",
            (table, row_id, Op.UPDATE.value, Op.RESOLVE.value, *personal),
        )
        updates = []
        for seq, value in db.execute(
            "SELECT seq, value FROM _changes WHERE tbl = ? AND row_id = ? AND op = ?",
            (table, row_id, Op.INSERT.value),
        ):
            if value is None:
                continue
            payload = json.loads(value)
            payload.update({c: None for c in personal if c in payload})
            updates.append((dumps_value(payload), seq))
        db.executemany("UPDATE _changes SET value = ? WHERE seq = ?", updates)
    if engine.on_erase is not None:
        engine.on_erase(table, row_id)


def _blank_history(engine: Engine, table: str, row_id: str, personal: list[str]) -> None:
    """The central log: blank the row's payloads along its history chain (its insert is
    kept in the row itself, which was blanked already)."""
    rows = engine.db.execute(f"SELECT _last FROM {table} WHERE id = ?", (row_id,))
    updates: list[tuple[str | None, int]] = []
    for seq, col, op, _prev, _stamp, _cid, _author, value in row_history(
        engine, rows[0][0] if rows else None
    ):
        if value is None:
            continue
        if op in WRITE_OPS and col in personal:
            updates.append((None, seq))
        elif op == Op.INSERT.value:  # an insert that did not make the row (kept, inert)
            payload = json.loads(value)
            if isinstance(payload, dict):
                payload.update({c: None for c in personal if c in payload})
                updates.append((dumps_value(payload), seq))
    engine.db.executemany("UPDATE _changes SET value = ? WHERE seq = ?", updates)


def erased_stamp(engine: Engine, table: str, row_id: str) -> str | None:
    rows = engine.db.execute(f"SELECT _erased FROM {table} WHERE id = ?", (row_id,))
    return rows[0][0] if rows else None


# -- natural-key merges ---------------------------------------------------------------------
def apply_merge(engine: Engine, change: Change) -> None:
    db = engine.db
    table, loser = change.table, change.row_id
    winner = (change.value or {}).get("into")
    engine.log_special(change, change.value, _scope(engine, change))
    if not isinstance(winner, str) or winner == loser:
        return
    db.execute(
        "INSERT INTO _merges (tbl, loser_id, winner_id, stamp, change_id) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (tbl, loser_id) DO NOTHING",
        (table, loser, winner, change.stamp, change.change_id),
    )
    db.execute(
        f"UPDATE {table} SET _deleted = ? WHERE id = ? AND (_deleted IS NULL OR _deleted > ?)",
        (change.stamp, loser, change.stamp),
    )
    for spec in engine.schema.tables:
        for col, target in spec.references.items():
            if target == table:
                db.execute(f"UPDATE {spec.name} SET {col} = ? WHERE {col} = ?", (winner, loser))
    stamps = [
        s for s in (erased_stamp(engine, table, loser), erased_stamp(engine, table, winner)) if s
    ]
    if stamps:
        erase(engine, table, winner, min(stamps))


# -- conflict resolution --------------------------------------------------------------------
def apply_resolve(engine: Engine, change: Change) -> None:
    db = engine.db
    spec = engine.spec(change.table)
    col = change.column
    payload = change.value if isinstance(change.value, dict) else {}
    state = engine.load_state(change.table, [change.row_id]).get(change.row_id)
    strip = state is not None and bool(state.erased) and col in spec.personal_columns
    if state is not None and col in spec.columns and not strip:
        cur = state.col_stamp(col)
        if change.prev_stamp != cur and not state.erased:
            write_conflicts(engine, conflict_rows(engine, change, {}, state.loaded_last))
        ranked = spec.write_stamp(col, payload.get("value"), change.stamp)
        if ranked > cur:
            state.clock[col] = ranked
            db.execute(
                f"UPDATE {change.table} SET {col} = ?, _clock = ? WHERE id = ?",
                (payload.get("value"), dumps_value(state.clock), change.row_id),
            )
    ids = [i for i in payload.get("conflicts", []) if isinstance(i, str)]
    for conflict in ids:
        db.execute(
            "UPDATE _conflicts SET resolved_stamp = ?, resolved_by = ?, resolved_change = ?"
            " WHERE id = ? AND tbl = ? AND row_id = ?"  # only the resolved row's conflicts
            " AND (resolved_stamp IS NULL OR resolved_stamp > ?)",
            (
                change.stamp,
                change.author,
                change.change_id,
                conflict,
                change.table,
                change.row_id,
                change.stamp,
            ),
        )
    engine.log_special(change, payload, _scope(engine, change), strip=strip)
