"""Voucher budgets over the sync module's bounded counters (`kenttä_sync.counters.bounded`).

A programme's budget for a period is one counter: budget_id = counter_id, the counter's
label is the programme and its period `START/END` (ISO dates). The central store grants
each device a share (by rule at each sync, or by a supervisor); the device keeps what it
received in `voucher_grants` (see `voucher_budget`) and issues only within it, offline.

Device side, at each sync (HTTP, or a bundle and its reply):
  request  {acks: grants received and not yet acknowledged, returns: unsent returns,
            orders: a supervisor's budget orders not yet answered (`budget_orders`)}
  answer   {acked, returns_done, returns_refused, grants, requests,
            orders_done, orders_refused, snapshot (to a supervisor's device)}
  apply    mark acknowledged grants and delivered returns (`sent_at`), apply new grants
           (idempotent by grant id), answer return requests with what is unspent, mark
           orders done or refused and keep the snapshot of the central figures.
Over HTTP this repeats (at most `ROUNDS` times) until nothing new comes back, so grants are
acknowledged and answers to requests delivered in the same sync; the first round rides on
the sync's first pull piece when the office takes it there (no round trip of its own). A bundle carries the
request and its reply the answer; acknowledgements follow with the next exchange.

Central side: `budget_rows` gives the figures for `kenttä server budget show` (and the
snapshot: the office's server and bundle import pass it as their `counter_report`);
`plan_set` is the one check of a budget setting, for `kenttä server budget set` and for a
supervisor's order made in the TUI, which both end in `kenttä_sync.counters.bounded.set_total`.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from kenttä_sync import counters

from kenttä.domain import localtime
from kenttä.services.context import Workspace, utc_now
from kenttä.services.vouchers.budgets import escrow
from kenttä.services.vouchers.budgets import orders as budget_orders
from kenttä.services.vouchers.budgets.orders import BudgetOrderError
from kenttä.services.vouchers.budgets.share import answer_return_request_in, apply_grant_in

ROUNDS = 3
_SOURCES = {"grant": "request", "rule": "rule", "move": "move"}
Send = Callable[[dict], dict]


# -- the device ------------------------------------------------------------------------------
def period_of(start: date | str, end: date | str) -> str:
    return f"{start}/{end}"


def counter_request(conn: sqlite3.Connection) -> dict:
    """What this device sends: grants to acknowledge, returns not yet delivered and a
    supervisor's budget orders not yet answered."""
    acks = [
        r[0]
        for r in conn.execute(
            "SELECT grant_id FROM voucher_grants WHERE source <> 'return' AND sent_at IS NULL"
            " ORDER BY grant_id"
        )
    ]
    returns = [
        {"return_id": r[0], "counter_id": r[1], "amount": int(r[2]), "request_id": r[3]}
        for r in conn.execute(
            "SELECT grant_id, budget_id, -granted_cents, request_id FROM voucher_grants"
            " WHERE source = 'return' AND sent_at IS NULL ORDER BY grant_id"
        )
    ]
    return counters.request_body(acks, returns, budget_orders.waiting_in(conn))


def _mark(conn: sqlite3.Connection, ids: list[str], returns: bool) -> None:
    at = utc_now().isoformat(timespec="seconds")
    test = "=" if returns else "<>"
    conn.executemany(
        f"UPDATE voucher_grants SET sent_at = ? WHERE grant_id = ? AND source {test} 'return'",
        [(at, i) for i in ids],
    )


