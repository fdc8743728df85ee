"""What the Sync screen shows, read defensively from the local database.

Unsynced changes are this device's rows in `_changes` above the acknowledged sequence
(`_sync_state` key `acked_seq`); the last sync time is `_sync_state` key `last_sync`; open
conflicts come from `_conflicts` when the sync engine has created it (else there are none).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from kenttä.services.clients.names import names_of
from kenttä.services.context import Workspace
from kenttä.services.roles import require


@dataclass(frozen=True)
class Conflict:
    id: str
    table: str
    row_id: str
    column: str
    values: list[dict[str, Any]]  # each {value, author, stamp, device}
    raw: dict[str, Any] = field(default_factory=dict, compare=False)
    record: str = ""  # whose record, in words (a client's or an employer's name)


@dataclass(frozen=True)
class SyncStatus:
    unsynced: int
    last_sync: str | None
    last_summary: str | None
    last_error: str | None
    conflicts: int
    last_counts: dict[str, Any] | None = None  # pushed, pulled, conflicts, refused (+ bundle)


def _state(ws: Workspace, key: str) -> str | None:
    try:
        row = ws.store.conn.execute(
            "SELECT value FROM _sync_state WHERE key = ?", (key,)
        ).fetchone()
    except sqlite3.Error:
        return None
    return None if row is None else row[0]


def unsynced_count(ws: Workspace) -> int:
    """This device's changes above the acknowledged sequence.

    Device sequences run 1, 2, 3 … with no gaps (the change-log contract), so the count is
    the difference of two counters, not a scan of a change log that may hold millions.
    """
    acked = int(_state(ws, "acked_seq") or 0)
    latest = int(_state(ws, "device_seq") or 0)
    return max(0, latest - acked)


def _table_columns(ws: Workspace, table: str) -> list[str]:
    return [r[1] for r in ws.store.conn.execute(f"PRAGMA table_info({table})")]


def _decode(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _first(row: dict[str, Any], *names: str, default: Any = None) -> Any:
    for name in names:
        if name in row and row[name] is not None:
            return row[name]
    return default


def _conflict_from(row: dict[str, Any]) -> Conflict:
    values: list[dict[str, Any]] = []
    listed = _decode(_first(row, "values", "candidates"))
    if isinstance(listed, list):
        values = [v if isinstance(v, dict) else {"value": v} for v in listed]
    elif "value_a" in row:
        for side in ("a", "b"):
            values.append(
                {
                    "value": _decode(row.get(f"value_{side}")),
                    "author": row.get(f"author_{side}"),
                    "stamp": row.get(f"stamp_{side}"),
                    "side": side,
                }
            )
    else:
        for side in ("winner", "loser", "local", "remote", "a", "b"):
            key = f"{side}_value"
            if key in row:
                values.append(
                    {
                        "value": _decode(row[key]),
                        "author": _first(row, f"{side}_author"),
                        "stamp": _first(row, f"{side}_stamp"),
                        "device": _first(row, f"{side}_device", f"{side}_device_id"),
                    }
                )
    return Conflict(
        id=str(_first(row, "id", "conflict_id", default="")),
        table=str(_first(row, "tbl", "table_name", "table", default="")),
        row_id=str(_first(row, "row_id", default="")),
        column=str(_first(row, "col", "column_name", "column", default="")),
        values=values,
        raw=row,
    )


def conflicts(ws: Workspace, *, limit: int = 200, named: bool = True) -> list[Conflict]:
    """Open conflicts, oldest first; empty when the engine has made no `_conflicts` table."""
    columns = _table_columns(ws, "_conflicts")
    if not columns:
        return []
    where = ""
    if "resolved_stamp" in columns:
        where = " WHERE resolved_stamp IS NULL"
    elif "resolved_at" in columns:
        where = " WHERE resolved_at IS NULL"
    elif "resolved" in columns:
        where = " WHERE NOT resolved"
    order = " ORDER BY rowid"
    try:
        cur = ws.store.conn.execute(f"SELECT * FROM _conflicts{where}{order} LIMIT ?", (limit,))
    except sqlite3.Error:
        return []
    names = [d[0] for d in cur.description]
    found = [_conflict_from(dict(zip(names, r, strict=True))) for r in cur.fetchall()]
    if not named:
        return found
    labels = record_names(ws, [(c.table, c.row_id) for c in found])
    return [replace(c, record=labels.get((c.table, c.row_id), "")) for c in found]


_NAMED_TABLES = {"employers": "name", "providers": "name", "services": "name"}


def record_names(ws: Workspace, rows: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """Whose record each (table, row id) is, in words: the client's name for a client's
    record (or a record with a client_id), the name of an employer, provider or service."""
    client_of: dict[tuple[str, str], str] = {}
    out: dict[tuple[str, str], str] = {}
    for table, row_id in set(rows):
        try:
            if table == "clients":
                client_of[(table, row_id)] = row_id
            elif table in _NAMED_TABLES:
                found = ws.store.conn.execute(
                    f"SELECT {_NAMED_TABLES[table]} FROM {table} WHERE id = ?", (row_id,)
                ).fetchone()
                if found and found[0]:
                    out[(table, row_id)] = str(found[0])
            elif "client_id" in _table_columns(ws, table):
                found = ws.store.conn.execute(
                    f"SELECT client_id FROM {table} WHERE id = ?", (row_id,)
                ).fetchone()
                if found and found[0]:
                    client_of[(table, row_id)] = str(found[0])
        except sqlite3.Error:
            continue
    names = names_of(ws, list(client_of.values()))
    for key, client_id in client_of.items():
        if names.get(client_id):
            out[key] = names[client_id]
    return out


def stamp_time(stamp: Any) -> datetime | None:
    """The wall time of a change's clock stamp (UTC), or None when it is not one."""
    try:
        wall_ms = int(str(stamp).split("-", 1)[0])
    except (TypeError, ValueError):
        return None
    return datetime.fromtimestamp(wall_ms / 1000, tz=UTC)


