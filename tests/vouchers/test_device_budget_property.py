"""Property: the store-backed device share (voucher_grants + voucher_ledger) computes what the
pure escrow model computes, and no device ever holds live vouchers beyond its share, whatever
mix of grants (re-sent too), issues, local and remote cancellations, expiries and returns."""

from __future__ import annotations

import os
from datetime import date

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from kenttä.config import Config
from kenttä.services.context import Workspace
from kenttä.services.vouchers.budgets.escrow import DeviceShare, EscrowError, Grant
from kenttä.services.vouchers.budgets.share import apply_grant, return_share, shares
from kenttä.services.vouchers.common import VoucherError
from kenttä.services.vouchers.core import cancel_voucher, ensure_service_tray, issue_voucher
from kenttä.store.db import open_store

from .conftest import BUDGET, PERIOD, TODAY, add_client

CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


class DeviceMachine(RuleBasedStateMachine):
    @initialize()
    def start(self) -> None:
        store = open_store(":memory:")
        self.ws = Workspace(store, Config(user="testi.valmentaja", scope="kuopio"))
        ensure_service_tray(self.ws)
        self.client = add_client(self.ws)
        self.model = DeviceShare(BUDGET, "d")
        self.grants: list[Grant] = []
        self.numbers: dict[str, str] = {}  # number -> voucher id
        self.n = 0

    def teardown(self) -> None:
        if hasattr(self, "ws"):
            self.ws.close()

    @rule(cents=st.integers(1, 50_000), resend=st.booleans())
    def receive_grant(self, cents: int, resend: bool) -> None:
        if resend and self.grants:
            g = self.grants[-1]
        else:
            self.n += 1
            g = Grant(f"g{self.n}", BUDGET, "d", cents, "rule")
            self.grants.append(g)
        applied = apply_grant(
            self.ws,
            grant_id=g.grant_id,
            budget_id=BUDGET,
            programme="TOPI",
            period_start=PERIOD[0],
            period_end=PERIOD[1],
            granted_cents=g.cents,
        )
        assert applied == self.model.apply_grant(g)

    @rule(cents=st.integers(1, 60_000), exact=st.sampled_from([None, -1, 0, 1]))
    def issue(self, cents: int, exact: int | None) -> None:
        if exact is not None:
            cents = max(1, self.model.remaining_cents + exact)
        try:
            v = issue_voucher(
                self.ws,
                client_id=self.client,
                service_code="coaching",
                value_cents=cents,
                today=TODAY,
            )
        except VoucherError as exc:
            assert exc.code == "over_budget"
            try:
                self.model.issue("x", cents)
            except EscrowError:
                return
            raise AssertionError("the store refused what the model allows") from None
        self.model.issue(v.id, cents)
        self.numbers[v.number] = v.id

    @rule(data=st.data(), remote=st.booleans(), expire=st.booleans())
    def release(self, data: st.DataObject, remote: bool, expire: bool) -> None:
        live = sorted(n for n, vid in self.numbers.items() if vid in self.model.live)
        if not live:
            return
        number = data.draw(st.sampled_from(live))
        vid = self.numbers[number]
        if remote:  # a cancellation or expiry made elsewhere, applied by sync
            status = "expired" if expire else "cancelled"
            self.ws.store.conn.execute("UPDATE vouchers SET status = ? WHERE id = ?", (status, vid))
        else:
            cancel_voucher(self.ws, number)
        self.model.release(vid)

    @rule(cents=st.integers(1, 60_000), exact=st.sampled_from([None, -1, 0, 1]))
    def give_back(self, cents: int, exact: int | None) -> None:
        if exact is not None:
            cents = max(1, self.model.remaining_cents + exact)
        try:
            return_share(self.ws, BUDGET, cents)
        except VoucherError:
            try:
                self.model.return_share(cents)
            except EscrowError:
                return
            raise AssertionError("the store refused a return the model allows") from None
        self.model.return_share(cents)

    @invariant()
    def store_matches_model_and_holds(self) -> None:
        current = shares(self.ws, on=date(2026, 6, 1))
        if not current:
            assert self.model.granted_cents == 0
            return
        (share,) = current
        assert share.granted_cents == self.model.granted_cents
        assert share.spent_cents == self.model.spent_cents
        assert 0 <= share.spent_cents <= share.granted_cents


DeviceMachine.TestCase.settings = settings(
    max_examples=200 if CI else 25,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestDeviceBudgetProperty = DeviceMachine.TestCase
