"""The note editor, the assessment form and the plan editor are built once and reused, and the
card, those editors, F5 and F6 are built ahead after start (issue 14, opening speed): a reused
one starts empty or with the next record's own values, never a frame of the one before; a late
read for the record before is dropped; and what is typed lands on the right record only."""

from __future__ import annotations

import json
from typing import Any

from textual.widgets import DataTable, Input, SelectionList, TextArea

from kenttä.services.clients import drafts
from tests.ui.conftest import settle
from tests.ui.writes import SIZE, changed, open_client, records, row, screen_name, tab_to

LAURI = 5  # Ojala Lauri: no plan, no assessment
HELMI = 2  # Laitinen Helmi: a plan with one step


async def back_to_clients(pilot: Any) -> None:
    """Esc from the card: the Clients list again, its search cleared (Ctrl+R)."""
    await pilot.press("escape")
    await settle(pilot)
    await pilot.press("ctrl+r")
    await settle(pilot)


async def test_a_reused_assessment_form_starts_empty_for_the_next_client(make_app):
    app = make_app()
    lauri, helmi = app.ws.ids["clients"][LAURI], app.ws.ids["clients"][HELMI]
    before = records(app.ws)
    async with app.run_test(size=SIZE) as pilot:
        await open_client(pilot, "Ojala Lau")
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        await tab_to(pilot, "rate-work_ability")
        await pilot.press("3")
        await tab_to(pilot, "strengths")
        await pilot.press(*"Ahkera", "escape")
        await settle(pilot)
        await pilot.press("y")  # discard Lauri's half-filled form
        await settle(pilot)
        await back_to_clients(pilot)
        await open_client(pilot, "Laitinen Hel")
        await pilot.press("a")
        await settle(pilot)
        assert app.screen is form and form.client_id == helmi  # the same form, Helmi's now
        typed = {f.id: f.value for f in form.query("#form-box Input").results(Input)}
        assert typed.pop("assessed-on")  # today's date, as on a new form
        assert set(typed.values()) == {""}  # nothing of Lauri's ratings nor strengths
        picks = form.query_one("#team-assessors", SelectionList)
        options = [str(picks.get_option_at_index(i).prompt) for i in range(picks.option_count)]
        form._team((lauri, ["someone.else"]))  # a read for Lauri arrives late: not shown
        assert [
            str(picks.get_option_at_index(i).prompt) for i in range(picks.option_count)
        ] == options
        await tab_to(pilot, "rate-work_ability")
        await pilot.press("2", "ctrl+s")
        await settle(pilot)
        assert screen_name(pilot) == "ClientCardScreen"
    after = records(app.ws)
    (key,) = changed(before, after)
    assert key[0] == "assessments"
    client, ratings = row(app.ws, "SELECT client_id, ratings FROM assessments WHERE id = ?", key[1])
    assert client == helmi and json.loads(ratings) == {"work_ability": 2}
    assert client != lauri


async def test_a_reused_note_editor_shows_nothing_of_the_note_before(make_app):
    app = make_app()
    lauri, helmi = app.ws.ids["clients"][LAURI], app.ws.ids["clients"][HELMI]
    before = records(app.ws)
    async with app.run_test(size=SIZE) as pilot:
        await open_client(pilot, "Ojala Lau")
        await pilot.press("n")
        await settle(pilot)
        editor = app.screen
        await pilot.press(*"Luonnos Laurille", "escape")  # Lauri's draft is kept
        await settle(pilot)
        await back_to_clients(pilot)
        await open_client(pilot, "Laitinen Hel")
        await pilot.press("n")
        assert app.screen is editor and editor.client_id == helmi
        # from the first frame: no text, no name of Lauri's in the title
        assert editor.query_one("#note-body", TextArea).text == ""
        assert "Ojala" not in editor.sub_title
        await settle(pilot)
        assert "Laitinen Helmi" in editor.sub_title
        editor._loaded((drafts.note_key(lauri), "Luonnos Laurille"))  # late reads for Lauri
        editor._show_whose((lauri, "Ojala Lauri"))
        assert editor.query_one("#note-body", TextArea).text == ""
        assert "Ojala" not in editor.sub_title
        await pilot.press(*"Helmin merkintä", "ctrl+s")
        await settle(pilot)
        assert screen_name(pilot) == "ClientCardScreen"
    after = records(app.ws)
    (key,) = changed(before, after)
    assert key[0] == "notes"
    assert row(app.ws, "SELECT client_id, body FROM notes WHERE id = ?", key[1]) == (
        helmi,
        "Helmin merkintä",
    )
    assert drafts.load_draft(app.ws, drafts.note_key(lauri)) == "Luonnos Laurille"


