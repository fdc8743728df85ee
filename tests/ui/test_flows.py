"""Keyboard-only flows through the app (Pilot), in Finnish at 80×24."""

from __future__ import annotations

import json

from textual.widgets import Input, TextArea

from kenttä.services.clients import drafts
from tests.ui.conftest import settle
from tests.ui.writes import tab_to

SIZE = (80, 24)


async def open_client(pilot, name: str) -> None:
    await pilot.press("f3")
    await settle(pilot)
    await pilot.press(*name)
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


async def test_find_a_client_by_name(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert type(app.screen).__name__ == "TodayScreen"
        await open_client(pilot, "Ojala Lau")
        assert type(app.screen).__name__ == "ClientCardScreen"
        assert "Ojala Lauri" in app.screen.sub_title
        audits = app.ws.store.conn.execute(
            "SELECT count(*) FROM audit_events WHERE action = 'view' AND record_id = ?",
            (app.screen.client_id,),
        ).fetchone()[0]
        assert audits >= 1


async def test_letters_bound_to_keys_still_type_into_the_search(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press(*"Nieminen")
        await settle(pilot)
        assert type(app.screen).__name__ == "ClientsScreen"
        assert app.screen.query_one("#client-search", Input).value == "Nieminen"
        assert app.screen.query_one("#client-table").row_count == 3


async def test_find_a_client_by_henkilotunnus_and_note_text(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await settle(pilot)
        table = app.screen.query_one("#client-table")
        await pilot.press(*"060675-9")
        await settle(pilot)
        assert table.row_count == 1
        app.screen.query_one("#client-search", Input).value = ""
        await pilot.press(*"hitsauskurssista 7")
        await settle(pilot)
        assert table.row_count >= 1


async def test_write_a_note_with_autosaved_draft(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_client(pilot, "Ojala Lau")
        client_id = app.screen.client_id
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.focused, TextArea)
        await pilot.press(*"Asiakas aloittaa työkokeilun")
        await pilot.pause(0.5)
        await settle(pilot)
        draft = drafts.load_draft(app.ws, drafts.note_key(client_id))
        assert draft == "Asiakas aloittaa työkokeilun"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "ClientCardScreen"
        bodies = [
            r[0]
            for r in app.ws.store.conn.execute(
                "SELECT body FROM notes WHERE client_id = ?", (client_id,)
            )
        ]
        assert "Asiakas aloittaa työkokeilun" in bodies
        assert drafts.load_draft(app.ws, drafts.note_key(client_id)) is None


async def test_a_draft_survives_leaving_and_comes_back(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_client(pilot, "Ojala Lau")
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"Kesken jäänyt")
        await pilot.press("escape")
        await settle(pilot)
        summary = str(app.screen.query_one("#summary-text").render())
        assert "Keskeneräinen merkintä odottaa" in summary
        await pilot.press("n")
        await settle(pilot)
        assert app.screen.query_one(TextArea).text == "Kesken jäänyt"


async def test_correct_a_note_as_a_new_note(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_client(pilot, "Ojala Lau")
        client_id = app.screen.client_id
        await pilot.press("2")
        await settle(pilot)
        app.screen.query_one("#notes-table").focus()
        await pilot.press("c")
        await settle(pilot)
        assert type(app.screen).__name__ == "NoteEditorScreen"
        await pilot.press(*" (korjattu)")
        await pilot.press("ctrl+s")
        await settle(pilot)
        row = app.ws.store.conn.execute(
            "SELECT body, corrects FROM notes WHERE client_id = ? AND corrects IS NOT NULL",
            (client_id,),
        ).fetchone()
        assert row is not None and row[0].endswith("(korjattu)")
        assert (
            app.ws.store.conn.execute(
                "SELECT count(*) FROM notes WHERE client_id = ?", (client_id,)
            ).fetchone()[0]
            == 4
        )


async def test_log_a_visit_by_keyboard(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press(*"Tervon")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "EmployerCardScreen"
        employer_id = app.screen.employer_id
        await pilot.press("v")
        await settle(pilot)
        # date (today), purpose (needs analysis): go to the short-term needs
        await pilot.press("tab", "tab")
        await pilot.press(*"721 hitsaaja 2, 522 myyjä")  # occupation code, words, how many
        await pilot.press("tab")
        await pilot.press(*"741 asentaja")
        await tab_to(pilot, "visit-openings")
        await pilot.press("space")  # offer a work trial
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "EmployerCardScreen"
        rows = app.ws.store.conn.execute(
            "SELECT labour_needs, openings, next_contact FROM visits WHERE employer_id = ?"
            " ORDER BY visited_on DESC",
            (employer_id,),
        ).fetchall()
        needs = app.ws.store.conn.execute(  # the visit's needs are records of their own
            "SELECT n.occupation, n.title, n.headcount, n.term FROM labour_needs n"
            " JOIN visits v ON v.id = n.visit_id WHERE v.employer_id = ?"
            " ORDER BY n.term DESC, n.occupation",
            (employer_id,),
        ).fetchall()
        assert needs == [
            ("522", "myyjä", 1, "short"),
            ("721", "hitsaaja", 2, "short"),
            ("741", "asentaja", 1, "long"),
        ]
        assert json.loads(rows[0][1]) == ["work_trial"]
        assert rows[0][2] == "2026-04-15"


async def test_issue_a_voucher_and_see_its_number(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_client(pilot, "Ojala Lau")
        client_id = app.screen.client_id
        await pilot.press("v")
        await settle(pilot)
        assert type(app.screen).__name__ == "VoucherIssueModal"
        await pilot.press("enter")  # open the service list
        await pilot.pause()
        await pilot.press("down", "enter")
        await settle(pilot)
        assert app.screen.query_one("#voucher-value", Input).value
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "VoucherIssuedModal"
        number = app.ws.store.conn.execute(
            "SELECT number FROM vouchers WHERE client_id = ?", (client_id,)
        ).fetchone()[0]
        assert str(app.screen.query_one("#voucher-number").render()) == number
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "ClientCardScreen"


async def test_wrong_henkilotunnus_check_character_is_named(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await settle(pilot)
        app.screen.query_one("#client-table").focus()
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"Testi", "tab", *"Asiakas", "tab", *"010190-900X")
        await settle(pilot)
        message = str(app.screen.query_one("#form-error").render())
        assert "pitäisi olla" in message and "X" in message


async def test_exit_with_outcome_makes_checks_due(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_client(pilot, "Ojala Lau")
        client_id = app.screen.client_id
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("tab", "enter")
        await pilot.pause()
        await pilot.press("down", "enter")  # the first outcome: a job on the open market
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        status, outcome = app.ws.store.conn.execute(
            "SELECT status, outcome FROM clients WHERE id = ?", (client_id,)
        ).fetchone()
        assert (status, outcome) == ("finished", "job")


async def test_language_switch_and_help(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.sub_title == "Tänään"
        await pilot.press("f9")
        await settle(pilot)
        assert app.screen.sub_title == "Idag"
        await pilot.press("f1")
        await settle(pilot)
        assert type(app.screen).__name__ == "HelpScreen"
        await pilot.press("escape")
        await pilot.press("f9")
        await settle(pilot)
        assert app.screen.sub_title == "Today"


async def test_supervisor_resolves_a_conflict_by_keeping_one_value(make_app):
    from tests.ui.conflicts import make_phone_conflict

    app = make_app()
    client_id = app.ws.ids["clients"][0]
    make_phone_conflict(app.ws, client_id, local="040 111 1111", remote="050 222 2222")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f6")
        await settle(pilot)
        table = app.screen.query_one("#conflict-table")
        assert table.row_count == 1
        table.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "ConflictModal"
        await pilot.press("b")
        await settle(pilot)
        assert type(app.screen).__name__ == "SyncScreen"
        assert table.row_count == 0
        phone = app.ws.store.conn.execute(
            "SELECT phone FROM clients WHERE id = ?", (client_id,)
        ).fetchone()[0]
        assert phone in {"040 111 1111", "050 222 2222"}


async def test_voucher_lifecycle_from_the_list(make_app):
    from kenttä.services.vouchers import core as vouchers
    from tests.ui.caseload import TODAY

    app = make_app()
    client_id = app.ws.ids["clients"][1]  # a TOPI client
    issued = vouchers.issue_voucher(app.ws, client_id=client_id, service_code="VALM", today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        assert app.screen.query_one("#voucher-table").row_count == 1
        await pilot.press("p")
        await settle(pilot)
        assert type(app.screen).__name__ == "ProviderModal"
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("down", "enter", "ctrl+s")
        await settle(pilot)
        assert vouchers.get_voucher(app.ws, issued.number).status == "provider_chosen"
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert vouchers.get_voucher(app.ws, issued.number).status == "cancelled"


async def test_new_employer_names_the_wrong_y_tunnus_check_digit(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await settle(pilot)
        app.screen.query_one("#employer-table").focus()
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"Rautalammin Rakennus Oy", "tab", *"0171450-8")
        await settle(pilot)
        message = str(app.screen.query_one("#form-error").render())
        assert "pitäisi olla 7" in message
        await pilot.press("backspace", "7", "ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "EmployerCardScreen"
        assert (
            app.ws.store.conn.execute(
                "SELECT count(*) FROM employers WHERE y_tunnus = '0171450-7'"
            ).fetchone()[0]
            == 1
        )


async def test_sync_now_says_in_words_when_not_enrolled(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f6")
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        text = str(app.screen.query_one("#sync-phase").render())
        assert "kenttä enroll" in text
        assert not app.screen.syncing


async def test_today_shows_the_rest_of_a_long_section_on_enter(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        option_list = app.screen.query_one("#today-list")
        before = option_list.option_count
        await pilot.press(*["down"] * 10, "enter")
        await settle(pilot)
        assert option_list.option_count == before + 1  # two more steps instead of "… ja 2"
        assert type(app.screen).__name__ == "TodayScreen"


async def test_placement_follow_up_from_today(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        option_list = app.screen.query_one("#today-list")
        follow_up = next(
            i
            for i in range(option_list.option_count)
            if (option_list.get_option_at_index(i).id or "").startswith("client:")
            and "Työkokeilu" in str(option_list.get_option_at_index(i).prompt)
        )
        option_list.highlighted = follow_up
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "ClientCardScreen"
        await pilot.press("o")  # the follow-up form: who was contacted, how it goes
        await settle(pilot)
        await pilot.press(*"Työnjohtaja", "tab", *"Hyvin menee", "ctrl+s")
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert not [
            i
            for i in range(option_list.option_count)
            if "Työkokeilu" in str(option_list.get_option_at_index(i).prompt)
        ]
