"""What keeps a keystroke from doing the wrong thing (Pilot, 80×24): Esc asks before it
throws typed work away, Tab does not select a field's text, F3/F4 open on the list, a role
sees only the keys it may use, and the key footer is there from the start."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input

from tests.ui.conftest import settle
from tests.ui.writes import SIZE, open_client, open_employer, records, screen_name, tab_to


def footer_text(app: Any) -> str:
    return " ".join(str(key.render()) for key in app.screen.query("FooterKey"))


async def test_esc_on_a_half_filled_assessment_asks_and_no_keeps_the_work(make_app):
    app = make_app()
    before = records(app.ws)
    async with app.run_test(size=SIZE) as pilot:
        await open_client(pilot, "Ojala Lau")
        await pilot.press("a")
        await settle(pilot)
        await tab_to(pilot, "rate-work_ability")
        await pilot.press("3")
        await tab_to(pilot, "strengths")
        await pilot.press(*"Ahkera", "escape")
        await settle(pilot)
        assert screen_name(pilot) == "ConfirmModal"
        await pilot.press("n")
        await settle(pilot)
        assert screen_name(pilot) == "AssessmentForm"
        assert app.screen.query_one("#strengths", Input).value == "Ahkera"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert screen_name(pilot) == "ClientCardScreen"
    assert records(app.ws) == before


async def test_esc_on_an_untouched_form_closes_at_once(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_client(pilot, "Ojala Lau")
        for key in ("a", "m", "l"):
            await pilot.press(key)
            await settle(pilot)
            await pilot.press("escape")
            await settle(pilot)
            assert screen_name(pilot) == "ClientCardScreen", key


async def test_esc_on_an_unsaved_plan_goal_asks_and_a_saved_one_does_not(make_app):
    app = make_app()
    before = records(app.ws)
    async with app.run_test(size=SIZE) as pilot:
        await open_client(pilot, "Ojala Lau")
        await pilot.press("p")
        await settle(pilot)
        await pilot.press(*"Työkokeilu", "escape")
        await settle(pilot)
        assert screen_name(pilot) == "ConfirmModal"
        await pilot.press("y")
        await settle(pilot)
        assert screen_name(pilot) == "ClientCardScreen"
        assert records(app.ws) == before
        await pilot.press("p")
        await settle(pilot)
        await pilot.press(*"Työkokeilu", "ctrl+s")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert screen_name(pilot) == "ClientCardScreen"


async def test_tab_into_a_field_puts_the_cursor_after_its_text(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_employer(pilot, "Tervon")
        await pilot.press("v")
        await settle(pilot)
        field = await tab_to(pilot, "visit-next")
        await settle(pilot)
        assert field.selection.is_empty and field.cursor_position == len(field.value)
        await pilot.press("space", "backspace")  # would have wiped a selected date
        assert field.value == "15.4.2026"


async def test_f3_and_f4_open_on_the_list_and_slash_goes_to_the_search(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        for key, table, search in (
            ("f3", "client-table", "client-search"),
            ("f4", "employer-table", "employer-search"),
        ):
            await pilot.press(key)
            await settle(pilot)
            assert app.focused is not None and app.focused.id == table
            await pilot.press("slash")
            await settle(pilot)
            assert app.focused is not None and app.focused.id == search
            assert app.focused.value == ""  # "/" moved the focus, it typed nothing
        await pilot.press("f3")
        await settle(pilot)
        app.screen.query_one("#client-table").focus()
        await pilot.press("n")
        await settle(pilot)
        assert screen_name(pilot) == "ClientFormModal"


def as_coordinator(app: Any) -> None:
    app.ws.config = app.ws.config.copy_with(role="coordinator")


async def test_a_coordinators_card_offers_only_what_a_coordinator_may_save(make_app):
    app = make_app()
    as_coordinator(app)
    before = records(app.ws)
    async with app.run_test(size=SIZE) as pilot:
        await open_client(pilot, "Ojala Lau")
        shown = footer_text(app)
        for hidden in ("Merkintä", "Arvio", "Suunnitelma", "Seteli", "Muokkaa"):
            assert hidden not in shown
        for key in ("n", "a", "p", "v", "m", "c", "e"):
            await pilot.press(key)
            await settle(pilot)
            assert screen_name(pilot) == "ClientCardScreen", key
        summary = str(app.screen.query_one("#summary-text").render())
        assert "ei näytetä roolillesi" in summary
        await pilot.press("l")  # a placement: a coordinator's work
        await settle(pilot)
        assert screen_name(pilot) == "PlacementForm"
    assert records(app.ws) == before


async def test_a_coordinators_voucher_list_says_why_it_has_no_keys(make_app):
    from kenttä.services.vouchers import core as vouchers
    from tests.ui.caseload import TODAY

    app = make_app()
    client_id = app.ws.ids["clients"][1]
    vouchers.issue_voucher(app.ws, client_id=client_id, service_code="VALM", today=TODAY)
    as_coordinator(app)
    before = records(app.ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        assert "roolisi ei salli" in str(app.screen.query_one("#voucher-count").render())
        assert "Mitätöi" not in footer_text(app)
        for key in ("p", "u", "x"):
            await pilot.press(key)
            await settle(pilot)
            assert screen_name(pilot) == "VouchersScreen", key
        await pilot.press("b")
        await settle(pilot)
        assert screen_name(pilot) == "BudgetsScreen"
        assert "Palauta" not in footer_text(app)
        await pilot.press("r")
        await settle(pilot)
        assert screen_name(pilot) == "BudgetsScreen"
    assert records(app.ws) == before


async def test_the_key_footer_is_there_when_the_screen_opens(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_client(pilot, "Ojala Lau")
        await pilot.press("p")
        await settle(pilot)
        assert "Tallenna tavoite" in footer_text(app)
        await pilot.press("escape")
        await settle(pilot)
        await open_employer(pilot, "Tervon")
        assert "Kummiyritys" in footer_text(app)
        await pilot.press("f7")
        await settle(pilot)
        assert screen_name(pilot) == "DashboardScreen"
        assert "Ohje" in footer_text(app)


async def test_a_note_the_role_may_not_save_leaves_no_draft_behind(make_app):
    from kenttä.services.clients import drafts

    app = make_app()
    client_id = app.ws.ids["clients"][5]
    before = records(app.ws)
    async with app.run_test(size=SIZE) as pilot:
        await open_client(pilot, "Ojala Lau")
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"Kesken")
        await pilot.pause(0.5)
        await settle(pilot)
        assert drafts.load_draft(app.ws, drafts.note_key(client_id)) == "Kesken"
        as_coordinator(app)  # e.g. the office enrolled this laptop as a coordinator's
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen_name(pilot) == "ClientCardScreen"
    assert drafts.load_draft(app.ws, drafts.note_key(client_id)) is None
    assert records(app.ws) == before