async def test_a_reused_plan_editor_shows_the_next_clients_plan_only(make_app):
    app = make_app()
    lauri, helmi = app.ws.ids["clients"][LAURI], app.ws.ids["clients"][HELMI]
    async with app.run_test(size=SIZE) as pilot:
        await open_client(pilot, "Laitinen Hel")
        await pilot.press("p")
        await settle(pilot)
        editor = app.screen
        helmis = (editor.query_one("#plan-goal", Input).value, editor.steps)
        assert helmis[0] and helmis[1]  # Helmi has a goal and a step
        await pilot.press("escape")
        await settle(pilot)
        await back_to_clients(pilot)
        await open_client(pilot, "Ojala Lau")
        await pilot.press("p")
        assert app.screen is editor and editor.client_id == lauri
        assert editor.query_one("#plan-goal", Input).value == ""  # from the first frame
        assert editor.query_one("#plan-steps", DataTable).row_count == 0
        await settle(pilot)
        assert editor.query_one("#plan-goal", Input).value == ""  # Lauri has no plan
        assert editor.query_one("#plan-steps", DataTable).row_count == 0
        editor.show((helmi, (None, list(helmis[1].values()))))  # a late read for Helmi
        assert editor.query_one("#plan-steps", DataTable).row_count == 0
        await pilot.press(*"Oma tavoite", "ctrl+s")
        await settle(pilot)
    goals = dict(app.ws.store.conn.execute("SELECT client_id, goal FROM plans").fetchall())
    assert goals[lauri] == "Oma tavoite" and goals[helmi] == helmis[0]


async def test_screens_built_ahead_open_on_the_right_record(make_app):
    from kenttä.ui import kept, warm_up

    app = make_app()
    helmi = app.ws.ids["clients"][HELMI]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for step in warm_up._steps(app):  # what warm_up does, one step per quiet moment
            step()
        await settle(pilot)
        card = app.get_screen("client-card")
        vouchers = app.__dict__[kept.PREBUILT_MODES]["vouchers"][0]
        assert card.is_mounted and vouchers.is_mounted
        assert screen_name(pilot) == "TodayScreen"  # built off-screen: nothing shown
        await open_client(pilot, "Laitinen Hel")
        assert app.screen is card and card.card.client.id == helmi
        assert "Laitinen Helmi" in card.sub_title
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is app.get_screen("note-editor")
        assert "Laitinen Helmi" in app.screen.sub_title
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        assert app.screen is vouchers
        assert vouchers._count is not None  # the list was read for this opening
        await pilot.press("f6")
        await settle(pilot)
        assert screen_name(pilot) == "SyncScreen"
        assert "Lähettämättömiä" in str(app.screen.query_one("#sync-status").render())


async def test_a_view_built_ahead_in_another_language_is_made_anew(make_app):
    from kenttä.ui import kept
    from kenttä.ui.screens.vouchers import VouchersScreen

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        kept.prebuild_mode(app, "vouchers", VouchersScreen)
        await settle(pilot)
        finnish = app.__dict__[kept.PREBUILT_MODES]["vouchers"][0]
        await pilot.press("f9")  # Swedish
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        assert screen_name(pilot) == "VouchersScreen" and app.screen is not finnish
        assert app.screen.sub_title == "Servicesedlar"
