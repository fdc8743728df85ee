"""Vouchers, budgets and sync conflicts by keyboard (Pilot, 80×24), proved by the database.

Every move of money or status forward asks first, naming the voucher, the client and the
amount; the action lands on the row chosen even when the list reloaded in between (issue
14: after a dialog closed, `u` marked another client's voucher used)."""

from __future__ import annotations

from typing import Any

from textual.widgets import Static

from kenttä.services.vouchers import core as vouchers
from kenttä.services.vouchers.budgets import orders as budget_orders
from tests.ui.caseload import TODAY
from tests.ui.conftest import settle
from tests.ui.test_budgets_screen import central_figures, open_budgets, set_state
from tests.ui.writes import SIZE, changed, open_client, records, row, screen_name, tables_changed

TOPI_CLIENTS = (1, 5, 7)  # Korhonen Eero, Ojala Lauri, Rantanen Oskari


def issue_chosen(ws: Any) -> list[Any]:
    """Three vouchers, each with its provider chosen (ready to be used)."""
    (provider,) = ws.store.conn.execute("SELECT id FROM providers").fetchone()
    out = []
    for index in TOPI_CLIENTS:
        v = vouchers.issue_voucher(
            ws, client_id=ws.ids["clients"][index], service_code="VALM", today=TODAY
        )
        out.append(
            vouchers.transition(ws, v.number, "provider_chosen", provider_id=provider, today=TODAY)
        )
    return out


def voucher_keys(voucher: Any) -> set[tuple[str, str]]:
    return {("vouchers", voucher.id), ("voucher_ledger", voucher.id)}


def question(app: Any) -> str:
    return str(app.screen.query_one(Static).render())


