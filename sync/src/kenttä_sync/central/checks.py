"""Checking a push on the central store: which of a device's changes are new, and which of
its transactions are refused (and why).

Nothing a change claims is believed that the store can check instead. A transaction with
any refused change is refused whole: a change id that is not `<pushing device>:<its
device_seq>`, unknown table or row, out of the device's scopes (by the scope of the row as
stored; an insert of a row that exists is a no-op and decides nothing), a change of an
immutable column (the scope column, `erase_with`), a clock implausibly far ahead, an
append-only table updated or deleted, a merge from a device, a value that does not fit its
column (values.py), a write the policy of the device's role does not allow (policy.py;
`CentralStore.role`). Reasons never repeat a request value. Rows the push touches (inserts
too) are loaded once per table here and handed to the engine (`CentralStore._states`), so
the checks cost one query per table and push, not one per change.
`CentralStore._check` is `check` itself, so a caller may wrap it for one store (see
`server.enrolment.role_checked`); `validate` calls it through the store.
"""

from __future__ import annotations

import bisect
import itertools
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from kenttä_sync.ground import values
from kenttä_sync.ground.changes import Change, Op
from kenttä_sync.ground.hlc import ClockError, HybridLogicalClock, _wall_ms
from kenttä_sync.ground.policy import RolePolicy, refusal
from kenttä_sync.ground.schema import TableSpec

if TYPE_CHECKING:
    from kenttä_sync.central.store import CentralStore, Device


def transactions(changes: list[Change]) -> list[list[Change]]:
    """The changes grouped by transaction, in order of first appearance (a device writes a
    transaction's changes contiguously; should they not be, they are still grouped)."""
    runs = [list(run) for _, run in itertools.groupby(changes, key=lambda c: c.tx_id)]
    if len(runs) == len({run[0].tx_id for run in runs}):
        return runs
    txs: dict[str, list[Change]] = defaultdict(list)
    for change in changes:
        txs[change.tx_id].append(change)
    return list(txs.values())


def unacknowledged(changes: Sequence[Change], acked: int) -> list[Change]:
    """The changes after `acked`, in device_seq order (usually they come that way)."""
    seqs = [c.device_seq for c in changes]
    if seqs == sorted(seqs):
        return list(changes[bisect.bisect_right(seqs, acked) :])
    return sorted((c for c in changes if c.device_seq > acked), key=lambda c: c.device_seq)


