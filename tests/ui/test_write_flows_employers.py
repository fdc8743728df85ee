"""Employers by keyboard (Pilot, 80×24), proved by the database: a new employer, the sponsor
flag (issue 14: the card's reload cancelled the write), a visit from the card and from the
list (on the row chosen, across a reload)."""

from __future__ import annotations

from kenttä.services.employers import core as employers
from tests.ui.conftest import settle
from tests.ui.writes import (
    SIZE,
    changed,
    open_employer,
    records,
    row,
    screen_name,
    tab_to,
    tables_changed,
)


async def test_a_new_employer_is_one_new_record(make_app):
    app = make_app()
    before = records(app.ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("n")  # the list has the keys
        await settle(pilot)
        await pilot.press(*"Rautalammin Rakennus Oy", "tab", *"0171450-7", "ctrl+s")
        await settle(pilot)
        assert screen_name(pilot) == "EmployerCardScreen"
    after = records(app.ws)
    assert tables_changed(before, after) == {"employers": 1}
    ((_, employer_id),) = changed(before, after)
    assert row(app.ws, "SELECT name, y_tunnus FROM employers WHERE id = ?", employer_id) == (
        "Rautalammin Rakennus Oy",
        "0171450-7",
    )


async def test_sponsor_yes_saves_on_that_employer_and_no_saves_nothing(make_app):
    app = make_app()
    employer_id = app.ws.ids["employers"][1]  # Savon Siivous Oy, not a sponsor
    async with app.run_test(size=SIZE) as pilot:
        await open_employer(pilot, "Savon")
        assert app.screen.employer_id == employer_id
        before = records(app.ws)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert records(app.ws) == before
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("y")  # the card reloads on return: the write must still land
        await settle(pilot)
        assert "★" in str(app.screen.query_one("#employer-summary").render())
    assert changed(before, records(app.ws)) == {("employers", employer_id)}
    assert employers.get_employer(app.ws, employer_id).sponsor


async def test_a_visit_from_the_card_is_that_employers(make_app):
    app = make_app()
    employer_id = app.ws.ids["employers"][2]  # Tervon Puutyö Ky
    before = records(app.ws)
    async with app.run_test(size=SIZE) as pilot:
        await open_employer(pilot, "Tervon")
        await pilot.press("v")
        await settle(pilot)
        await tab_to(pilot, "visit-short")
        await pilot.press(*"711 kirvesmies 1", "ctrl+s")
        await settle(pilot)
        assert screen_name(pilot) == "EmployerCardScreen"
    after = records(app.ws)
    visits = {k for k in changed(before, after) if k[0] == "visits"}
    needs = {k for k in changed(before, after) if k[0] == "labour_needs"}
    assert len(visits) == 1
    assert len(needs) == 1
    assert changed(before, after) - visits - needs <= {("employers", employer_id)}
    ((_, visit_id),) = visits
    assert row(app.ws, "SELECT employer_id FROM visits WHERE id = ?", visit_id) == (employer_id,)
    ((_, need_id),) = needs
    assert row(
        app.ws,
        "SELECT visit_id, employer_id, occupation, title FROM labour_needs WHERE id = ?",
        need_id,
    ) == (visit_id, employer_id, "711", "kirvesmies")


async def test_a_visit_from_the_list_goes_to_the_row_chosen_across_a_reload(make_app):
    app = make_app()
    before = records(app.ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await settle(pilot)
        table = app.screen.query_one("#employer-table")
        await pilot.press("down", "down", "down")  # the fourth employer
        chosen = table.selected().id
        app.screen.reload()
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        assert screen_name(pilot) == "VisitForm"
        await pilot.press("ctrl+s")
        await settle(pilot)
    after = records(app.ws)
    visits = {k for k in changed(before, after) if k[0] == "visits"}
    assert len(visits) == 1
    ((_, visit_id),) = visits
    assert row(app.ws, "SELECT employer_id FROM visits WHERE id = ?", visit_id) == (chosen,)
    assert changed(before, after) - visits <= {("employers", chosen)}


async def test_a_write_lands_even_when_its_screen_is_closed_at_once(make_app):
    app = make_app()
    employer_id = app.ws.ids["employers"][1]
    async with app.run_test(size=SIZE) as pilot:
        await open_employer(pilot, "Savon")
        before = records(app.ws)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("y", "escape")  # yes, and straight back to the list
        await settle(pilot)
        assert screen_name(pilot) == "EmployersScreen"
        assert not [n for n in app._notifications if n.severity == "error"]
    assert changed(before, records(app.ws)) == {("employers", employer_id)}
    assert employers.get_employer(app.ws, employer_id).sponsor