async def test_used_lands_on_the_chosen_voucher_after_a_dialog_reloaded_the_list(make_app):
    app = make_app()
    issued = issue_chosen(app.ws)
    chosen = max(issued, key=lambda v: v.number)  # the last row of the list
    before = records(app.ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("down", "down")
        await pilot.press("p")  # a dialog, then Esc: the list reloads on return
        await settle(pilot)
        assert screen_name(pilot) == "ProviderModal"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert screen_name(pilot) == "ConfirmModal"
        asked = question(app)
        assert chosen.number in asked and "Rantanen Oskari" in asked and "1\u00a0200,00" in asked
        await pilot.press("y")
        await settle(pilot)
    after = records(app.ws)
    touched = changed(before, after)
    assert ("vouchers", chosen.id) in touched and touched <= voucher_keys(chosen)
    assert vouchers.get_voucher(app.ws, chosen.number).status == "used"


async def test_used_invoiced_paid_each_ask_and_no_leaves_the_voucher_as_it_was(make_app):
    app = make_app()
    first = min(issue_chosen(app.ws), key=lambda v: v.number)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        before = records(app.ws)
        await pilot.press("u")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert records(app.ws) == before
        for key, status in (("u", "used"), ("i", "invoiced"), ("m", "paid")):
            before = records(app.ws)
            await pilot.press(key)
            await settle(pilot)
            assert first.number in question(app)
            await pilot.press("y")
            await settle(pilot)
            if status == "used":  # the client's feedback is offered next: Esc skips it
                assert screen_name(pilot) == "FeedbackForm"
                await pilot.press("escape")
                await settle(pilot)
            touched = changed(before, records(app.ws))
            assert ("vouchers", first.id) in touched and touched <= voucher_keys(first)
            assert vouchers.get_voucher(app.ws, first.number).status == status


async def test_cancel_asks_naming_the_client_and_cancels_only_that_voucher(make_app):
    app = make_app()
    issued = sorted(issue_chosen(app.ws), key=lambda v: v.number)
    before = records(app.ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("down", "x")
        await settle(pilot)
        assert "Ojala Lauri" in question(app) and issued[1].number in question(app)
        await pilot.press("y")
        await settle(pilot)
    touched = changed(before, records(app.ws))
    assert ("vouchers", issued[1].id) in touched and touched <= voucher_keys(issued[1])
    assert vouchers.get_voucher(app.ws, issued[1].number).status == "cancelled"


async def test_a_provider_is_chosen_for_the_voucher_on_the_row(make_app):
    app = make_app()
    numbers = []
    for index in TOPI_CLIENTS:
        client_id = app.ws.ids["clients"][index]
        numbers.append(
            vouchers.issue_voucher(app.ws, client_id=client_id, service_code="VALM", today=TODAY)
        )
    chosen = sorted(numbers, key=lambda v: v.number)[2]
    before = records(app.ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("down", "down")
        app.screen.reload()  # a reload between choosing the row and the key
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("down", "enter", "ctrl+s")
        await settle(pilot)
    touched = changed(before, records(app.ws))
    assert ("vouchers", chosen.id) in touched and touched <= voucher_keys(chosen)
    assert vouchers.get_voucher(app.ws, chosen.number).status == "provider_chosen"


async def test_a_voucher_issued_from_the_card_is_the_clients(make_app):
    app = make_app()
    client_id = app.ws.ids["clients"][5]
    before = records(app.ws)
    async with app.run_test(size=SIZE) as pilot:
        await open_client(pilot, "Ojala Lau")
        await pilot.press("v")
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("down", "enter")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen_name(pilot) == "VoucherIssuedModal"
    after = records(app.ws)
    assert tables_changed(before, after) == {"vouchers": 1, "voucher_ledger": 1}
    (key,) = {k for k in changed(before, after) if k[0] == "vouchers"}
    assert row(app.ws, "SELECT client_id FROM vouchers WHERE id = ?", key[1]) == (client_id,)


async def test_returning_share_writes_one_return_of_the_chosen_budget(make_app):
    app = make_app()
    before = records(app.ws)
    async with app.run_test(size=SIZE) as pilot:
        await open_budgets(pilot)
        await pilot.press("down", "r")  # TOPI
        await settle(pilot)
        await pilot.press(*"150", "ctrl+s")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
    after = records(app.ws)
    assert tables_changed(before, after) == {"voucher_grants": 1}
    ((_, grant_id),) = changed(before, after)
    assert row(
        app.ws, "SELECT programme, granted_cents FROM voucher_grants WHERE grant_id = ?", grant_id
    ) == ("TOPI", -15_000)


async def test_budget_orders_are_queued_one_each(make_app):
    app = make_app()
    ws = app.ws
    set_state(ws, "device_code", "K7QX")
    with ws.store.replica.db.transaction():
        budget_orders.store_snapshot_in(ws.store.conn, central_figures(ws))
    async with app.run_test(size=SIZE) as pilot:
        await open_budgets(pilot)
        before = records(ws)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("tab", "tab", "tab", *"2 000", "ctrl+s")
        await settle(pilot)
        assert screen_name(pilot) == "BudgetsScreen"
        assert tables_changed(before, records(ws)) == {"budget_orders": 1}
        before = records(ws)
        await pilot.press("tab", "tab", "a")  # ask a device for share back
        await settle(pilot)
        assert screen_name(pilot) == "RequestReturnModal"
        await pilot.press("tab", "enter")
        await pilot.pause()
        await pilot.press("down", "down", "enter", "tab", *"100", "ctrl+s")
        await settle(pilot)
        assert screen_name(pilot) == "BudgetsScreen"
        assert tables_changed(before, records(ws)) == {"budget_orders": 1}
    kinds = sorted((o.op, o.body.get("device_id")) for o in budget_orders.orders(ws))
    assert kinds == [("request_return", "dev-tervo"), ("set", None)]


async def test_resolving_a_conflict_changes_that_client_and_that_conflict(make_app, monkeypatch):
    from tests.ui import conflicts as made
    from tests.ui.conflicts import make_phone_conflict

    app = make_app()
    first, second = app.ws.ids["clients"][0], app.ws.ids["clients"][1]
    make_phone_conflict(app.ws, first, local="040 111 1111", remote="050 222 2222")
    monkeypatch.setattr(made, "OTHER_DEVICE", "00000000000000bb")  # a second other device
    make_phone_conflict(app.ws, second, local="040 333 3333", remote="050 444 4444")
    before = records(app.ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f6")
        await settle(pilot)
        table = app.screen.query_one("#conflict-table")
        table.focus()
        target = app.screen.conflicts[-1]  # the last row: a reset cursor would miss it
        table.move_cursor(row=table.get_row_index(target.id))
        app.screen.reload()
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
    touched = changed(before, records(app.ws))
    assert target.row_id in {first, second}
    assert touched == {("clients", target.row_id), ("_conflicts", target.id)}