def apply_answer_in(conn: sqlite3.Connection, answer: dict) -> dict[str, int]:
    """Apply the central store's answer inside the caller's transaction; counts of what
    was new: {grants, granted_cents, answered_cents, orders_done, orders_refused}."""
    done = [str(i) for i in answer.get("returns_done") or []]
    done += [str(r.get("return_id")) for r in answer.get("returns_refused") or []]
    _mark(conn, done, returns=True)
    _mark(conn, [str(i) for i in answer.get("acked") or []], returns=False)
    new = cents = answered = 0
    for g in answer.get("grants") or []:
        start, _, end = str(g.get("period", "")).partition("/")
        if not start or not end or g.get("kind") not in _SOURCES:
            continue  # not a voucher budget: left unacknowledged
        if apply_grant_in(
            conn, grant_id=str(g["grant_id"]), budget_id=str(g["counter_id"]),
            programme=str(g["label"]), period_start=start, period_end=end,
            granted_cents=int(g["amount"]), source=_SOURCES[g["kind"]],
        ):  # fmt: skip
            new += 1
            cents += int(g["amount"])
    for r in answer.get("requests") or []:
        answered += answer_return_request_in(
            conn, request_id=str(r["request_id"]), budget_id=str(r["counter_id"]),
            cents=int(r["amount"]),
        )  # fmt: skip
    ordered = budget_orders.answer_in(conn, answer)
    return {"grants": new, "granted_cents": cents, "answered_cents": answered, **ordered}


def apply_answer(ws: Workspace, answer: dict) -> dict[str, int]:
    conn = ws.store.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        result = apply_answer_in(conn, answer)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:  # SQLite may have rolled back itself (disk full)
            conn.execute("ROLLBACK")
        raise
    return result


def exchange(
    ws: Workspace, send: Send, rounds: int = ROUNDS, first: dict | None = None
) -> dict[str, int]:
    """Exchange with the central store until nothing new comes back (at most `rounds`).
    `first`: the answer to the first round, already received (it rode on the sync's pull,
    kenttä_sync.transport.chunked_pull.Riding); None: it is sent."""
    total = dict.fromkeys(
        ("grants", "granted_cents", "answered_cents", "returns_sent", "orders_done",
         "orders_refused"), 0,
    )  # fmt: skip
    for n in range(rounds):
        answer = first if n == 0 and first is not None else send(counter_request(ws.store.conn))
        got = apply_answer(ws, answer)
        total["returns_sent"] += len(answer.get("returns_done") or [])
        for key, value in got.items():
            total[key] += value
        if not got["grants"] and not got["answered_cents"] and not answer.get("acked"):
            break
    return total


def http_send(http: Any) -> Send:
    """A `send` over an HttpTransport (its retries and authentication)."""

    def send(body: dict) -> dict:
        response = http._request("POST", "/v1/counters", json=body)
        if response.status_code == 404:  # an office server from before budgets
            return {}
        if response.status_code != 200:
            try:
                detail = str(response.json().get("detail"))[:200]
            except (ValueError, AttributeError):
                detail = f"HTTP {response.status_code}"
            raise counters.CounterError(
                f"the office refused the budget exchange: {detail}", code="office_refused"
            )
        return dict(response.json())

    return send


def in_process(central: Any, device_id: str, today: str | None = None) -> Send:
    """A `send` straight to a central store (tests, single-machine use), with the device's
    enrolled role there, as the office server would."""
    from kenttä_sync.transport.server import enrolment

    found = enrolment.device(central, device_id)
    role = found.role if found is not None else None
    return lambda body: counters.exchange(
        central.db, device_id, body, today, role=role, report=budget_rows
    )


# -- the central store -----------------------------------------------------------------------
RULES = ("equal", "target", "on-request")
_PROGRAMME = re.compile(r"\w[\w-]{0,39}")


@dataclass(frozen=True)
class SetBudget:
    """A programme's budget for a period, checked (`plan_set`): what `kenttä server budget
    set` writes at once and a supervisor's laptop queues as an order."""

    programme: str
    start: date
    end: date
    cents: int
    rule: str | None = None  # None: keep the budget's rule (on-request for a new budget)
    target_cents: int | None = None

    @property
    def budget_id(self) -> str:
        return budget_id_for(self.programme, self.start, self.end)

    def order(self) -> dict[str, Any]:
        """The order's body (kenttä_sync.counters.orders): the arguments of `set_budget`."""
        return {"op": "set", "counter_id": self.budget_id, "label": self.programme,
                "period": period_of(self.start, self.end), "total": self.cents,
                "rule": self.rule, "target": self.target_cents}  # fmt: skip


