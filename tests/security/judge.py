"""The judge of the malicious-device suite: every central row read straight from the store,
and what an attacker enrolled in scope A with a role may not have changed.

What a role may write is decided here from the issue (12) and `kenttä.services.roles`,
never from the server's checks.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Any

SCOPE_A, SCOPE_B = "kuopio", "lappi"
ROLES = ("coach", "coordinator", "supervisor")

# What a coordinator may write (issue 12, build 3; roles.py: record_placement, edit_employer,
# import_employers): clients' contact data, employers, visits, placements. Everything else in
# scope A is outside a coordinator's writes: notes, assessments, plans and their steps
# (write_note), outcomes (record_outcome), vouchers (issue_voucher), feedback, and every other
# column of a client (edit_client).
CLIENT_CONTACT = frozenset({"phone", "email", "postal_code", "municipality"})
COORDINATOR_CLOSED = ("notes", "assessments", "plans", "plan_steps", "outcomes", "vouchers",
                      "feedback")  # fmt: skip
SUPERVISOR_ONLY_OPS = ("erase", "resolve")  # roles.py: erase_client, resolve_conflict


def schema() -> Any:
    from kenttä.store.schema import SCHEMA

    return SCHEMA


# -- the central store as the judge sees it --------------------------------------------------
def _rows(central: Any, table: str) -> tuple[list[str], list[tuple]]:
    if central.db.__class__.__name__ == "SqliteDb":
        cur = central.db.conn.execute(f"SELECT * FROM {table}")
        return [d[0] for d in cur.description], [tuple(r) for r in cur.fetchall()]
    with central.db.conn.cursor() as cur:
        cur.execute(f"SELECT * FROM {table}")
        return [d.name for d in cur.description], [tuple(r) for r in cur.fetchall()]


def _table_exists(central: Any, table: str) -> bool:
    try:
        _rows(central, table)
        return True
    except Exception:
        _rollback(central)
        return False


def exists(central: Any, table: str, row_id: str) -> bool:
    """Whether the central store holds the row (an honest write that reached the office)."""
    try:
        return bool(central.db.execute(f"SELECT 1 FROM {table} WHERE id = ?", (row_id,)))
    finally:
        _rollback(central)


def _rollback(central: Any) -> None:
    conn = central.db.conn
    with contextlib.suppress(Exception):
        conn.rollback()


@dataclass
class Snapshot:
    """Every central row, and what of it the attacker (role, device) must not change."""

    rows: dict[str, dict[str, dict[str, Any]]]  # table -> id -> {column: value}
    devices: dict[str, tuple]  # other devices' enrolment, sequence and cursor
    merges: set[tuple]
    conflicts: set[tuple]
    acked: dict[str, int] = field(default_factory=dict)  # every device's acked_seq (not judged)

    def __repr__(self) -> str:
        return "<snapshot>"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))

    def ids(self, table: str, scope: str | None = None, other_than: str | None = None) -> list:
        out = []
        for row_id, row in self.rows.get(table, {}).items():
            s = row.get("scope")
            if scope is not None and s != scope:
                continue
            if other_than is not None and s == other_than:
                continue
            out.append(row_id)
        return sorted(out)


def snapshot(central: Any, attacker: str) -> Snapshot:
    rows: dict[str, dict[str, dict[str, Any]]] = {}
    try:
        for spec in schema().tables:
            names, data = _rows(central, spec.name)
            rows[spec.name] = {r[names.index("id")]: dict(zip(names, r, strict=True)) for r in data}
        devices: dict[str, tuple] = {}
        names, data = _rows(central, "_devices")
        acked: dict[str, int] = {}
        for r in data:
            row = dict(zip(names, r, strict=True))
            acked[str(row["device_id"])] = int(row["acked_seq"])
            if row["device_id"] != attacker:
                devices[row["device_id"]] = tuple(sorted(row.items()))
        names, data = _rows(central, "_device_auth")
        for r in data:
            row = dict(zip(names, r, strict=True))
            if row["device_id"] != attacker:
                devices["auth:" + row["device_id"]] = tuple(sorted(row.items()))
        merges = set(_rows(central, "_merges")[1]) if _table_exists(central, "_merges") else set()
        conflicts = (
            set(_rows(central, "_conflicts")[1]) if _table_exists(central, "_conflicts") else set()
        )
    finally:
        _rollback(central)  # PostgreSQL: end the read transaction (see the next snapshot)
    return Snapshot(rows, devices, merges, conflicts, acked)


_META = {"_stamp", "_clock", "_seq", "_last", "_tx", "_author", "_origin", "_origin_seq"}


def violations(before: Snapshot, after: Snapshot, role: str, attacker: str) -> list[str]:
    """What changed that an enrolled `role` device in scope A may not change (one line each,
    naming table, id and column — never a value)."""
    found: list[str] = []
    for table, old_rows in before.rows.items():
        new_rows = after.rows.get(table, {})
        for row_id, old in old_rows.items():
            new = new_rows.get(row_id)
            if new is None:
                found.append(f"{table} {row_id} (scope {old.get('scope')!r}) vanished")
                continue
            if old.get("scope") != SCOPE_A:
                diff = sorted(k for k in old if old[k] != new.get(k))
                if diff and set(diff) <= {"_last"}:
                    found.append(  # a change was logged against it: accepted, not refused
                        f"{table} {row_id} of scope {old.get('scope')!r}: an entry was added "
                        "to its history (_last) though no value changed"
                    )
                elif diff:
                    found.append(f"{table} {row_id} of scope {old.get('scope')!r} changed: {diff}")
                continue
            found += _scope_a_changes(table, row_id, old, new, role)
        for row_id, new in new_rows.items():
            if row_id in old_rows:
                continue
            scope = new.get("scope")
            if scope != SCOPE_A:
                found.append(f"new {table} {row_id} in scope {scope!r}")
            elif role == "coordinator" and (table in COORDINATOR_CLOSED or table == "clients"):
                found.append(f"new {table} {row_id} made by a coordinator")
            origin = new.get("_origin")
            if origin is not None and origin not in (attacker, "central"):
                found.append(f"new {table} {row_id} attributed to another device {origin!r}")
    for device in sorted(set(before.devices) | set(after.devices)):
        if before.devices.get(device) != after.devices.get(device):
            found.append(f"another device's enrolment or position changed: {device}")
    for merge in after.merges - before.merges:
        if any(isinstance(v, str) and v.startswith(f"{attacker}:") for v in merge):
            found.append(f"a merge pushed by the device was applied: {merge[:3]}")
    foreign = {i for t in before.rows for i in before.ids(t, other_than=SCOPE_A)}
    old_conflicts = {c[0]: c for c in before.conflicts}
    for conflict in after.conflicts - before.conflicts:
        if conflict[0] in old_conflicts and role != "supervisor":
            found.append(f"conflict {conflict[0]} changed (only a supervisor resolves conflicts)")
        elif conflict[0] not in old_conflicts and conflict[2] in foreign:
            found.append(f"a new conflict on {conflict[1]} {conflict[2]} outside scope A")
    return found


def _scope_a_changes(table: str, row_id: str, old: dict, new: dict, role: str) -> list[str]:
    if role == "supervisor":
        return []
    out = []
    if old.get("_erased") != new.get("_erased"):
        out.append(f"{table} {row_id} erased by a {role}")
    if role != "coordinator":
        return out
    if table in COORDINATOR_CLOSED:
        diff = sorted(k for k in old if k not in _META and old[k] != new.get(k))
        if diff:
            out.append(f"{table} {row_id} changed by a coordinator: {diff}")
    elif table == "clients":
        diff = sorted(
            k for k in old if k not in _META and k not in CLIENT_CONTACT and old[k] != new.get(k)
        )
        if diff:
            out.append(f"clients {row_id} changed by a coordinator outside contact data: {diff}")
    return out
