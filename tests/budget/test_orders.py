"""A supervisor's budget orders made offline on the laptop (the TUI's `budget_orders`) reach
the central store with the next sync, by HTTP and by bundle: applied once, only from a
device enrolled as a supervisor, refused with a reason otherwise; the answer brings the
central figures (`kenttä server budget show --json`'s rows) with the office's time."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from kenttä_sync import counters
from kenttä_sync.transport.bundle import BundleError, import_bundle
from kenttä_sync.transport.server import enrolment
from kenttä_sync.transport.server.app import create_app

from kenttä.config import Config
from kenttä.services.context import Workspace
from kenttä.services.roles import PermissionDenied
from kenttä.services.sync import client as sync_client
from kenttä.services.vouchers.budgets import orders as budget_orders
from kenttä.services.vouchers.budgets import sync as budget_sync
from kenttä.services.vouchers.budgets.share import remaining_for
from kenttä.services.vouchers.budgets.sync import budget_rows, plan_set
from kenttä.store.db import open_store

from .helpers import PERIOD, URL, in_process_transport, server_cli

START, END = PERIOD
BUDGET_ID = budget_sync.budget_id_for("TOPI", START, END)


def _laptop(path: Path, role: str) -> Workspace:
    return Workspace(open_store(path), Config(user="testi.esihenkilo", scope="kuopio", role=role))


def _enrol(central: Any, ws: Workspace, transport: Any, role: str) -> None:
    sync_client.enroll(ws, URL, enrolment.new_code(central, ["kuopio"], role), transport=transport)


def _show(store_url: str) -> list[dict[str, Any]]:
    done = server_cli("budget", "show", "--store", store_url, "--json")
    assert done.exit_code == 0, done.output
    return json.loads(done.output)


def _set(store_url: str, euros: str, *rule: str) -> None:
    done = server_cli(
        "budget", "set", "--store", store_url, "--programme", "TOPI", "--from", str(START),
        "--to", str(END), "--amount", euros, *rule,
    )  # fmt: skip
    assert done.exit_code == 0, done.output


def _order(ws: Workspace, order_id: str) -> budget_orders.Order:
    (found,) = [o for o in budget_orders.orders(ws) if o.order_id == order_id]
    return found


def _central_state(central: Any) -> tuple:
    """Everything the orders could change at the central store."""
    return (
        central.db.execute("SELECT counter_id, total, rule, target FROM _counters ORDER BY 1"),
        central.db.execute("SELECT device_id, amount FROM _counter_grants ORDER BY grant_id"),
        central.db.execute("SELECT counter_id, device_id, amount FROM _counter_requests"),
    )


@pytest.fixture
def office(store_url: str, central: Any) -> Any:
    """The office server in process, with kenttä's budget figures as its counter report."""
    return in_process_transport(create_app(store_url, central.schema, counter_report=budget_rows))


def test_an_order_queued_offline_is_applied_at_the_next_sync(
    tmp_path: Path, store_url: str, central: Any, office: Any
) -> None:
    _set(store_url, "1000")
    sup, coach = _laptop(tmp_path / "sup.db", "supervisor"), _laptop(tmp_path / "c.db", "coach")
    try:
        _enrol(central, sup, office, "supervisor")
        _enrol(central, coach, office, "coach")
        sync_client.sync(coach, transport=office)
        # offline: the supervisor raises TOPI's budget and splits it equally among devices
        oid = budget_orders.queue_set(sup, plan_set("TOPI", START, END, 200_000, "equal"))
        assert _order(sup, oid).waiting
        assert _show(store_url)[0]["budget_cents"] == 100_000  # nothing happened yet
        assert budget_orders.snapshot(sup) is None

        sync_client.sync(sup, transport=office)
        assert _order(sup, oid).outcome == "done"
        (row,) = _show(store_url)
        assert (row["budget_cents"], row["rule"]) == (200_000, "equal")
        assert remaining_for(sup, "TOPI") == 100_000  # its equal share, granted in that sync
        snap = budget_orders.snapshot(sup)
        assert snap is not None and snap.budgets == _show(store_url)  # the office's figures
        assert {d["device_id"] for d in snap.devices} == {sup.device_id, coach.device_id}
        assert snap.taken_at.endswith("+00:00")

        # a coach's device shows no central figures and cannot queue orders
        sync_client.sync(coach, transport=office)
        assert budget_orders.snapshot(coach) is None
        with pytest.raises(PermissionDenied):
            budget_orders.queue_set(coach, plan_set("TOPI", START, END, 1, "equal"))

        # the supervisor moves the coach's unused share to itself: the coach gives it back
        # at its next sync, the office grants it on, the supervisor receives it at its own
        oid = budget_orders.queue_request_return(
            sup, budget_id=BUDGET_ID, programme="TOPI", device_id=coach.device_id,
            cents=40_000, move_to=sup.device_id,
        )  # fmt: skip
        sync_client.sync(sup, transport=office)
        assert _order(sup, oid).outcome == "done"
        sync_client.sync(coach, transport=office)
        assert remaining_for(coach, "TOPI") == 60_000
        sync_client.sync(sup, transport=office)
        assert remaining_for(sup, "TOPI") == 140_000
        (row,) = _show(store_url)
        assert row["granted_cents"] == 200_000 and row["unallocated_cents"] == 0
    finally:
        sup.close()
        coach.close()