def validate(
    store: CentralStore, dev: Device, changes: list[Change], clock: HybridLogicalClock
) -> tuple[list[Change], list[tuple[Change, str]]]:
    """Split a device's changes into accepted and refused ones (whole transactions).

    Every check is made against the stored state: the rows the push names (inserts too)
    are loaded once per table, so a row's scope is always the stored one; an insert of a
    row that exists decides nothing (a no-op, refused if the stored row is out of scope).
    A change must be the device's own (its id is `<device>:<device_seq>`), fit the column
    types (values.py) and the device role's policy (policy.py)."""
    scopes = set(dev.scopes)
    own = dev.device_id + ":"
    known: dict[tuple[str, str], Any] = {}  # (table, row) -> scope: stored, or inserted here
    by_table: dict[str, set[str]] = defaultdict(set)
    specs = store.engine.specs
    for change in changes:
        if change.table in specs and "\x00" not in change.row_id:  # no store holds NUL
            by_table[change.table].add(change.row_id)
    store._states = {}
    for table, ids in by_table.items():
        state = store.engine.load_state(table, list(ids))  # reused by the engine
        store._states[table] = state
        for row_id, row in state.items():
            known[(table, row_id)] = row.scope
    role = store.role
    policy = store.schema.policy(role)
    accepted: list[Change] = []
    rejected: list[tuple[Change, str]] = []
    wall = store._wall() if store._wall else _wall_ms()
    limit = store._limit = f"{wall + clock.max_ahead_ms:016d}-99999-~"  # above: too far ahead
    check = store._check
    for tx in transactions(changes):
        reason = None
        added: list[tuple[str, str]] = []
        for change in tx:
            if change.change_id != own + str(change.device_seq):
                reason = "a change id must be the device's own (device:sequence)"
                break
            value = change.value
            if change.op == "insert" and type(value) is dict:
                spec = specs.get(change.table)
                text = change.stamp
                if (
                    spec is not None
                    and len(text) >= 24
                    and text[16] == "-"
                    and text[22] == "-"
                    and text <= limit
                ):  # the common case: a well-formed insert, checked in place
                    key = (change.table, change.row_id)
                    column = spec.scope_column
                    # a row that exists keeps its stored scope (the insert is a no-op)
                    claimed = value.get(column) if column else None
                    scope = known.get(key, claimed)
                    if column and str(scope) not in scopes:
                        reason = _outside(change)
                        break
                    reason = values.change_refusal(spec, change)
                    if reason is None and policy is not None:
                        reason = _policy_refusal(policy, role, spec, change)
                    if reason:
                        break
                    if key in known:  # a no-op (it is still logged, so it is checked)
                        continue
                    known[key] = scope
                    added.append(key)
                    continue
            reason = check(change, scopes, known, clock)
            if reason:
                break
            spec = specs[change.table]
            reason = values.change_refusal(spec, change)
            if reason is None and policy is not None:
                reason = _policy_refusal(policy, role, spec, change)
            if reason:
                break
            key = (change.table, change.row_id)
            if change.op == Op.INSERT and key not in known:
                column = spec.scope_column
                known[key] = value.get(column) if column else None
                added.append(key)
        if reason:
            for key in added:
                known.pop(key, None)
            rejected += [(c, reason) for c in tx]
        else:
            accepted += tx
    return accepted, rejected


def _outside(change: Change) -> str:
    return f"a {change.table} row outside this device's scopes"


def _policy_refusal(
    policy: RolePolicy, role: str | None, spec: TableSpec, change: Change
) -> str | None:
    return refusal(
        policy, str(role), spec.name, spec.columns, change.op, change.column, change.value,
        spec.scope_column,
    )  # fmt: skip


def check(
    store: CentralStore, change: Change, scopes: set[str], known: dict, clock: HybridLogicalClock
) -> str | None:
    spec = store.engine.specs.get(change.table)
    if spec is None:
        return "unknown table"
    text = change.stamp
    if len(text) < 24 or text[16] != "-" or text[22] != "-" or text > store._limit:
        try:  # malformed or too far ahead: let the clock word the reason
            clock.observe(text)
        except ClockError as exc:  # worded without the stamp (a request value)
            if "hours ahead" in str(exc):
                return "the change is stamped hours ahead of the office's clock; check the clock"
            return "a change's clock stamp is malformed"
    op = change.op
    if op == "update" and spec.kind == "lww":  # the common case, checked quickly
        row = (change.table, change.row_id)
        if row in known and change.column in spec.columns:
            scope = known[row]
            if (not spec.scope_column or str(scope) in scopes) and change.column not in (
                spec.scope_column,
                spec.erase_with,
            ):
                return None
    if op == Op.MERGE:
        return "merges are made only by the central store"
    if op == Op.INSERT:
        if not isinstance(change.value, dict):
            return "an insert must carry the row"
        key = (change.table, change.row_id)
        if key in known:  # the row exists: its stored scope counts, not the claimed one
            scope = known[key]
        else:
            scope = change.value.get(spec.scope_column) if spec.scope_column else None
    else:
        if (change.table, change.row_id) not in known:
            return f"unknown {change.table} row"
        scope = known[(change.table, change.row_id)]
    if spec.scope_column and str(scope) not in scopes:
        return _outside(change)
    if change.op in (Op.UPDATE, Op.RESOLVE):
        if change.column not in spec.columns:
            return f"{change.table} has no such column"
        if change.column in (spec.scope_column, spec.erase_with):
            return f"{change.table}.{change.column} cannot change after insert"
    if spec.kind == "append_only" and change.op in (Op.UPDATE, Op.DELETE):
        return f"{change.table} is append-only"
    return None
