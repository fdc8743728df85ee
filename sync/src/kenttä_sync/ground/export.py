"""Canonical export: the bytes two converged replicas must agree on.

JSON lines, one per row, keys sorted, no spaces, UTF-8: every replicated table (sorted by
table name, then id; sorting happens in Python so database collations do not matter) with
its sync metadata (`_stamp`, `_clock`, `_deleted`, `_erased`), then `_conflicts` (by id)
and `_merges` (by table, loser). Left out because they legitimately differ per replica:
the change log (`_changes`, whose order is each replica's arrival order), `_sync_state`,
`_devices` and `_rejected`. With `scopes`, only rows of those scopes (and the conflicts and
merges of exported rows) are written: a device's export equals the central store's export
for the device's scopes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from kenttä_sync.ground.db import Db
from kenttä_sync.ground.meta import CONFLICT_COLUMNS, MERGE_COLUMNS
from kenttä_sync.ground.schema import META_COLUMNS, SyncSchema


def _line(obj: dict[str, Any]) -> bytes:
    return (
        json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode() + b"\n"
    )


def canonical_export(db: Db, schema: SyncSchema, scopes: Iterable[str] | None = None) -> bytes:
    """The canonical export of a replica or central store (see the module docstring)."""
    wanted = None if scopes is None else {str(s) for s in scopes}
    out: list[bytes] = []
    present: set[tuple[str, str]] = set()
    for spec in sorted(schema.tables, key=lambda t: t.name):
        cols = ["id", *spec.columns, *META_COLUMNS]
        rows = db.execute(f"SELECT {', '.join(cols)} FROM {spec.name}")
        for row in sorted(rows, key=lambda r: r[0]):
            record = dict(zip(cols, row, strict=True))
            scoped = wanted is not None and spec.scope_column
            if scoped and str(record[spec.scope_column]) not in wanted:  # type: ignore[operator]
                continue
            present.add((spec.name, record["id"]))
            record["_table"] = spec.name
            out.append(_line(record))
    conflicts = db.execute(f"SELECT {', '.join(CONFLICT_COLUMNS)} FROM _conflicts")
    for row in sorted(conflicts, key=lambda r: r[0]):
        record = dict(zip(CONFLICT_COLUMNS, row, strict=True))
        if wanted is None or (record["tbl"], record["row_id"]) in present:
            out.append(_line({"_table": "_conflicts", **record}))
    merges = db.execute(f"SELECT {', '.join(MERGE_COLUMNS)} FROM _merges")
    for row in sorted(merges, key=lambda r: (r[0], r[1])):
        record = dict(zip(MERGE_COLUMNS, row, strict=True))
        if wanted is None or (record["tbl"], record["loser_id"]) in present:
            out.append(_line({"_table": "_merges", **record}))
    return b"".join(out)