def test_a_coachs_order_is_refused_with_a_reason_and_changes_nothing(
    tmp_path: Path, store_url: str, central: Any, office: Any
) -> None:
    _set(store_url, "1000", "--rule", "equal")
    # made while the laptop was still set up as a supervisor's; the office enrolled it as a coach
    rogue = _laptop(tmp_path / "rogue.db", "supervisor")
    try:
        set_id = budget_orders.queue_set(rogue, plan_set("TOPI", START, END, 1_000_000, "target",
                                                         500_000))  # fmt: skip
        _enrol(central, rogue, office, "coach")
        sync_client.sync(rogue, transport=office)  # gets its equal share (nothing else)
        before = _central_state(central)
        rid = budget_orders.queue_request_return  # not allowed locally any more
        with pytest.raises(PermissionDenied):
            rid(rogue, budget_id=BUDGET_ID, programme="TOPI", device_id="x", cents=1)
        refused = _order(rogue, set_id)
        assert refused.outcome == "refused" and refused.code == "role"
        assert refused.reason == (
            "only a supervisor's device may give counter orders (this device is enrolled as coach)"
        )
        assert refused.details == {"role": "coach"}
        assert _show(store_url)[0]["budget_cents"] == 100_000
        sync_client.sync(rogue, transport=office)
        assert _central_state(central) == before  # and a further sync changes nothing either
        assert budget_orders.snapshot(rogue) is None  # no central figures for a coach
    finally:
        rogue.close()


def test_a_re_sent_order_is_applied_once(
    tmp_path: Path, store_url: str, central: Any, office: Any
) -> None:
    _set(store_url, "1000", "--rule", "equal")
    sup, coach = _laptop(tmp_path / "sup.db", "supervisor"), _laptop(tmp_path / "c.db", "coach")
    try:
        _enrol(central, sup, office, "supervisor")
        _enrol(central, coach, office, "coach")
        for ws in (coach, sup):
            sync_client.sync(ws, transport=office)
        budget_orders.queue_request_return(
            sup, budget_id=BUDGET_ID, programme="TOPI", device_id=coach.device_id, cents=10_000
        )
        budget_orders.queue_set(sup, plan_set("TOPI", START, END, 150_000))
        body = budget_sync.counter_request(sup.store.conn)
        assert len(body["orders"]) == 2
        enrolled = sync_client.require_enrolment(sup)
        with office(URL, enrolled.device_id, enrolled.secret) as http:
            send = budget_sync.http_send(http)
            first = send(body)  # applied; say the answer was lost on the way back
            state = _central_state(central)
            for _ in range(3):  # the device sends the same orders again
                again = send(body)
                assert again["orders_done"] == first["orders_done"]
                assert _central_state(central) == state
        assert len(first["orders_done"]) == 2
        assert len(central.db.execute("SELECT 1 FROM _counter_requests")) == 1
        assert _show(store_url)[0]["budget_cents"] == 150_000
        # another device re-using the ids gets nothing applied
        stolen = counters.exchange(central.db, coach.device_id, body, role="supervisor")
        assert {r["code"] for r in stolen["orders_refused"]} == {"foreign"}
        assert _central_state(central)[::2] == state[::2]  # (its rule top-up aside)
        sync_client.sync(sup, transport=office)
        assert [o.outcome for o in budget_orders.orders(sup)] == ["done", "done"]
        assert budget_sync.counter_request(sup.store.conn).get("orders") is None
    finally:
        sup.close()
        coach.close()


