"""Casework written by keyboard (Pilot, 80×24), proved by the database: notes, corrections,
assessment, plan and its steps, client details, status, exit, follow-up, placement and the
outcome check. Each test compares every work record before and after: the record the screen
was about changed, and nothing else did."""

from __future__ import annotations

import json
from datetime import timedelta

from textual.widgets import DataTable

from kenttä.services.clients import plans
from tests.ui.caseload import TODAY
from tests.ui.conftest import settle
from tests.ui.writes import (
    SIZE,
    changed,
    open_client,
    records,
    row,
    screen_name,
    tab_to,
    tables_changed,
)

LAURI = 5  # Ojala Lauri: no plan, no assessment, no placement
HELMI = 2  # Laitinen Helmi: a plan with one step, an ongoing work trial


async def test_a_note_is_saved_to_the_client_on_the_card(make_app):
    app = make_app()
    client_id = app.ws.ids["clients"][LAURI]
    before = records(app.ws)
    async with app.run_test(size=SIZE) as pilot:
        await open_client(pilot, "Ojala Lau")
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"Soitti ja sopi tapaamisen")
        await pilot.press("ctrl+s")
        await settle(pilot)
    after = records(app.ws)
    (key,) = changed(before, after)
    assert key[0] == "notes"
    assert row(app.ws, "SELECT client_id, body FROM notes WHERE id = ?", key[1]) == (
        client_id,
        "Soitti ja sopi tapaamisen",
    )


async def test_a_correction_corrects_the_chosen_note_even_after_a_reload(make_app):
    app = make_app()
    client_id = app.ws.ids["clients"][LAURI]
    before = records(app.ws)
    async with app.run_test(size=SIZE) as pilot:
        await open_client(pilot, "Ojala Lau")
        await pilot.press("2")
        await settle(pilot)
        table = app.screen.query_one("#notes-table")
        table.focus()
        await pilot.press("down")  # the second newest note
        chosen = table.selected()["id"]
        app.screen.reload()  # the card reloads (as after any dialog) before the key
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press(*" (korjattu)", "ctrl+s")
        await settle(pilot)
    after = records(app.ws)
    (key,) = changed(before, after)
    assert row(app.ws, "SELECT client_id, corrects FROM notes WHERE id = ?", key[1]) == (
        client_id,
        chosen,
    )


async def test_an_assessment_is_saved_with_what_was_typed(make_app):
    app = make_app()
    client_id = app.ws.ids["clients"][LAURI]
    before = records(app.ws)
    async with app.run_test(size=SIZE) as pilot:
        await open_client(pilot, "Ojala Lau")
        await pilot.press("a")
        await settle(pilot)
        await tab_to(pilot, "rate-work_ability")
        await pilot.press("3", "tab", "4")  # work ability 3, skills 4
        await tab_to(pilot, "strengths")
        await pilot.press(*"Ahkera")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen_name(pilot) == "ClientCardScreen"
    after = records(app.ws)
    (key,) = changed(before, after)
    assert key[0] == "assessments"
    client, ratings, strengths = row(
        app.ws, "SELECT client_id, ratings, strengths FROM assessments WHERE id = ?", key[1]
    )
    assert (client, strengths) == (client_id, "Ahkera")
    assert json.loads(ratings) == {"work_ability": 3, "skills": 4}


async def test_a_plan_goal_and_a_step_are_saved_for_the_client(make_app):
    app = make_app()
    client_id = app.ws.ids["clients"][LAURI]
    before = records(app.ws)
    async with app.run_test(size=SIZE) as pilot:
        await open_client(pilot, "Ojala Lau")
        await pilot.press("p")
        await settle(pilot)
        await pilot.press(*"Työkokeilu keväällä", "ctrl+s")
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        await pilot.press(*"CV kuntoon", "tab", *"1.4.2026", "ctrl+s")
        await settle(pilot)
        assert screen_name(pilot) == "PlanEditorScreen"
    after = records(app.ws)
    assert tables_changed(before, after) == {"plans": 1, "plan_steps": 1}
    goal = row(app.ws, "SELECT goal FROM plans WHERE client_id = ?", client_id)
    step = row(
        app.ws, "SELECT description, due_date FROM plan_steps WHERE client_id = ?", client_id
    )
    assert goal == ("Työkokeilu keväällä",)
    assert step == ("CV kuntoon", "2026-04-01")


async def test_space_moves_the_chosen_step_on_even_after_a_reload(make_app):
    app = make_app()
    client_id = app.ws.ids["clients"][HELMI]
    second = plans.add_step(
        app.ws,
        client_id,
        description="Työkokeilu",
        due_date=TODAY + timedelta(days=20),
        today=TODAY,
    )
    before = records(app.ws)
    async with app.run_test(size=SIZE) as pilot:
        await open_client(pilot, "Laitinen Helm")
        await pilot.press("p")
        await settle(pilot)
        table = app.screen.query_one("#plan-steps", DataTable)
        table.focus()
        await pilot.press("down")  # the later step
        # a step due earlier arrives (as from a sync) and the editor reloads: the rows move
        earlier = plans.add_step(
            app.ws, client_id, description="Soitto", due_date=TODAY - timedelta(days=5), today=TODAY
        )
        before = records(app.ws)
        app.screen.reload()
        await settle(pilot)
        await pilot.press("space")
        await settle(pilot)
    after = records(app.ws)
    assert earlier.id != second.id
    assert changed(before, after) == {("plan_steps", second.id)}
    assert row(app.ws, "SELECT status FROM plan_steps WHERE id = ?", second.id) == (
        plans.next_status("planned"),
    )


