"""Counter orders from a device: the office's counter commands, queued offline and sent with
the device's next counter exchange (HTTP or bundle; see `counters.exchange`).

A supervisor's laptop is offline most of the time, so what the office's commands do at once
on the central store (set a counter's total and rule, ask a device for share back or move it
to another device) the laptop queues as orders, each with an id made on the device:

    {"order_id": …, "op": "set", "counter_id": …, "label": …, "period": "START/END",
     "total": int, "rule": "equal" | "target" | "on-request" | null, "target": int | null}
    {"order_id": …, "op": "request_return", "counter_id": …, "device_id": …,
     "amount": int, "move_to": device id | null}

They are applied with the very functions the commands use (`counters.set_total`,
`counters.request_return`), inside the exchange's transaction and under its lock, so the
invariant (Σ granted ≤ total; a total never below what is granted) holds exactly as there.
Only a device enrolled with a role in `ORDER_ROLES` may order; the server passes the
device's enrolled role, as it does for resolve and erase changes. Every outcome is kept by
order id in `_counter_orders`: a re-sent order or a replayed exchange gets the same answer
and changes nothing. The answer carries `orders_done` (ids) and `orders_refused`
({order_id, code, reason, details}: a one-line reason, a stable code and its amounts).

A device that may order also gets a `snapshot` in every answer: the application's report
over the counters (`report(db)`, e.g. kenttä's budget figures), the active devices and the
server's time, so a supervisor sees the whole picture as of the last sync while offline.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from kenttä_sync.counters import bounded as counters
from kenttä_sync.counters.bounded import CounterError
from kenttä_sync.ground.db import Db

ORDER_ROLES = frozenset({"supervisor"})
OPS = ("set", "request_return")
MAX_ORDERS = 1000
Report = Callable[[Db], Any]


def may_order(role: str | None) -> bool:
    """Whether a device enrolled with `role` may send counter orders."""
    return role in ORDER_ROLES


def _text(value: object) -> bool:
    return isinstance(value, str) and 0 < len(value) <= 200


def _amount(value: object, *, zero: bool = False) -> bool:
    return (
        isinstance(value, int)
        and not isinstance(value, bool)
        and value >= (0 if zero else 1)
        and value < 2**62
    )


def _refusal(code: str, reason: str, **details: Any) -> dict[str, Any]:
    return {"code": code, "reason": reason[:300], "details": details}


def _apply(db: Db, order: dict[str, Any]) -> None:
    """Apply one order (CounterError when refused); the caller holds the transaction."""

    op, cid = order.get("op"), order.get("counter_id")
    if not _text(cid):
        raise counters.CounterError("an order needs a counter id", code="malformed")
    if op == "set":
        label, period, rule, target = (order.get(k) for k in ("label", "period", "rule", "target"))
        if not _text(label) or not isinstance(period, str) or len(period) > 100:
            raise counters.CounterError("a set order needs a label and a period", code="malformed")
        if not _amount(order.get("total"), zero=True) or not (target is None or _amount(target)):
            raise counters.CounterError("a set order needs amounts of 0 or more", code="malformed")
        if not (rule is None or isinstance(rule, str)):
            raise counters.CounterError("a rule is text", code="malformed")
        counters.set_total(
            db, str(cid), int(order["total"]), label=str(label), period=period, rule=rule,
            target=target,
        )  # fmt: skip
    elif op == "request_return":
        device, move_to, amount = order.get("device_id"), order.get("move_to"), order.get("amount")
        if not _text(device) or not (move_to is None or _text(move_to)) or not _amount(amount):
            raise counters.CounterError(
                "a return request needs a device and an amount above 0", code="malformed"
            )
        counters.request_return(db, str(cid), str(device), int(amount), move_to)  # type: ignore[arg-type]
    else:
        raise counters.CounterError(f"unknown order {str(op)[:40]!r}", code="malformed")


def _one(db: Db, device_id: str, order: object, role: str | None) -> tuple[str, dict | None]:
    """(order id, None when applied now or before, else the refusal)."""

    if not isinstance(order, dict) or not _text(order.get("order_id")):
        return "", _refusal("malformed", "an order must be an object with an id")
    oid = str(order["order_id"])
    seen = db.execute(
        "SELECT device_id, outcome, code, reason, details FROM _counter_orders WHERE order_id = ?",
        (oid,),
    )
    if seen:
        owner, outcome, code, reason, details = seen[0]
        if owner != device_id:
            return oid, _refusal("foreign", "the order id belongs to another device")
        if outcome == "done":
            return oid, None
        return oid, {"code": code, "reason": reason, "details": json.loads(details or "{}")}
    refusal: dict[str, Any] | None = None
    if not may_order(role):
        refusal = _refusal(
            "role",
            f"only a supervisor's device may give counter orders (this device is enrolled"
            f" as {role or 'unknown'})",
            role=role,
        )
    else:
        try:
            _apply(db, order)
        except CounterError as exc:
            refusal = _refusal(exc.code, str(exc), **exc.details)
    db.execute(
        "INSERT INTO _counter_orders (order_id, device_id, op, made_at, outcome, code, reason,"
        " details) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            oid, device_id, str(order.get("op"))[:40], int(time.time()),
            "done" if refusal is None else "refused",
            None if refusal is None else refusal["code"],
            None if refusal is None else refusal["reason"],
            None if refusal is None else json.dumps(refusal["details"]),
        ),
    )  # fmt: skip
    return oid, refusal


def apply_in(db: Db, device_id: str, orders: object, role: str | None) -> dict[str, list]:
    """Apply a device's orders inside the exchange's transaction (once each, by id);
    {orders_done, orders_refused}. Empty when the device sent no orders."""

    if orders is None or orders == []:
        return {}
    if not isinstance(orders, list) or len(orders) > MAX_ORDERS:
        raise CounterError(f"orders must be a list of at most {MAX_ORDERS}")
    done: list[str] = []
    refused: list[dict[str, Any]] = []
    for order in orders:
        oid, refusal = _one(db, device_id, order, role)
        if refusal is None:
            done.append(oid)
        else:
            refused.append({"order_id": oid, **refusal})
    return {"orders_done": done, "orders_refused": refused}


def devices(db: Db) -> list[dict[str, Any]]:
    """Active (not revoked) enrolled devices: id, short code, role and name."""
    rows = db.execute(
        "SELECT a.device_id, c.code, a.role, a.name FROM _device_auth a"
        " LEFT JOIN _device_codes c ON c.device_id = a.device_id"
        " WHERE a.revoked_at IS NULL ORDER BY a.device_id"
    )
    return [{"device_id": d, "code": c, "role": r, "name": n} for d, c, r, n in rows]


def snapshot(db: Db, report: Report | None) -> dict[str, Any]:
    """What an ordering device is told of the whole: the server's time, the active devices
    and the application's report over the counters (None without one)."""
    return {
        "at": int(time.time()),
        "devices": devices(db),
        "report": report(db) if report else None,
    }
