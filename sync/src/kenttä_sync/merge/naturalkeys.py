"""Natural keys: finding rows that mean the same thing (made only by the central store).

Within a table and scope, live rows (not deleted, merged or erased) with the same non-null
natural key are one entity; the canonical row is the one with the lowest (insert stamp, id).
The central store turns each other row into a merge change (see special.py) right after
applying a push, and also before every transaction that erases (`segments`), so a duplicate
joins its twin before the erasure blanks the key.
"""

from __future__ import annotations

from collections import defaultdict

from kenttä_sync.ground.changes import Change, Op
from kenttä_sync.ground.db import Db
from kenttä_sync.ground.schema import SyncSchema


def duplicates(db: Db, schema: SyncSchema, applied: list[Change]) -> list[tuple[str, str, str]]:
    """(table, loser, winner) for every live row of `applied` inserts (or natural-key
    updates) that has a twin: same natural key and scope; the winner has the lowest
    (insert stamp, id)."""
    merges: list[tuple[str, str, str]] = []
    for spec in schema.tables:
        nk = spec.natural_key
        if nk is None:
            continue
        ids = [
            c.row_id
            for c in applied
            if c.table == spec.name and (c.op == Op.INSERT or c.column == nk)
        ]
        if not ids:
            continue
        live = f"_deleted IS NULL AND _erased IS NULL AND {nk} IS NOT NULL"
        keys = {
            r[0]
            for r in db.select_in(
                f"SELECT {nk} FROM {spec.name} WHERE {live} AND id IN ({{in}})", ids
            )
        }
        scope = spec.scope_column or "NULL"
        groups: dict[tuple, list[tuple[str, str]]] = defaultdict(list)
        for row_id, key, sc, stamp in db.select_in(
            f"SELECT id, {nk}, {scope}, _stamp FROM {spec.name} WHERE {live} AND {nk} IN ({{in}})",
            sorted(keys, key=str),
        ):
            groups[(sc, key)].append((stamp, row_id))
        for members in groups.values():
            if len(members) < 2:
                continue
            members.sort()
            winner = members[0][1]
            for _, loser in members[1:]:
                merges.append((spec.name, loser, winner))
    return merges


def segments(changes: list[Change]) -> list[list[Change]]:
    """Split before each transaction that erases, so natural-key duplicates are merged
    before an erasure that follows them (the erased key cannot be matched afterwards)."""
    erasing = {c.tx_id for c in changes if c.op == Op.ERASE}
    if not erasing:
        return [changes]
    out: list[list[Change]] = [[]]
    last_tx = None
    for change in changes:
        if change.tx_id != last_tx and change.tx_id in erasing and out[-1]:
            out.append([])
        last_tx = change.tx_id
        out[-1].append(change)
    return out
