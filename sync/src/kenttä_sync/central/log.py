"""Reading the central log: a device's pull (its scopes, whole transactions, by pages) and
the whole log.

The log is kept in two places (see central.py): an insert that made a row in the row itself
(`_seq`, `_origin`, `_origin_seq`, `_tx`, `_author`), every other change in `_changes`.
`_entries` reads both, each filtered in SQL, and merges them by log position.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from kenttä_sync.central import compaction
from kenttä_sync.ground.changes import CHANGE_LOG_COLUMNS, Change, Op, row_to_change
from kenttä_sync.ground.policy import RolePolicy, hidden_columns

if TYPE_CHECKING:
    from kenttä_sync.central.store import CentralStore


def pull(
    store: CentralStore, device_id: str, cursor: int, limit: int = 1000, written: int | None = None
) -> tuple[list[Change], int, bool]:
    """Changes after `cursor` within the device's scopes, not made by it, whole
    transactions; returns (changes, new cursor, more). Raises SnapshotNeeded for a cursor
    before a compacted part of the log (compaction.py), which `written` helps to move."""
    if limit < 1 or cursor < 0:  # LIMIT -1 is "no limit" in SQLite: the loop below never ends
        raise ValueError("a pull needs a limit of at least 1 and a cursor of at least 0")
    with store.db.transaction():
        dev = store._enrolled(device_id)
        compaction.check_cursor(store.db, dev.scopes, cursor)
        store.db.execute(
            "UPDATE _devices SET cursor = ? WHERE device_id = ? AND cursor < ?",
            (cursor, device_id, cursor),
        )
        compaction.record_pull(store.db, device_id, cursor, written, dev.acked_seq)
    head = store.head()
    scopes = list(dev.scopes)
    policy = store.schema.policy(store.role)
    tables = None if policy is None else _readable(store, policy)
    entries = _entries(store, cursor, head, device_id, scopes, limit, tables)
    if len(entries) < limit:
        return _visible(store, policy, entries), max(head, cursor), False
    last_tx = entries[-1][1].tx_id
    while True:  # finish the last transaction: its changes are contiguous in the log
        more = _entries(store, entries[-1][0], head, device_id, scopes, limit, tables)
        same = list(itertools.takewhile(lambda e: e[1].tx_id == last_tx, more))
        entries += same
        if len(same) < len(more) or len(more) < limit:
            break
    return _visible(store, policy, entries), entries[-1][0], True


def _readable(store: CentralStore, policy: RolePolicy) -> list[str]:
    """The tables a device of the policy's role receives anything of."""
    return [
        t.name
        for t in store.schema.tables
        if t.name in policy.tables and policy.tables[t.name].read
    ]


def _visible(
    store: CentralStore, policy: RolePolicy | None, entries: list[tuple[int, Change]]
) -> list[Change]:
    """The changes as the role may see them: columns it may not read are null in inserts,
    and their updates and resolves are left out (the scope column is always sent)."""
    if policy is None:
        return [c for _, c in entries]
    hidden = {
        t.name: hidden_columns(policy, t.name, t.columns) - {t.scope_column}
        for t in store.schema.tables
    }
    out = []
    for _, change in entries:
        cols = hidden[change.table]
        if not cols:
            out.append(change)
        elif change.op in (Op.UPDATE, Op.RESOLVE):
            if change.column not in cols:
                out.append(change)
        elif change.op == Op.INSERT and isinstance(change.value, dict):
            value = {k: (None if k in cols else v) for k, v in change.value.items()}
            out.append(change.model_copy(update={"value": value}))
        else:
            out.append(change)
    return out


def _entries(
    store: CentralStore,
    after: int,
    upto: int,
    device_id: str | None,
    scopes: list[str] | None,
    limit: int,
    tables: list[str] | None = None,
) -> list[tuple[int, Change]]:
    """The first `limit` log entries in (after, upto] by seq, from `_changes` and the
    inserts kept in rows; of other devices than `device_id`, within `scopes` (None: all),
    of `tables` (None: all)."""
    marks = ", ".join("?" * len(scopes or ()))
    cols = ", ".join(CHANGE_LOG_COLUMNS)
    where, params = "seq > ? AND seq <= ?", [after, upto]
    if device_id is not None:
        where += " AND device_id <> ?"
        params.append(device_id)
    if scopes is not None:
        where += f" AND (scope IS NULL OR scope IN ({marks}))" if scopes else " AND scope IS NULL"
        params += scopes
    if tables is not None:
        where += f" AND tbl IN ({', '.join('?' * len(tables))})" if tables else " AND 0 = 1"
        params += tables
    found: list[tuple[int, Change]] = [
        (r[0], row_to_change(r[1:]))
        for r in store.db.execute(
            f"SELECT seq, {cols} FROM _changes WHERE {where} ORDER BY seq LIMIT ?",
            (*params, limit),
        )
    ]
    for spec in store.schema.tables:
        if tables is not None and spec.name not in tables:
            continue
        names = list(spec.columns)
        where, params = "_seq > ? AND _seq <= ?", [after, upto]
        if device_id is not None:
            where += " AND _origin <> ?"
            params.append(device_id)
        if scopes is not None and spec.scope_column:
            scope = f"CAST({spec.scope_column} AS TEXT)"
            where += f" AND ({scope} IS NULL" + (f" OR {scope} IN ({marks}))" if scopes else ")")
            params += scopes
        rows = store.db.execute(
            f"SELECT _seq, id, _stamp, _origin, _origin_seq, _tx, _author, {', '.join(names)}"
            f" FROM {spec.name} WHERE {where} ORDER BY _seq LIMIT ?",
            (*params, limit),
        )
        for seq, row_id, stamp, origin, origin_seq, tx, author, *values in rows:
            change = Change(
                change_id=Change.make_id(origin, origin_seq), device_id=origin,
                device_seq=origin_seq, table=spec.name, row_id=row_id, column=None,
                op=Op.INSERT, value=dict(zip(names, values, strict=True)), stamp=stamp,
                tx_id=tx, author=author,
            )  # fmt: skip
            found.append((seq, change))
    found.sort(key=lambda e: e[0])
    return found[:limit]


def log(store: CentralStore) -> list[Change]:
    """The whole central log in order (inserts read back from their rows)."""
    return [c for _, c in _entries(store, 0, store.head(), None, None, 2**62)]
