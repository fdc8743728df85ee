"""Property: Σ issued ≤ budget, under any partition and sync schedule.

Three devices with real local stores (open_store in a temporary directory) and the real
central counter tables (SQLite and PostgreSQL). Each step is one of: the supervisor sets the
total, grants a device a share, asks a device to return or move share; a device syncs
(its answer may be lost on the way back, as when a connection drops after the office
committed), an old answer arrives again (replayed or late), a device issues, cancels or
returns share. Devices not named by a step stay offline throughout. After every step:

    Σ_d live vouchers issued on d  ≤  Σ_d share_d  ≤  Σ_d central count_d  ≤  total

and for each device live ≤ share ≤ central count.

One central store per backend serves every example (each example has its own counter,
programme and devices, so examples cannot see each other).
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from kenttä_sync import counters

from kenttä.config import Config
from kenttä.domain.models import Client
from kenttä.services.context import Workspace
from kenttä.services.vouchers.budgets import sync as budget_sync
from kenttä.services.vouchers.budgets.share import return_share, shares, spent_in
from kenttä.services.vouchers.common import VoucherError
from kenttä.services.vouchers.core import cancel_voucher, ensure_service_tray, issue_voucher
from kenttä.store.db import open_store
from tests.budget.conftest import open_central
from tests.pg import CI, pg_url

TODAY = date(2026, 3, 2)
START, END = date(2026, 1, 1), date(2026, 12, 31)
DEVICES = 3
# real files; in memory-backed /dev/shm where there is one (commits need no disk flush)
SCRATCH = "/dev/shm" if Path("/dev/shm").is_dir() else None
dev = st.integers(0, DEVICES - 1)
cents = st.integers(1, 40_000)


def make_machine(central: Any) -> type[RuleBasedStateMachine]:
    db = central.db

    class Budget(RuleBasedStateMachine):
        @initialize(
            total=st.integers(0, 100_000),
            rule=st.sampled_from(["on-request", "target", "equal"]),
            per_device=st.integers(1, 50_000),
            first=st.lists(st.integers(0, 40_000), min_size=DEVICES, max_size=DEVICES),
        )
        def start(self, total: int, rule: str, per_device: int, first: list[int]) -> None:
            self.tmp = Path(tempfile.mkdtemp(prefix="kentta-budget-", dir=SCRATCH))
            tag = uuid.uuid4().hex[:8].upper()
            self.programme = f"B{tag}"
            self.budget = f"{self.programme}:2026"
            counters.set_total(
                db, self.budget, total, label=self.programme,
                period=budget_sync.period_of(START, END), rule=rule,
                target=per_device if rule == "target" else None,
            )  # fmt: skip
            self.devices: list[Workspace] = []
            self.clients: list[str] = []
            for i in range(DEVICES):
                ws = Workspace(open_store(self.tmp / f"d{i}.db"), Config(user="testi", scope="k"))
                ensure_service_tray(ws)
                with ws.store.replica.transaction(ws.user) as tx:
                    client = Client(first_name="Testi", last_name="Asiakas", scope="k",
                                    programme=self.programme)  # fmt: skip
                    self.clients.append(tx.insert("clients", client.to_row()))
                central.register_device(ws.device_id, ["k"])
                self.devices.append(ws)
            self.answers: list[list[dict]] = [[] for _ in range(DEVICES)]
            self.live: list[list[str]] = [[] for _ in range(DEVICES)]  # voucher numbers
            for d, amount in enumerate(first):  # first shares, as far as the total allows
                left = counters.get(db, self.budget).unallocated  # type: ignore[union-attr]
                if 0 < amount <= left:
                    counters.grant(db, self.budget, self.devices[d].device_id, amount)
                self.sync(d, lost=False)

        def teardown(self) -> None:
            if hasattr(self, "budget"):  # no more rule grants: later examples skip it
                held = counters.get(db, self.budget)
                assert held is not None
                counters.set_total(db, self.budget, held.total, label="", rule="on-request")
                with db.transaction():  # and the `equal` rule of later ones counts only theirs
                    for ws in self.devices:
                        db.execute("DELETE FROM _devices WHERE device_id = ?", (ws.device_id,))
            for ws in getattr(self, "devices", []):
                ws.close()
            if hasattr(self, "tmp"):
                shutil.rmtree(self.tmp, ignore_errors=True)

        # -- the office ---------------------------------------------------------------------
        @rule(total=st.integers(0, 120_000))
        def set_total(self, total: int) -> None:
            held = counters.get(db, self.budget)
            assert held is not None
            try:
                counters.set_total(db, self.budget, total, label=self.programme)
            except counters.CounterError:
                assert total < held.granted
            else:
                assert total >= held.granted

        @rule(d=dev, amount=cents)
        def grant(self, d: int, amount: int) -> None:
            held = counters.get(db, self.budget)
            assert held is not None
            try:
                counters.grant(db, self.budget, self.devices[d].device_id, amount)
            except counters.CounterError:
                assert amount > held.unallocated
            else:
                assert amount <= held.unallocated

        @rule(d=dev, to=st.one_of(st.none(), dev), amount=cents)
        def request_return(self, d: int, to: int | None, amount: int) -> None:
            move_to = None if to is None or to == d else self.devices[to].device_id
            held = counters.get(db, self.budget).by_device.get(self.devices[d].device_id, 0)  # type: ignore[union-attr]
            try:
                counters.request_return(db, self.budget, self.devices[d].device_id, amount, move_to)
            except counters.CounterError:
                assert amount > held  # more than the device holds: refused, nothing changes

        # -- the network ----------------------------------------------------------------------
        @rule(d=dev, lost=st.booleans())
        def sync(self, d: int, lost: bool) -> None:
            ws = self.devices[d]
            request = budget_sync.counter_request(ws.store.conn)
            answer = counters.exchange(db, ws.device_id, request, TODAY.isoformat())
            self.answers[d].append(answer)
            if not lost:
                got = budget_sync.apply_answer(ws, answer)
                event("share moved" if got["answered_cents"] else "synced")

        @rule()
        def everyone_syncs(self) -> None:
            for d in range(DEVICES):
                self.sync(d, lost=False)

        @precondition(lambda self: any(self.answers))
        @rule(data=st.data())
        def late_answer(self, data: st.DataObject) -> None:
            d = data.draw(st.sampled_from([i for i, a in enumerate(self.answers) if a]))
            answer = data.draw(st.sampled_from(self.answers[d]))
            budget_sync.apply_answer(self.devices[d], answer)

        # -- the devices, offline -------------------------------------------------------------
        @rule(d=dev, amount=cents, exact=st.sampled_from([None, -1, 0, 1, 2]))
        def issue(self, d: int, amount: int, exact: int | None) -> None:
            ws = self.devices[d]
            left = self._share(d)[1]
            if exact == 2:  # a part of what is left
                amount = max(1, min(amount, left // 2))
            elif exact is not None:
                amount = max(1, left + exact)
            try:
                voucher = issue_voucher(
                    ws, client_id=self.clients[d], service_code="coaching", value_cents=amount,
                    today=TODAY,
                )  # fmt: skip
            except VoucherError as exc:
                assert exc.code == "over_budget"
                assert amount > self._share(d)[1]
                event("issue refused over the share")
                return
            event("voucher issued")
            self.live[d].append(voucher.number)

        @rule(d=dev, amount=cents, over=st.booleans())
        def issue_from_share(self, d: int, amount: int, over: bool) -> None:
            """Issue a part of what is left (or one cent more than all of it)."""
            left = self._share(d)[1]
            self.issue(d, left + 1 if over else max(1, min(amount, left)), None)

        @precondition(lambda self: any(self.live))
        @rule(data=st.data())
        def cancel(self, data: st.DataObject) -> None:
            d = data.draw(st.sampled_from([i for i, v in enumerate(self.live) if v]))
            number = data.draw(st.sampled_from(self.live[d]))
            cancel_voucher(self.devices[d], number)
            self.live[d].remove(number)

        @rule(d=dev, amount=cents, everything=st.booleans())
        def give_back(self, d: int, amount: int, everything: bool) -> None:
            left = self._share(d)[1]
            if everything and left > 0:
                amount = left
            try:
                return_share(self.devices[d], self.budget, amount)
            except VoucherError:
                assert amount > left or left <= 0 or self._share(d)[0] == 0

        # -- what must hold ---------------------------------------------------------------------
        def _share(self, d: int) -> tuple[int, int]:
            """(granted, remaining) of device d's share."""
            found = [s for s in shares(self.devices[d]) if s.budget_id == self.budget]
            return (found[0].granted_cents, found[0].remaining_cents) if found else (0, 0)

        @invariant()
        def sum_issued_within_budget(self) -> None:
            if not hasattr(self, "devices"):
                return
            held = counters.get(db, self.budget)
            assert held is not None
            assert 0 <= held.granted <= held.total
            issued = 0
            for ws in self.devices:
                spent = spent_in(ws.store.conn, self.budget)
                granted = [s.granted_cents for s in shares(ws) if s.budget_id == self.budget]
                share = granted[0] if granted else 0
                assert 0 <= spent <= share <= held.by_device.get(ws.device_id, 0)
                issued += spent
            assert issued <= held.total

    return Budget


SETTINGS = settings(
    max_examples=200 if CI else 30,
    stateful_step_count=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def shared_central(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    if request.param == "postgres":
        url = pg_url(request.getfixturevalue("pg_conninfo"))
    else:
        url = f"sqlite:{tmp_path / 'central.db'}"
    store = open_central(url)
    yield store
    store.close()


def test_sum_issued_never_exceeds_the_budget(shared_central: Any) -> None:
    run_state_machine_as_test(make_machine(shared_central), settings=SETTINGS)