async def test_a_changed_phone_number_changes_only_that_client(make_app):
    app = make_app()
    client_id = app.ws.ids["clients"][LAURI]
    before = records(app.ws)
    async with app.run_test(size=SIZE) as pilot:
        await open_client(pilot, "Ojala Lau")
        await pilot.press("m")
        await settle(pilot)
        await tab_to(pilot, "phone")
        await pilot.press("ctrl+u", *"050 123 4567", "ctrl+s")
        await settle(pilot)
        assert screen_name(pilot) == "ClientCardScreen"
    after = records(app.ws)
    assert changed(before, after) == {("clients", client_id)}
    assert row(app.ws, "SELECT phone FROM clients WHERE id = ?", client_id) == ("050 123 4567",)


async def test_a_status_change_changes_only_that_client(make_app):
    app = make_app()
    client_id = app.ws.ids["clients"][LAURI]  # met
    before = records(app.ws)
    async with app.run_test(size=SIZE) as pilot:
        await open_client(pilot, "Ojala Lau")
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("down", "enter", "ctrl+s")  # met → participating
        await settle(pilot)
    after = records(app.ws)
    assert changed(before, after) == {("clients", client_id)}
    assert row(app.ws, "SELECT status FROM clients WHERE id = ?", client_id) == ("participating",)


async def test_an_exit_changes_the_client_and_adds_its_checks(make_app):
    app = make_app()
    client_id = app.ws.ids["clients"][LAURI]
    before = records(app.ws)
    async with app.run_test(size=SIZE) as pilot:
        await open_client(pilot, "Ojala Lau")
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("tab", "enter")
        await pilot.pause()
        await pilot.press("down", "enter", "ctrl+s")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
    after = records(app.ws)
    touched = changed(before, after)
    assert ("clients", client_id) in touched
    others = {k for k in touched if k != ("clients", client_id)}
    assert {k[0] for k in others} <= {"outcomes"}
    for _, outcome_id in others:
        assert row(app.ws, "SELECT client_id FROM outcomes WHERE id = ?", outcome_id) == (
            client_id,
        )


async def test_a_placement_is_made_at_the_employer_typed(make_app):
    app = make_app()
    client_id = app.ws.ids["clients"][LAURI]
    employer_id = app.ws.ids["employers"][2]  # Tervon Puutyö Ky
    before = records(app.ws)
    async with app.run_test(size=SIZE) as pilot:
        await open_client(pilot, "Ojala Lau")
        await pilot.press("l")
        await settle(pilot)
        await pilot.press(*"Tervon")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen_name(pilot) == "ClientCardScreen"
    after = records(app.ws)
    (key,) = changed(before, after)
    assert row(app.ws, "SELECT client_id, employer_id FROM placements WHERE id = ?", key[1]) == (
        client_id,
        employer_id,
    )


async def test_an_outcome_check_from_today_records_that_check(make_app):
    app = make_app()
    exited = app.ws.ids["clients"][3]
    due = app.ws.store.conn.execute(
        "SELECT id FROM outcomes WHERE client_id = ? AND checked_on IS NULL ORDER BY due_on",
        (exited,),
    ).fetchall()
    assert due, "the caseload has an exited client with checks due"
    before = records(app.ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        option_list = app.screen.query_one("#today-list")
        index = next(
            i
            for i in range(option_list.option_count)
            if (option_list.get_option_at_index(i).id or "").startswith("outcome:")
        )
        chosen = option_list.get_option_at_index(index).id.split(":")[1]
        option_list.highlighted = index
        await pilot.press("enter")
        await settle(pilot)
        assert screen_name(pilot) == "OutcomeCheckModal"
        await pilot.press("tab", "enter")
        await pilot.pause()
        await pilot.press("down", "enter", "ctrl+s")
        await settle(pilot)
    after = records(app.ws)
    assert changed(before, after) == {("outcomes", chosen)}
    assert row(app.ws, "SELECT checked_on FROM outcomes WHERE id = ?", chosen) == (
        TODAY.isoformat(),
    )


async def test_a_new_client_is_one_new_record_owned_by_the_user(make_app):
    app = make_app()
    before = records(app.ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"Testi", "tab", *"Asiakas", "ctrl+s")
        await settle(pilot)
        assert screen_name(pilot) == "ClientCardScreen"
    after = records(app.ws)
    assert tables_changed(before, after) == {"clients": 1}
    ((_, client_id),) = changed(before, after)
    assert row(
        app.ws, "SELECT first_name, last_name, owner FROM clients WHERE id = ?", client_id
    ) == (
        "Testi",
        "Asiakas",
        app.ws.user,
    )
