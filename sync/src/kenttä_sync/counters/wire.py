"""One exchange of bounded counters with a device (HTTP or bundle), the central store's side.

The device sends {acks, returns, orders}: the grants it has counted, the share it gives back
(each return with an id made on the device, see `bounded.receive_return`) and, from a
supervisor's device, budget orders (`orders.py`). `exchange` applies them in one
transaction under the counters' lock, tops the device up by every counter's rule, and
answers {acked, returns_done, returns_refused, grants, requests, …}: what it acknowledged,
which returns were applied or refused, the grants the device has not yet acknowledged and
its open return requests (`pending`). `handle` takes the request as bytes; `request_body`
builds it on the device. Idempotent: a re-sent or replayed exchange changes nothing.

The ledger operations used here live in `bounded.py`; the package offers this module's
public names too (`kenttä_sync.counters.exchange`, …).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from kenttä_sync.counters import orders as counter_orders
from kenttä_sync.counters.bounded import (
    CounterError,
    _lock,
    _now,
    _require,
    _return_in,
    _rule_in,
)
from kenttä_sync.ground.db import Db


def pending(db: Db, device_id: str) -> tuple[list[dict], list[dict]]:
    """(grants the device has not acknowledged, its open return requests)."""
    grants = db.execute(
        "SELECT g.grant_id, g.counter_id, c.label, c.period, g.amount, g.kind, g.made_at"
        " FROM _counter_grants g JOIN _counters c ON c.counter_id = g.counter_id"
        " WHERE g.device_id = ? AND g.acked_at IS NULL AND g.amount > 0 ORDER BY g.grant_id",
        (device_id,),
    )
    requests = db.execute(
        "SELECT r.request_id, r.counter_id, c.label, c.period, r.amount FROM _counter_requests r"
        " JOIN _counters c ON c.counter_id = r.counter_id"
        " WHERE r.device_id = ? AND r.closed_at IS NULL ORDER BY r.request_id",
        (device_id,),
    )
    keys = ("grant_id", "counter_id", "label", "period", "amount", "kind", "made_at")
    rkeys = ("request_id", "counter_id", "label", "period", "amount")
    return (
        [dict(zip(keys, (*r[:4], int(r[4]), r[5], int(r[6])), strict=True)) for r in grants],
        [dict(zip(rkeys, (*r[:4], int(r[4])), strict=True)) for r in requests],
    )


def _acknowledge_in(db: Db, device_id: str, grant_ids: Sequence[str]) -> list[str]:

    ids = [g for g in grant_ids if isinstance(g, str) and len(g) <= 200][:10_000]
    if not ids:
        return []
    db.select_in(
        "UPDATE _counter_grants SET acked_at = ? WHERE device_id = ? AND acked_at IS NULL"
        " AND grant_id IN ({in}) RETURNING grant_id",
        ids, before=(_now(), device_id),
    )  # fmt: skip
    rows = db.select_in(
        "SELECT grant_id FROM _counter_grants WHERE device_id = ? AND grant_id IN ({in})",
        ids, before=(device_id,),
    )  # fmt: skip
    return sorted(r[0] for r in rows)


def exchange(
    db: Db, device_id: str, request: dict, today: str | None = None, *,
    role: str | None = None, report: counter_orders.Report | None = None,
) -> dict:  # fmt: skip
    """Apply a device's {acks, returns, orders}; top it up by every counter's rule; answer
    {acked, returns_done, returns_refused, grants, requests} (and for orders, and a device
    whose enrolled `role` may order, what `counter_orders` adds). One transaction, idempotent."""

    acks = request.get("acks") or []
    returns = request.get("returns") or []
    if not isinstance(acks, list) or not isinstance(returns, list):
        raise CounterError("acks and returns must be lists")
    done: list[str] = []
    refused: list[dict[str, str]] = []
    with db.transaction():
        _lock(db)
        acked = _acknowledge_in(db, device_id, acks)
        ordered = counter_orders.apply_in(db, device_id, request.get("orders"), role)
        for ret in returns:
            if not isinstance(ret, dict):
                raise CounterError("a return must be an object")
            reason = _return_in(db, device_id, ret)
            rid = str(ret.get("return_id") or "")[:200]
            if reason is None:
                done.append(rid)
            else:
                refused.append({"return_id": rid, "reason": reason})
        for (counter_id,) in db.execute(
            "SELECT counter_id FROM _counters WHERE rule <> 'on-request' ORDER BY counter_id"
        ):
            _rule_in(db, _require(db, counter_id), device_id, today)
        grants, requests = pending(db, device_id)
        if counter_orders.may_order(role):
            ordered["snapshot"] = counter_orders.snapshot(db, report)
    return {"acked": acked, "returns_done": done, "returns_refused": refused,
            "grants": grants, "requests": requests, **ordered}  # fmt: skip


def handle(
    db: Db, device_id: str, data: bytes, today: str | None = None, *,
    role: str | None = None, report: counter_orders.Report | None = None,
) -> dict:  # fmt: skip
    """The server side of an exchange from request bytes (JSON); CounterError when malformed."""

    try:
        request = json.loads(data)
    except (ValueError, RecursionError):
        raise CounterError("the request is not JSON") from None
    if not isinstance(request, dict):
        raise CounterError("the request must be a JSON object")
    return exchange(db, device_id, request, today, role=role, report=report)


def request_body(acks: Iterable[str], returns: Iterable[dict], orders: Iterable[dict] = ()) -> dict:
    body: dict[str, list] = {"acks": list(acks), "returns": list(returns)}
    if orders := list(orders):  # only when there are any (an older office ignores the key)
        body["orders"] = orders
    return body
