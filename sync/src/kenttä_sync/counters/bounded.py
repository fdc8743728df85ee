"""Bounded counters held offline by escrow (Balegas et al. 2015), the central store's side.

A counter is an amount (integer units, e.g. cents) that devices spend with no network. The
central store hands each device a share out of the unallocated rest; a device spends only
within its share; shares come back by return. The central store knows counters and devices,
never what is counted (the application maps its budgets onto counters).

Tables (in the central store, through its `Db`; SQLite or PostgreSQL):

* `_counters`: counter_id, label, total, period (an ISO 8601 interval `START/END`, or ''),
  created, rule (`on-request` | `equal` | `target`) and target (per device, for `target`).
* `_counter_grants`: every share given (kind `grant`, `rule`, `move`; amount > 0) or given
  back (kind `return`; amount < 0, grant_id = the device's return id), with the device and,
  for grants, when the device acknowledged it (`acked_at`).
* `_counter_requests`: return requests (ask a device for unused share back; with `move_to`,
  grant what comes back to that device).
* `_counter_orders`: the outcome of every order a device sent (`counter_orders`: the
  commands above, queued on a supervisor's laptop), so each is applied once.

Invariant: Σ amount over a counter's rows ≤ total, at every commit. Every write that grants
runs under one lock (SQLite: BEGIN IMMEDIATE; PostgreSQL: a transaction advisory lock, as
`central.push` does, with a key of its own), checks the unallocated rest and writes in the
same transaction; the total is never set below what is granted; a return is counted only
once (its id is the row's key) and only up to the device's count. A device counts a grant
only after the central store wrote it, and takes a return off its share before sending it,
so each device's share ≤ its central count, and what all devices spend ≤ total.

Messages are idempotent by id, so a re-sent or replayed exchange changes nothing.

This module holds the tables and the ledger operations and imports no other module of the
room; one exchange with a device (its request and answer) is in `wire.py`, budget orders
in `orders.py`. The package (`kenttä_sync.counters`) offers the public names of all three.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any

from kenttä_sync.ground.db import Db
from kenttä_sync.ground.ids import uuid7

RULES = ("on-request", "equal", "target")
GIVING = ("grant", "rule", "move")
_LOCK_KEY = 727473  # central.push uses 727472; never taken in the other order

DDL = """
CREATE TABLE IF NOT EXISTS _counters (
  counter_id TEXT PRIMARY KEY, label TEXT NOT NULL, total BIGINT NOT NULL,
  period TEXT NOT NULL, created BIGINT NOT NULL, rule TEXT NOT NULL, target BIGINT
);
CREATE TABLE IF NOT EXISTS _counter_grants (
  grant_id TEXT PRIMARY KEY, counter_id TEXT NOT NULL, device_id TEXT NOT NULL,
  amount BIGINT NOT NULL, made_at BIGINT NOT NULL, kind TEXT NOT NULL, request_id TEXT,
  acked_at BIGINT
);
CREATE INDEX IF NOT EXISTS _counter_grants_device ON _counter_grants (device_id, acked_at);
CREATE INDEX IF NOT EXISTS _counter_grants_counter ON _counter_grants (counter_id);
CREATE TABLE IF NOT EXISTS _counter_requests (
  request_id TEXT PRIMARY KEY, counter_id TEXT NOT NULL, device_id TEXT NOT NULL,
  amount BIGINT NOT NULL, move_to TEXT, made_at BIGINT NOT NULL, closed_at BIGINT,
  returned BIGINT
)
"""


class CounterError(ValueError):
    """A counter operation refused; one line (amounts in the counter's units). `code` names
    the reason for an application to put in its own words, `details` its amounts."""

    def __init__(self, message: str, *, code: str = "invalid", **details: Any) -> None:
        super().__init__(message)
        self.code = code
        self.details = details


@dataclass(frozen=True)
class Counter:
    counter_id: str
    label: str
    total: int
    period: str
    rule: str
    target: int | None
    granted: int  # Σ over devices
    by_device: dict[str, int] = field(default_factory=dict)

    @property
    def unallocated(self) -> int:
        return self.total - self.granted

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "unallocated": self.unallocated}


ORDERS_DDL = """
CREATE TABLE IF NOT EXISTS _counter_orders (
  order_id TEXT PRIMARY KEY, device_id TEXT NOT NULL, op TEXT NOT NULL,
  made_at BIGINT NOT NULL, outcome TEXT NOT NULL, code TEXT, reason TEXT, details TEXT
)
"""  # the counter orders seen (orders.py), each applied once


def install(db: Db) -> None:
    with db.transaction():
        db.script(DDL)
        db.script(ORDERS_DDL)


def _now() -> int:
    return int(time.time())


def _lock(db: Db) -> None:
    """Serialise counter writers (call inside a transaction; SQLite's is already exclusive)."""
    if db.kind == "postgres":
        db.execute("SELECT pg_advisory_xact_lock(?)", (_LOCK_KEY,))


# -- reading ----------------------------------------------------------------------------------
def by_device(db: Db, counter_id: str) -> dict[str, int]:
    rows = db.execute(
        "SELECT device_id, SUM(amount) FROM _counter_grants WHERE counter_id = ?"
        " GROUP BY device_id ORDER BY device_id",
        (counter_id,),
    )
    return {d: int(s) for d, s in rows}


def get(db: Db, counter_id: str) -> Counter | None:
    rows = db.execute(
        "SELECT counter_id, label, total, period, rule, target FROM _counters WHERE counter_id = ?",
        (counter_id,),
    )
    if not rows:
        return None
    cid, label, total, period, rule, target = rows[0]
    devs = by_device(db, cid)
    return Counter(
        cid, label, int(total), period, rule, None if target is None else int(target),
        sum(devs.values()), devs,
    )  # fmt: skip


def counters(db: Db, label: str | None = None) -> list[Counter]:
    sql = "SELECT counter_id FROM _counters"
    rows = db.execute(sql + " WHERE label = ?", (label,)) if label else db.execute(sql)
    found = [get(db, r[0]) for r in rows]
    return sorted((c for c in found if c), key=lambda c: (c.label, c.period, c.counter_id))


def _require(db: Db, counter_id: str) -> Counter:
    found = get(db, counter_id)
    if found is None:
        raise CounterError(f"no counter {counter_id!r}", code="no_counter")
    return found


# -- the supervisor's operations ----------------------------------------------------------------
def set_total(
    db: Db, counter_id: str, total: int, *, label: str, period: str = "",
    rule: str | None = None, target: int | None = None,
) -> Counter:  # fmt: skip
    """Create a counter or change its total (never below what devices hold) and rule."""
    if total < 0:
        raise CounterError("a total cannot be negative", code="negative")
    if rule is not None and rule not in RULES:
        raise CounterError(f"unknown rule {rule!r} (rules: {', '.join(RULES)})", code="rule")
    if rule == "target" and (target is None or target <= 0):
        raise CounterError("the target rule needs a per-device target above 0", code="target")
    with db.transaction():
        _lock(db)
        current = get(db, counter_id)
        if current is None:
            db.execute(
                "INSERT INTO _counters (counter_id, label, total, period, created, rule, target)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (counter_id, label, total, period, _now(), rule or "on-request", target),
            )
        else:
            if total < current.granted:
                raise CounterError(
                    f"a total of {total} is below the {current.granted} already granted to"
                    " devices: ask them to return unused share first",
                    code="below_granted", total=total, granted=current.granted,
                )  # fmt: skip
            db.execute(
                "UPDATE _counters SET total = ?, rule = ?, target = ? WHERE counter_id = ?",
                (
                    total,
                    rule or current.rule,
                    target if rule else current.target,
                    counter_id,
                ),
            )
        return _require(db, counter_id)


def _insert_grant(
    db: Db, counter_id: str, device_id: str, amount: int, kind: str,
    grant_id: str | None = None, request_id: str | None = None,
) -> dict[str, Any]:  # fmt: skip
    gid = grant_id or uuid7()
    db.execute(
        "INSERT INTO _counter_grants (grant_id, counter_id, device_id, amount, made_at, kind,"
        " request_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (gid, counter_id, device_id, amount, _now(), kind, request_id),
    )
    return {"grant_id": gid, "counter_id": counter_id, "device_id": device_id,
            "amount": amount, "kind": kind}  # fmt: skip


def _grant_in(db: Db, counter: Counter, device_id: str, amount: int, kind: str) -> dict:
    if amount <= 0:
        raise CounterError("a grant must be more than 0")
    left = _require(db, counter.counter_id).unallocated  # re-read under the lock
    if amount > left:
        raise CounterError(f"a grant of {amount} exceeds the unallocated rest of {left}")
    return _insert_grant(db, counter.counter_id, device_id, amount, kind)


def grant(db: Db, counter_id: str, device_id: str, amount: int, kind: str = "grant") -> dict:
    """Give a device share out of the unallocated rest (counted here at once)."""
    if kind not in GIVING:
        raise CounterError(f"unknown grant kind {kind!r}")
    with db.transaction():
        _lock(db)
        return _grant_in(db, _require(db, counter_id), device_id, amount, kind)


def active_devices(db: Db) -> list[str]:
    """Enrolled devices that are not revoked (the `equal` rule splits among them)."""
    rows = db.execute(
        "SELECT d.device_id FROM _devices d WHERE NOT EXISTS (SELECT 1 FROM _device_auth a"
        " WHERE a.device_id = d.device_id AND a.revoked_at IS NOT NULL) ORDER BY d.device_id"
    )
    return [r[0] for r in rows]


def rule_target(db: Db, counter: Counter) -> int:
    if counter.rule == "target":
        return counter.target or 0
    if counter.rule == "equal":
        n = len(active_devices(db))
        return counter.total // n if n else 0
    return 0


def _given(db: Db, counter_id: str, device_id: str) -> int:
    rows = db.execute(
        "SELECT COALESCE(SUM(amount), 0) FROM _counter_grants WHERE counter_id = ?"
        " AND device_id = ? AND amount > 0",
        (counter_id, device_id),
    )
    return int(rows[0][0])


def _rule_in(db: Db, counter: Counter, device_id: str, today: str | None) -> dict | None:
    if counter.rule == "on-request":
        return None
    end = counter.period.partition("/")[2]
    if today and end and today > end:
        return None  # the period is over: no more automatic grants
    # Top up towards the target what was ever given (a return is deliberate: not undone).
    due = min(rule_target(db, counter) - _given(db, counter.counter_id, device_id),
              _require(db, counter.counter_id).unallocated)  # fmt: skip
    return _grant_in(db, counter, device_id, due, "rule") if due > 0 else None


def grant_by_rule(db: Db, counter_id: str, device_id: str, today: str | None = None) -> dict | None:
    """Top a device up by the counter's rule, as far as the unallocated rest allows."""
    with db.transaction():
        _lock(db)
        return _rule_in(db, _require(db, counter_id), device_id, today)


def request_return(
    db: Db, counter_id: str, device_id: str, amount: int, move_to: str | None = None
) -> str:
    """Ask a device for up to `amount` of unused share at its next sync (and, with `move_to`,
    grant what comes back to that device). Returns the request's id."""
    if amount <= 0:
        raise CounterError("a return request must be more than 0", code="negative")
    if move_to == device_id:
        raise CounterError("cannot move share to the same device", code="same_device")
    with db.transaction():
        _lock(db)
        counter = _require(db, counter_id)
        held = counter.by_device.get(device_id, 0)
        if amount > held:
            raise CounterError(
                f"the device holds only {held} of this counter", code="over_held", held=held
            )
        if move_to is not None and not db.execute(
            "SELECT 1 FROM _devices WHERE device_id = ?", (move_to,)
        ):
            raise CounterError(f"no enrolled device {move_to}", code="no_device")
        rid = uuid7()
        db.execute(
            "INSERT INTO _counter_requests (request_id, counter_id, device_id, amount, move_to,"
            " made_at) VALUES (?, ?, ?, ?, ?, ?)",
            (rid, counter_id, device_id, amount, move_to, _now()),
        )
        return rid


def _return_in(db: Db, device_id: str, ret: dict) -> str | None:
    """Apply one return; None when applied (now or before), else the reason it is refused."""
    rid, cid = ret.get("return_id"), ret.get("counter_id")
    amount, request_id = ret.get("amount"), ret.get("request_id")
    if not all(isinstance(v, str) and 0 < len(v) <= 200 for v in (rid, cid)) or not (
        request_id is None or (isinstance(request_id, str) and len(request_id) <= 200)
    ):
        return "a return needs an id, a counter id and, if any, a request id (text)"
    assert isinstance(rid, str) and isinstance(cid, str)
    seen = db.execute("SELECT device_id FROM _counter_grants WHERE grant_id = ?", (rid,))
    if seen:
        return None if seen[0][0] == device_id else "the return id belongs to another device"
    if not isinstance(amount, int) or isinstance(amount, bool) or not 0 < amount < 2**62:
        return "a return needs an amount above 0"
    counter = get(db, cid)
    if counter is None:
        return "unknown counter"
    if amount > counter.by_device.get(device_id, 0):
        return "a return larger than the device's count cannot be applied"
    _insert_grant(db, cid, device_id, -amount, "return", rid, request_id)
    if request_id:
        rows = db.execute(
            "UPDATE _counter_requests SET closed_at = ?, returned = ?"
            " WHERE request_id = ? AND device_id = ? AND counter_id = ? AND closed_at IS NULL"
            " RETURNING move_to",
            (_now(), amount, request_id, device_id, cid),
        )
        if rows and rows[0][0]:
            _grant_in(db, counter, rows[0][0], amount, "move")
    return None


def receive_return(db: Db, device_id: str, ret: dict) -> str | None:
    """A device's return arrives (once or many times); None, or why it was refused."""
    with db.transaction():
        _lock(db)
        return _return_in(db, device_id, ret)