def status(ws: Workspace) -> SyncStatus:
    return SyncStatus(
        unsynced=unsynced_count(ws),
        last_sync=_state(ws, "last_sync"),
        last_summary=_state(ws, "last_summary"),
        last_error=_state(ws, "last_error"),
        conflicts=len(conflicts(ws, named=False)),
        last_counts=_counts(_state(ws, "last_sync_summary")),
    )


def _counts(text: str | None) -> dict[str, Any] | None:
    try:
        counts = json.loads(text) if text else None
    except ValueError:
        return None
    return counts if isinstance(counts, dict) else None


def resolve(
    ws: Workspace, conflict_id: str, *, choose: str | None = None, value: Any = None
) -> None:
    """Resolve a conflict: keep side `a` or `b` (choose=), or write another value.

    The resolution is a change like any other (it syncs), made through the replica's
    transaction; the sync engine decides what a resolve means. Only a supervisor may
    resolve (the office refuses a resolve from any other device too); the change to the
    record is audited in the same transaction.
    """
    from kenttä.services.privacy import audit_in

    require(ws, "resolve_conflict")
    table, row_id, column = _conflict(ws, conflict_id)
    if choose is None and value is not None:
        value = checked_value(ws, conflict_id, value)
    with ws.store.replica.transaction(ws.user) as tx:
        tx.resolve(conflict_id, value, choose=choose)
        if table != "audit_events":
            scope = _scope_of(ws, table, row_id)
            audit_in(tx, ws, "change", table, row_id, f"{column} (conflict resolved)", scope)


def _conflict(ws: Workspace, conflict_id: str) -> tuple[str, str, str]:
    """(table, row id, column) of an open conflict on this device."""
    found = ws.store.conn.execute(
        "SELECT tbl, row_id, col FROM _conflicts WHERE id = ?", (conflict_id,)
    ).fetchone()
    if found is None:
        raise ConflictError("no_conflict", "no conflict with that id")
    return found


def checked_value(ws: Workspace, conflict_id: str, value: Any) -> Any:
    """A value typed to settle a client's conflict passes the rules an edit of the client
    passes (a phone number, a date, a henkilötunnus…); refused with the edit's reason. Other
    tables' values are checked by the sync's column types, as any change is."""
    from kenttä.services.clients import core as client_core
    from kenttä.services.clients.rules import merged_for_update, validated

    table, client_id, column = _conflict(ws, conflict_id)
    if table != "clients":
        return value
    current = client_core.get_client(ws, client_id)
    checked = validated(merged_for_update(current, {column: value}))
    return checked.model_dump(mode="json").get(column, value)


class ConflictError(ValueError):
    """A conflict that cannot be resolved as asked; the message holds no personal data."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _scope_of(ws: Workspace, table: str, row_id: str) -> str | None:
    spec = ws.store.replica.schema.table(table)
    if not spec.scope_column:
        return None
    row = ws.store.conn.execute(
        f"SELECT {spec.scope_column} FROM {table} WHERE id = ?", (row_id,)
    ).fetchone()
    return None if row is None else row[0]


def retry_line(notice: Any) -> str:
    """One line per retry of a sync over a bad link, in the user's language
    (`sync_link.*`): "Yhteys katkesi – yritetään uudelleen 10 s kuluttua (3/6)", or
    "Yhteys katkesi – yritetään heti uudelleen (1/6)" when the retry goes at once."""
    from kenttä_sync.transport import READ_TIMEOUT

    from kenttä.i18n import t

    now = notice.kind in ("cut", "stall") and notice.delay < 0.5  # at once: no "in 0 s"
    return t(
        f"sync_link.retry_{notice.kind}{'_now' if now else ''}",
        delay=max(1, round(notice.delay)),
        attempt=notice.attempt, retries=notice.retries, status=notice.status or "",
        seconds=int(READ_TIMEOUT),
    )  # fmt: skip