def plan_set(
    programme: str, start: date, end: date, cents: int, rule: str | None = None,
    target_cents: int | None = None,
) -> SetBudget:  # fmt: skip
    """Check a budget setting before it reaches the central store (BudgetOrderError, with a
    code for the screens); the central store checks it against what is granted."""
    if not _PROGRAMME.fullmatch(programme):
        raise BudgetOrderError(
            "a programme is a code of letters, digits, - or _ (e.g. TOPI)", code="programme"
        )
    if end < start:
        raise BudgetOrderError("the period ends before it starts", code="period_order")
    if cents < 0:
        raise BudgetOrderError("a budget cannot be negative", code="amount_negative")
    if rule is not None and rule not in RULES:
        raise BudgetOrderError(f"the rule is one of {', '.join(RULES)}", code="rule")
    if target_cents is not None and rule not in (None, "target"):
        raise BudgetOrderError("a per-device target goes with the target rule", code="target_rule")
    rule = rule or ("target" if target_cents is not None else None)
    if rule == "target" and not (target_cents or 0) > 0:
        raise BudgetOrderError(
            "the target rule needs a per-device amount above 0.00 €", code="target_missing"
        )
    return SetBudget(programme, start, end, cents, rule, target_cents)


def set_budget(
    db: Any, *, budget_id: str, programme: str, start: date, end: date, cents: int,
    rule: str | None = None, target_cents: int | None = None,
) -> counters.Counter:  # fmt: skip
    return counters.set_total(
        db, budget_id, cents, label=programme, period=period_of(start, end), rule=rule,
        target=target_cents,
    )  # fmt: skip


def budget_id_for(programme: str, start: date, end: date) -> str:
    """A readable, stable id for a programme's budget of a period."""
    return f"{programme}:{start.isoformat()}:{end.isoformat()}"


def find_budget(db: Any, programme: str, on: date | None = None) -> counters.Counter:
    """The programme's budget current on a day (default: today), or the only one it has."""
    found = counters.counters(db, programme)
    if on is not None or len(found) > 1:
        day = (on or localtime.today()).isoformat()
        found = [c for c in found if c.period.split("/")[0] <= day <= c.period.split("/")[-1]]
    if len(found) != 1:
        raise counters.CounterError(
            f"no voucher budget of {programme} is current" if not found else
            f"{programme} has several budgets current: name the period",
            code="several_budgets" if found else "no_current_budget",
        )  # fmt: skip
    return found[0]


def _vouchers(db: Any, budget_id: str) -> list[tuple[str, str, int]]:
    """(issuing device, status, value) of the budget's vouchers the central store has."""
    rows = db.execute(
        "SELECT v._origin, v.status, v.value_cents FROM vouchers v"  # _origin: who inserted it
        " WHERE v.budget_id = ? AND v._deleted IS NULL",
        (budget_id,),
    )
    return [(str(d), str(s), int(v or 0)) for d, s, v in rows]


def budget_rows(db: Any, programme: str | None = None) -> list[dict[str, Any]]:
    """Per budget: budget, granted, issued, used, invoiced, remaining (cents), unallocated,
    and the same per device. `remaining` = granted − issued (what devices can still issue)."""
    out = []
    for c in counters.counters(db, programme):
        vouchers = _vouchers(db, c.counter_id)
        whole = escrow.figures(c.total, c.granted, [(s, v) for _, s, v in vouchers])
        per = escrow.figures_by(c.total, c.by_device, vouchers)
        start, _, end = c.period.partition("/")
        out.append({
            "budget_id": c.counter_id, "programme": c.label, "period_start": start,
            "period_end": end, "rule": c.rule, "target_cents": c.target,
            **whole.as_dict(), "unallocated_cents": c.unallocated,
            "devices": [{"device_id": d, **{k: v for k, v in f.as_dict().items()
                                              if k != "budget_cents"}}
                        for d, f in per.items()],
        })  # fmt: skip
    return out


def today_utc() -> str:
    return time.strftime("%Y-%m-%d", time.gmtime())