def test_orders_travel_by_bundle_and_a_replayed_bundle_changes_nothing(
    tmp_path: Path, store_url: str, central: Any, office: Any
) -> None:
    _set(store_url, "1000")
    sup = _laptop(tmp_path / "sup.db", "supervisor")
    try:
        _enrol(central, sup, office, "supervisor")
        oid = budget_orders.queue_set(sup, plan_set("TOPI", START, END, 300_000, "target", 50_000))
        out = tmp_path / "field.bundle"
        sync_client.export_bundle(sup, out)
        result = import_bundle(central, out.read_bytes(), reply=True, counter_report=budget_rows)
        assert result.counters is not None and result.counters["orders_done"] == [oid]
        (row,) = _show(store_url)
        figures = (row["budget_cents"], row["rule"], row["target_cents"])
        assert figures == (300_000, "target", 50_000)
        state = _central_state(central)
        with pytest.raises(BundleError, match="replayed"):
            import_bundle(central, out.read_bytes(), counter_report=budget_rows)
        # the reply did not come back yet: the next bundle carries the same order again
        sync_client.export_bundle(sup, out)
        again = import_bundle(central, out.read_bytes(), reply=True, counter_report=budget_rows)
        assert again.counters is not None and again.counters["orders_done"] == [oid]
        assert _central_state(central) == state
        reply = tmp_path / "field.reply"
        assert again.reply is not None
        reply.write_bytes(again.reply)
        sync_client.import_reply(sup, reply)
        assert _order(sup, oid).outcome == "done"
        assert remaining_for(sup, "TOPI") == 50_000
        snap = budget_orders.snapshot(sup)
        assert snap is not None and snap.budgets[0]["budget_cents"] == 300_000
    finally:
        sup.close()


def test_a_budget_below_what_is_granted_is_refused(
    tmp_path: Path, store_url: str, central: Any, office: Any
) -> None:
    from kenttä.i18n import t
    from kenttä.ui.modals.budget_forms import reason_text

    _set(store_url, "1000", "--rule", "equal")
    sup, coach = _laptop(tmp_path / "sup.db", "supervisor"), _laptop(tmp_path / "c.db", "coach")
    try:
        _enrol(central, sup, office, "supervisor")
        _enrol(central, coach, office, "coach")
        for ws in (coach, sup):
            sync_client.sync(ws, transport=office)
        assert _show(store_url)[0]["granted_cents"] == 100_000
        oid = budget_orders.queue_set(sup, plan_set("TOPI", START, END, 60_000))
        state = _central_state(central)
        sync_client.sync(sup, transport=office)
        refused = _order(sup, oid)
        assert refused.outcome == "refused" and refused.code == "below_granted"
        assert refused.details == {"total": 60_000, "granted": 100_000}
        assert _central_state(central) == state
        assert reason_text(refused.code, refused.details, refused.reason or "") == t(
            "budget_error.below_granted", total="600,00 €", granted="1\u00a0000,00 €"
        )
        # the office's own command refuses it the same way (one code path: set_total)
        done = server_cli(
            "budget", "set", "--store", store_url, "--programme", "TOPI", "--from", str(START),
            "--to", str(END), "--amount", "600",
        )  # fmt: skip
        assert done.exit_code == 1 and done.output.strip() == "kenttä: " + t(
            "budget_error.below_granted", total="600,00 €", granted="1\u00a0000,00 €"
        )
    finally:
        sup.close()
        coach.close()


def test_orders_over_a_real_server(tmp_path: Path, store_url: str, central: Any, server: Any):
    """`kenttä server run` hands the orders the device's enrolled role and sends the
    supervisor the figures of `kenttä server budget show`."""
    _set(store_url, "1000")
    code = enrolment.new_code(central, ["kuopio"], "supervisor")
    srv = server(store_url)
    sup = _laptop(tmp_path / "sup.db", "supervisor")
    try:
        sync_client.enroll(sup, srv.url, code)
        oid = budget_orders.queue_set(sup, plan_set("TOPI", START, END, 250_000, "equal"))
        sync_client.sync(sup)
        assert _order(sup, oid).outcome == "done"
        snap = budget_orders.snapshot(sup)
        assert snap is not None and snap.budgets == _show(store_url)
        assert snap.budgets[0]["budget_cents"] == 250_000
    finally:
        sup.close()
