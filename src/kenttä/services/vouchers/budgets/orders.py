"""A supervisor's voucher budget orders, queued on the laptop until the next sync, and the
central figures that sync brings back.

At the office `kenttä server budget set|move|request-return` act on the central store at
once. A supervisor's laptop is offline most of the time, so there the same orders are
queued in `budget_orders` (local, migration 0004) and sent with the counter exchange of the
next sync (`budget_sync.counter_request`), by HTTP or in a bundle. The central store applies
each once (by its id), only from a device enrolled as a supervisor, with the functions the
commands use (`kenttä_sync.counters.orders`); the answer marks each done or refused with a
one-line reason (`answer_in`). Every answer to a supervisor's device also brings the
central figures (the rows of `kenttä server budget show --json`) with the office's time,
kept in `budget_snapshot` (`snapshot`), so the Budgets screen shows them offline.

Orders are validated here before they are queued (`budget_sync.plan_set` is the same check
the `set` command makes); the central store decides, and its refusal is what counts.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from kenttä_sync.ground import uuid7

from kenttä.services.context import Workspace, utc_now
from kenttä.services.roles import require

if TYPE_CHECKING:
    from kenttä.services.vouchers.budgets.sync import SetBudget


class BudgetOrderError(ValueError):
    """A budget order that cannot be made: one line, a stable `code` and its `details`
    (amounts in cents) for the screens' catalogue."""

    def __init__(self, reason: str, *, code: str = "invalid", **details: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code
        self.details = details


@dataclass(frozen=True)
class Order:
    """A queued order and, once the central store answered, its outcome."""

    order_id: str
    op: str
    body: dict[str, Any]
    made_at: str
    made_by: str
    answered_at: str | None = None
    outcome: str | None = None  # done | refused; None while waiting for a sync
    code: str | None = None
    reason: str | None = None
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def waiting(self) -> bool:
        return self.answered_at is None


@dataclass(frozen=True)
class Snapshot:
    """The central figures as the last sync brought them."""

    taken_at: str  # the office's time, UTC ISO 8601
    received_at: str
    budgets: list[dict[str, Any]]
    devices: list[dict[str, Any]]


def _now() -> str:
    return utc_now().isoformat(timespec="seconds")


def _queue(ws: Workspace, op: str, body: dict[str, Any]) -> str:
    require(ws, "set_budget")
    order_id = uuid7()
    conn = ws.store.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(
            "INSERT INTO budget_orders (order_id, op, body, made_at, made_by)"
            " VALUES (?, ?, ?, ?, ?)",
            (order_id, op, json.dumps({"order_id": order_id, **body}), _now(), ws.user),
        )
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:  # SQLite may have rolled back itself (disk full)
            conn.execute("ROLLBACK")
        raise
    return order_id


def queue_set(ws: Workspace, plan: SetBudget) -> str:
    """Queue setting a programme's budget for a period (see `budget_sync.plan_set`); sent
    at the next sync. Returns the order's id."""
    return _queue(ws, "set", plan.order())


def queue_request_return(
    ws: Workspace, *, budget_id: str, programme: str, device_id: str, cents: int,
    move_to: str | None = None,
) -> str:  # fmt: skip
    """Queue asking a device for up to `cents` of unused share back at its next sync; with
    `move_to`, what comes back is granted on to that device. Returns the order's id."""
    if not budget_id or not device_id:
        raise BudgetOrderError("choose a budget and a device", code="order_incomplete")
    if cents <= 0:
        raise BudgetOrderError("the amount must be more than 0.00 €", code="amount_positive")
    if move_to == device_id:
        raise BudgetOrderError("cannot move share to the same device", code="same_device")
    return _queue(
        ws, "request_return",
        {"op": "request_return", "counter_id": budget_id, "label": programme,
         "device_id": device_id, "amount": int(cents), "move_to": move_to or None},
    )  # fmt: skip


def waiting_in(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Orders not yet answered, oldest first, as the counter exchange sends them."""
    rows = conn.execute(
        "SELECT body FROM budget_orders WHERE answered_at IS NULL ORDER BY made_at, order_id"
    ).fetchall()
    return [json.loads(r[0]) for r in rows]


def answer_in(conn: sqlite3.Connection, answer: dict[str, Any]) -> dict[str, int]:
    """Record the central store's answer to orders (inside the caller's transaction) and
    keep its snapshot; counts {orders_done, orders_refused} newly answered."""
    at = _now()
    done = refused = 0
    for oid in answer.get("orders_done") or []:
        done += conn.execute(
            "UPDATE budget_orders SET answered_at = ?, outcome = 'done'"
            " WHERE order_id = ? AND answered_at IS NULL",
            (at, str(oid)),
        ).rowcount
    for r in answer.get("orders_refused") or []:
        if not isinstance(r, dict):
            continue
        details = r.get("details") if isinstance(r.get("details"), dict) else {}
        refused += conn.execute(
            "UPDATE budget_orders SET answered_at = ?, outcome = 'refused', code = ?,"
            " reason = ?, details = ? WHERE order_id = ? AND answered_at IS NULL",
            (at, str(r.get("code") or "invalid")[:40], str(r.get("reason") or "")[:300],
             json.dumps(details), str(r.get("order_id"))),
        ).rowcount  # fmt: skip
    snap = answer.get("snapshot")
    if isinstance(snap, dict):
        store_snapshot_in(conn, snap)
    return {"orders_done": done, "orders_refused": refused}


def store_snapshot_in(conn: sqlite3.Connection, snap: dict[str, Any]) -> None:
    """Keep the central figures of an answer (replacing the previous ones)."""
    at = snap.get("at")
    taken = (
        datetime.fromtimestamp(at, UTC).isoformat(timespec="seconds")
        if isinstance(at, int) and not isinstance(at, bool)
        else _now()
    )
    report = snap.get("report")
    devices = snap.get("devices")
    conn.execute(
        "INSERT INTO budget_snapshot (id, taken_at, received_at, budgets, devices)"
        " VALUES (1, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET taken_at = excluded.taken_at,"
        " received_at = excluded.received_at, budgets = excluded.budgets,"
        " devices = excluded.devices",
        (taken, _now(), json.dumps(report if isinstance(report, list) else []),
         json.dumps(devices if isinstance(devices, list) else [])),
    )  # fmt: skip


def snapshot(ws: Workspace) -> Snapshot | None:
    """The central figures as of the last sync (None before the first answer)."""
    row = ws.store.conn.execute(
        "SELECT taken_at, received_at, budgets, devices FROM budget_snapshot WHERE id = 1"
    ).fetchone()
    if row is None:
        return None
    return Snapshot(row[0], row[1], json.loads(row[2]), json.loads(row[3]))


def orders(ws: Workspace, limit: int = 20) -> list[Order]:
    """The latest orders made here (newest first): waiting, done or refused."""
    rows = ws.store.conn.execute(
        "SELECT order_id, op, body, made_at, made_by, answered_at, outcome, code, reason,"
        " details FROM budget_orders ORDER BY made_at DESC, order_id DESC LIMIT ?",
        (limit,),
    ).fetchall()
    return [
        Order(r[0], r[1], json.loads(r[2]), r[3], r[4], r[5], r[6], r[7], r[8],
              json.loads(r[9]) if r[9] else {})
        for r in rows
    ]  # fmt: skip
