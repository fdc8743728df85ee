"""The audit trail: every view, change, export and erasure of a person's data.

Audit events are an append-only replicated table, so they reach the central store with
everything else. `detail` never holds personal data, only what was done (e.g. column names).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from kenttä.services.context import Workspace, utc_now

if TYPE_CHECKING:  # the replica loads with the first write, not at start-up
    from kenttä_sync.device import Transaction

AuditAction = Literal["view", "change", "create", "export", "erase", "subject_access"]


def audit_in(
    tx: Transaction,
    ws: Workspace,
    action: AuditAction,
    table: str,
    record_id: str,
    detail: str = "",
    scope: str | None = None,
) -> str:
    """Append an audit event inside an open transaction (the same one as the change)."""
    at = utc_now().isoformat(timespec="seconds")
    row = audit_row(ws, at, action, table, record_id, detail, scope or ws.config.scope)
    return tx.insert("audit_events", row)


def audit_row(
    ws: Workspace, at: str, action: str, table: str, record_id: str, detail: str, scope: str
) -> dict[str, str]:
    """An `audit_events` row without its id, by this user on this device (for `audit_in`
    and for bulk writers that insert many at once)."""
    return {
        "at": at,
        "actor": ws.user,
        "device_id": ws.device_id,
        "action": action,
        "record_table": table,
        "record_id": record_id,
        "detail": detail,
        "scope": scope,
    }


def audit(
    ws: Workspace,
    action: AuditAction,
    table: str,
    record_id: str,
    detail: str = "",
    scope: str | None = None,
) -> str:
    """Append an audit event in a transaction of its own (e.g. a view)."""
    with ws.store.replica.transaction(ws.user) as tx:
        return audit_in(tx, ws, action, table, record_id, detail, scope)


def events_for(ws: Workspace, table: str, record_id: str) -> list[dict]:
    rows = ws.store.conn.execute(
        "SELECT at, actor, device_id, action, detail FROM audit_events"
        " WHERE record_table = ? AND record_id = ? ORDER BY at, id",
        (table, record_id),
    ).fetchall()
    keys = ("at", "actor", "device_id", "action", "detail")
    return [dict(zip(keys, row, strict=True)) for row in rows]
