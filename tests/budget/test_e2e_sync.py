"""End to end through the office server app (in process) and the app's sync: a supervisor
sets the budget, two laptops get their shares by syncing, then, offline, each is refused
past its own share with the remaining amount in the message; shares move between laptops;
the office's figures add up. The same through a bundle and its reply."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from kenttä_sync import counters
from kenttä_sync.transport.bundle import import_bundle
from kenttä_sync.transport.server import enrolment
from kenttä_sync.transport.server.app import create_app

from kenttä.services.sync import client as sync_client
from kenttä.services.vouchers.budgets.share import budget_figures, remaining_for, return_share
from kenttä.services.vouchers.common import VoucherError
from kenttä.services.vouchers.core import cancel_voucher, issue_voucher
from kenttä.services.vouchers.numbers import parse_number

from .helpers import PERIOD, URL, in_process_transport, laptop, office_with_budget, server_cli

START, END = (d.isoformat() for d in PERIOD)


def _show(store_url: str) -> list[dict[str, Any]]:
    done = server_cli("budget", "show", "--store", store_url, "--json")
    assert done.exit_code == 0, done.output
    return json.loads(done.output)


def _enrol(central: Any, ws: Any, transport: Any) -> None:
    code = enrolment.new_code(central, ["kuopio"], "coach")
    sync_client.enroll(ws, URL, code, transport=transport)


def test_two_offline_laptops_cannot_overspend_shares_from_the_office(
    tmp_path: Path, store_url: str, central: Any
) -> None:
    transport = office_with_budget(store_url, central)
    (a, client_a), (b, client_b) = laptop(tmp_path / "a.db"), laptop(tmp_path / "b.db")
    try:
        for ws in (a, b):
            _enrol(central, ws, transport)
        codes = [ws.store.replica.state("device_code") for ws in (a, b)]
        assert all(re.fullmatch(r"[A-HJKMNP-Z2-9]{4}", c or "") for c in codes)
        assert codes[0] != codes[1]
        for ws in (a, b):
            sync_client.sync(ws, transport=transport)
            assert remaining_for(ws, "TOPI") == 50_000  # 1000 € split between two laptops

        # offline from here: each laptop issues within its own share only
        issue_voucher(a, client_id=client_a, service_code="coaching", value_cents=40_000)
        with pytest.raises(VoucherError) as refused:
            issue_voucher(a, client_id=client_a, service_code="coaching", value_cents=20_000)
        assert "remaining voucher budget of 100.00 €" in str(refused.value)
        vb = issue_voucher(b, client_id=client_b, service_code="coaching", value_cents=50_000)
        with pytest.raises(VoucherError) as refused:
            issue_voucher(b, client_id=client_b, service_code="coaching", value_cents=1)
        assert "remaining voucher budget of 0.00 €" in str(refused.value)
        assert parse_number(vb.number)[2] == codes[1]  # the number carries the office's code

        for ws in (a, b):
            sync_client.sync(ws, transport=transport)
        (row,) = _show(store_url)
        assert (row["budget_cents"], row["granted_cents"], row["issued_cents"]) == (
            100_000, 100_000, 90_000,
        )  # fmt: skip
        assert row["remaining_cents"] == 10_000 and row["unallocated_cents"] == 0
        per = {d["device_id"]: d for d in row["devices"]}
        assert per[a.device_id]["issued_cents"] == 40_000
        assert per[b.device_id]["remaining_cents"] == 0

        # the supervisor moves A's unused 100 € to B: A gives it back at its sync, B gets it
        done = server_cli(
            "budget", "move", "--store", store_url, "--programme", "TOPI",
            "--from-device", a.device_id, "--to-device", b.device_id, "--amount", "150",
        )  # fmt: skip
        assert done.exit_code == 0, done.output
        sync_client.sync(a, transport=transport)
        assert remaining_for(a, "TOPI") == 0
        sync_client.sync(b, transport=transport)
        assert remaining_for(b, "TOPI") == 10_000
        issue_voucher(b, client_id=client_b, service_code="coaching", value_cents=10_000)

        # a cancelled voucher gives its value back to the laptop that issued it
        cancel_voucher(b, vb.number)
        assert remaining_for(b, "TOPI") == 50_000
        return_share(b, budget_figures(b)[0]["budget_id"], 20_000)
        sync_client.sync(b, transport=transport)
        (row,) = _show(store_url)
        assert row["issued_cents"] == 50_000
        assert row["granted_cents"] == 80_000 and row["unallocated_cents"] == 20_000
        assert row["issued_cents"] <= row["budget_cents"]
        # nothing is delivered twice, and a further sync changes nothing
        assert counters.pending(central.db, a.device_id) == ([], [])
        sync_client.sync(b, transport=transport)
        assert remaining_for(b, "TOPI") == 30_000
    finally:
        a.close()
        b.close()


def test_shares_travel_by_bundle_and_reply(tmp_path: Path, store_url: str, central: Any) -> None:
    done = server_cli(
        "budget", "set", "--store", store_url, "--programme", "TOPI", "--from", START,
        "--to", END, "--amount", "5000", "--rule", "target", "--per-device", "300",
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    transport = in_process_transport(create_app(store_url, central.schema))
    ws, client = laptop(tmp_path / "field.db")
    try:
        _enrol(central, ws, transport)
        out = tmp_path / "field.bundle"
        sync_client.export_bundle(ws, out)
        result = import_bundle(central, out.read_bytes(), reply=True)
        assert result.reply is not None
        reply = tmp_path / "field.reply"
        reply.write_bytes(result.reply)
        sync_client.import_reply(ws, reply)
        assert remaining_for(ws, "TOPI") == 30_000
        voucher = issue_voucher(ws, client_id=client, service_code="coaching", value_cents=30_000)
        with pytest.raises(VoucherError, match=r"remaining voucher budget of 0\.00 €"):
            issue_voucher(ws, client_id=client, service_code="coaching", value_cents=100)
        # the next bundle acknowledges the grant and carries a return of unused share
        cancel_voucher(ws, voucher.number)
        return_share(ws, budget_figures(ws)[0]["budget_id"], 10_000)
        sync_client.export_bundle(ws, out)
        import_bundle(central, out.read_bytes())
        assert counters.pending(central.db, ws.device_id) == ([], [])
        (row,) = _show(store_url)
        assert row["granted_cents"] == 20_000 and row["issued_cents"] == 0
    finally:
        ws.close()
