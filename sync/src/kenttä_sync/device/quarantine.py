"""A device's quarantine: pulled changes it refused to apply, kept so they can be shown.

The office checks every change it accepts (central_checks.py), so a device should never
receive one it cannot hold; should it still (an office of an older release, a damaged
store), the device does not let it break its own tables or its own writes. A pulled
transaction with any change that

* names an unknown table or column, or carries a value outside the column's type or codes
  (values.py), or
* claims to be this device's own (its id or device is this device's: applied, it would
  take the id of a later local write, which then could not be saved),
* or whose id is not `<device>:<device_seq>`,

is not applied: its changes are recorded in `_quarantine` (change id, transaction, table,
row, column, operation and the reason; never the value) and the rest of the pull applies.
The cursor moves past them like past any applied change, so they are not fetched again.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from kenttä_sync.ground import values
from kenttä_sync.ground.changes import Change

if TYPE_CHECKING:
    from kenttä_sync.device.replica import LocalReplica
    from kenttä_sync.ground.schema import TableSpec

DDL = """
CREATE TABLE IF NOT EXISTS _quarantine (
  change_id TEXT PRIMARY KEY, tx_id TEXT NOT NULL, tbl TEXT NOT NULL, row_id TEXT NOT NULL,
  col TEXT, op TEXT NOT NULL, reason TEXT NOT NULL
)
"""
COLUMNS = ("change_id", "tx_id", "table", "row_id", "column", "op", "reason")


def refusal(specs: dict[str, TableSpec], change: Change, me: str) -> str | None:
    """Why this device will not apply a pulled change (None: it will)."""
    if change.device_id == me or change.change_id.startswith(me + ":"):
        return "a change in this device's own name, made elsewhere"
    if change.change_id != f"{change.device_id}:{change.device_seq}":
        return "a change id that is not its device's"
    spec = specs.get(change.table)
    if spec is None:
        return "unknown table"
    return values.change_refusal(spec, change, required=False)


def screen(replica: LocalReplica, changes: Sequence[Change]) -> list[Change]:
    """The pulled changes this device applies; whole transactions with any refused change
    are recorded in `_quarantine` instead (call inside the pull's transaction)."""
    me = replica.device_id
    specs = {t.name: t for t in replica.schema.tables}
    refused: dict[str, str] = {}
    for change in changes:
        if change.tx_id not in refused:
            reason = refusal(specs, change, me)
            if reason:
                refused[change.tx_id] = reason
    if not refused:
        return list(changes)
    replica.conn.execute(DDL)
    replica.conn.executemany(
        "INSERT OR IGNORE INTO _quarantine (change_id, tx_id, tbl, row_id, col, op, reason)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (c.change_id, c.tx_id, c.table, c.row_id, c.column, c.op.value, refused[c.tx_id])
            for c in changes
            if c.tx_id in refused
        ],
    )
    return [c for c in changes if c.tx_id not in refused]


def quarantined(replica: LocalReplica) -> list[dict[str, Any]]:
    """The pulled changes this device refused, with the reasons (empty if none ever were)."""
    try:
        rows = replica.conn.execute(
            "SELECT change_id, tx_id, tbl, row_id, col, op, reason FROM _quarantine ORDER BY rowid"
        ).fetchall()
    except sqlite3.OperationalError:  # no such table: nothing was ever refused
        return []
    return [dict(zip(COLUMNS, row, strict=True)) for row in rows]
