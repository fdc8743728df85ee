"""Budjetit by keyboard alone at 80×24 (Pilot): Vouchers → Budgets, the remaining share,
returning share with a reason for a wrong amount, a supervisor's orders queued for the next
sync, the central figures as of the last sync; and the remaining share on the voucher form."""

from __future__ import annotations

import json
from typing import Any

from textual.widgets import DataTable, Input, Static

from kenttä.services.vouchers.budgets import orders as budget_orders
from kenttä.services.vouchers.budgets.share import remaining_for, unsent_returns
from tests.ui.caseload import TODAY
from tests.ui.conftest import settle

SIZE = (80, 24)


def text(app: Any, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def open_budgets(pilot: Any) -> None:
    await settle(pilot)
    await pilot.press("f5")
    await settle(pilot)
    await pilot.press("b")
    await settle(pilot)
    assert type(pilot.app.screen).__name__ == "BudgetsScreen"


def set_state(ws: Any, key: str, value: str) -> None:
    with ws.store.replica.db.transaction():
        ws.store.replica.set_state(key, value)


def central_figures(ws: Any) -> dict[str, Any]:
    """A snapshot as a sync with the office would store it (two devices, one budget)."""
    device = {"granted_cents": 60_000, "issued_cents": 10_000, "used_cents": 0,
              "invoiced_cents": 0, "remaining_cents": 50_000}  # fmt: skip
    snap = {
        "at": 1_773_650_700,  # 2026-03-16 08:45 UTC
        "devices": [
            {"device_id": ws.device_id, "code": "K7QX", "role": "supervisor", "name": None},
            {"device_id": "dev-tervo", "code": "T3RV", "role": "coach", "name": None},
        ],
        "report": [{
            "budget_id": "TOPI:2026-01-01:2026-12-31", "programme": "TOPI",
            "period_start": "2026-01-01", "period_end": "2026-12-31", "rule": "equal",
            "target_cents": None, "budget_cents": 200_000, "granted_cents": 120_000,
            "issued_cents": 20_000, "used_cents": 0, "invoiced_cents": 0,
            "remaining_cents": 100_000, "unallocated_cents": 80_000,
            "devices": [{"device_id": ws.device_id, **device},
                        {"device_id": "dev-tervo", **device}],
        }],
    }  # fmt: skip
    return snap


async def test_open_budgets_from_vouchers_see_the_remaining_and_return_share(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_budgets(pilot)
        assert app.screen.query_one("#budgets-device", DataTable).row_count == 2
        expected = "KUOPIO 1.1.2026–31.12.2026 · jäljellä 100\u00a0000,00 €"
        assert text(app, "#budgets-selected") == expected
        await pilot.press("down")  # TOPI
        await settle(pilot)
        assert "TOPI" in text(app, "#budgets-selected")
        await pilot.press("r")
        await settle(pilot)
        assert type(app.screen).__name__ == "ReturnShareModal"
        await pilot.press(*"200000", "ctrl+s")
        await settle(pilot)
        assert text(app, "#form-error").startswith("Voit palauttaa enintään 100\u00a0000,00 €")
        await pilot.press(*["backspace"] * 6, *"abc", "ctrl+s")
        await settle(pilot)
        assert text(app, "#form-error") == "Summa euroina, esim. 450 tai 450,50"
        await pilot.press(*["backspace"] * 3, *"1 200,50", "ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "ConfirmModal"
        await pilot.press("n")  # not after all: nothing changes
        await settle(pilot)
        assert remaining_for(app.ws, "TOPI", TODAY) == 10_000_000
        await pilot.press("r")
        await settle(pilot)
        await pilot.press(*"1 200,50", "ctrl+s")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert type(app.screen).__name__ == "BudgetsScreen"
        assert remaining_for(app.ws, "TOPI", TODAY) == 10_000_000 - 120_050
        assert text(app, "#budgets-selected").endswith("jäljellä 98\u00a0799,50 €")
        (ret,) = unsent_returns(app.ws)  # off the share now, to the office at the next sync
        assert ret["cents"] == 120_050
        await pilot.press("escape")
        await settle(pilot)
        assert type(app.screen).__name__ == "VouchersScreen"


async def test_a_supervisor_sets_a_budget_offline_by_keyboard(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_budgets(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert type(app.screen).__name__ == "SetBudgetModal"
        assert app.screen.query_one("#set-programme", Input).value == "KUOPIO"
        await pilot.press("tab", "tab", *["backspace"] * 10, *"1.1.2025", "tab", *"1 200,50")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert text(app, "#form-error") == "Kausi päättyy ennen kuin se alkaa"
        await pilot.press(*["backspace"] * 8, *"31.12.2026", "tab", "tab")
        await pilot.press("enter")  # the rule: open the list, take the first (equal)
        await pilot.pause()
        await pilot.press("down", "enter")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "BudgetsScreen"
        (order,) = budget_orders.orders(app.ws)
        assert order.waiting and order.op == "set"
        assert order.body == {
            "order_id": order.order_id, "op": "set", "counter_id": "KUOPIO:2026-01-01:2026-12-31",
            "label": "KUOPIO", "period": "2026-01-01/2026-12-31", "total": 120_050,
            "rule": "equal", "target": None,
        }  # fmt: skip
        assert "odottaa synkronointia" in text(app, "#budgets-orders")


async def test_central_figures_as_of_last_sync_and_a_move_order(make_app, monkeypatch):
    app = make_app()
    ws = app.ws
    set_state(ws, "device_code", "K7QX")
    with ws.store.replica.db.transaction():
        budget_orders.store_snapshot_in(ws.store.conn, central_figures(ws))
    refused = budget_orders.queue_set(ws, _plan(60_000))
    with ws.store.replica.db.transaction():
        budget_orders.answer_in(ws.store.conn, {"orders_refused": [{
            "order_id": refused, "code": "below_granted", "reason": "…",
            "details": {"total": 60_000, "granted": 120_000}}]})  # fmt: skip
    async with app.run_test(size=SIZE) as pilot:
        await open_budgets(pilot)
        assert text(app, "#budgets-central-title").startswith(
            "Keskusvarasto, tilanne viimeisimmässä synkronoinnissa 16.3.2026"
        )
        assert app.screen.query_one("#budgets-central", DataTable).row_count == 3
        assert "jakamatta 800,00 €" in text(app, "#budgets-central-detail")
        orders = text(app, "#budgets-orders")
        assert "hylätty: Budjetti 600,00 € on pienempi kuin laitteille jo myönnetty" in orders
        await pilot.press("tab", "tab")  # the central table
        await pilot.press("m")
        await settle(pilot)
        assert type(app.screen).__name__ == "MoveShareModal"
        await pilot.press("tab", "enter")  # from: the first device holding share
        await pilot.pause()
        await pilot.press("down", "down", "enter", "tab", "enter")  # T3RV …
        await pilot.pause()
        await pilot.press("down", "enter", "tab")  # … to K7QX (this device)
        await pilot.press(*"250", "ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "BudgetsScreen"
        order = budget_orders.orders(ws)[0]
        assert (order.op, order.body["device_id"], order.body["move_to"]) == (
            "request_return", "dev-tervo", ws.device_id,
        )  # fmt: skip
        assert order.body["amount"] == 25_000
        assert "siirrä 250,00 € laitteelta T3RV laitteelle K7QX" in text(app, "#budgets-orders")


def _plan(cents: int) -> Any:
    from kenttä.services.vouchers.budgets.sync import plan_set

    return plan_set("TOPI", TODAY.replace(month=1, day=1), TODAY.replace(month=12, day=31), cents)


async def test_a_coach_sees_no_supervisor_actions(make_app):
    app = make_app()
    set_state(app.ws, "enrolled_role", "coach")
    async with app.run_test(size=SIZE) as pilot:
        await open_budgets(pilot)
        assert not app.screen.query_one("#budgets-central", DataTable).display
        await pilot.press("n", "m", "a")
        await settle(pilot)
        assert type(app.screen).__name__ == "BudgetsScreen"
        assert budget_orders.orders(app.ws) == []


async def test_the_voucher_form_shows_the_remaining_share_and_refuses_overspend(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press(*"Ojala Lau", "enter")
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        assert text(app, "#voucher-remaining") == "Jäljellä: 100\u00a0000,00 € (TOPI)"
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("down", "enter")
        await settle(pilot)
        value = app.screen.query_one("#voucher-value", Input)
        value.value = "100 000,01"
        await pilot.press("ctrl+s")
        await settle(pilot)
        expected = (
            "Setelin arvo 100\u00a0000,01 € ylittää laitteen jäljellä olevan osuuden"
            " 100\u00a0000,00 € (TOPI)"
        )
        assert text(app, "#form-error") == expected
        app.screen.hint = None  # a stale form: the service refuses, the form says why
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert text(app, "#form-error") == expected
        assert app.ws.store.conn.execute("SELECT count(*) FROM vouchers").fetchone() == (0,)


def test_budgets_snapshot(snap_compare, make_app, monkeypatch) -> None:
    import time

    monkeypatch.setenv("TZ", "Europe/Helsinki")
    time.tzset()
    app = make_app()
    ws = app.ws
    set_state(ws, "device_code", "K7QX")
    with ws.store.replica.db.transaction():
        budget_orders.store_snapshot_in(ws.store.conn, central_figures(ws))
        ws.store.conn.execute(
            "UPDATE budget_snapshot SET devices = ?",
            (json.dumps([{"device_id": ws.device_id, "code": "K7QX"},
                         {"device_id": "dev-tervo", "code": "T3RV"}]),),
        )  # fmt: skip
    budget_orders.queue_set(ws, _plan(250_000))

    async def run_before(pilot: Any) -> None:
        await open_budgets(pilot)

    try:
        assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
    finally:
        monkeypatch.undo()
        time.tzset()
