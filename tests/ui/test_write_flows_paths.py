"""Issue 16 by keyboard (Pilot, 80×24), proved by the database: a placement that follows
another (a path), the exit that takes the outcome the path ends in, the sponsor flag and its
start date from the card, a sponsor-agreement visit, and an information event with a client
among its attendees (F4, i)."""

from __future__ import annotations

from datetime import timedelta

from kenttä.services.employers import placements
from tests.ui.caseload import TODAY
from tests.ui.conftest import settle
from tests.ui.writes import (
    SIZE,
    changed,
    open_client,
    open_employer,
    records,
    row,
    screen_name,
    tab_to,
)

HELMI = 2  # Laitinen Helmi: a work trial at Kuopion Konepaja Oy since 45 days


async def _choose(pilot, field_id: str, downs: int) -> None:
    """Open a Select by keys and move `downs` options down from where it stands."""
    await tab_to(pilot, field_id)
    await pilot.press("enter")
    await pilot.pause()
    await pilot.press(*["down"] * downs, "enter")
    await pilot.pause()


async def test_a_placement_that_follows_the_work_trial_makes_one_path(make_app):
    app = make_app()
    client_id = app.ws.ids["clients"][HELMI]
    (trial_id,) = row(app.ws, "SELECT id FROM placements WHERE client_id = ?", client_id)
    before = records(app.ws)
    async with app.run_test(size=SIZE) as pilot:
        await open_client(pilot, "Laitinen Helm")
        await pilot.press("l")
        await settle(pilot)
        await pilot.press(*"Savon")
        await settle(pilot)
        await _choose(pilot, "placement-kind", 1)  # work trial → wage-subsidised job
        await _choose(pilot, "placement-follows", 1)  # the work trial, the only choice
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen_name(pilot) == "ClientCardScreen"
        summary = str(app.screen.query_one("#summary-text").render())
        assert "→ Palkkatuettu työ" in summary
    after = records(app.ws)
    (key,) = changed(before, after)
    assert key[0] == "placements"
    assert row(
        app.ws, "SELECT client_id, employer_id, kind, follows FROM placements WHERE id = ?", key[1]
    ) == (client_id, app.ws.ids["employers"][1], "wage_subsidised_job", trial_id)


async def test_the_exit_form_offers_the_outcome_the_path_ends_in(make_app):
    app = make_app()
    ws = app.ws
    client_id = ws.ids["clients"][HELMI]
    (trial_id,) = row(ws, "SELECT id FROM placements WHERE client_id = ?", client_id)
    subsidy = placements.add_placement(
        ws, client_id=client_id, employer_id=ws.ids["employers"][0], kind="wage_subsidised_job",
        start_date=TODAY - timedelta(days=20), end_date=TODAY - timedelta(days=1),
        follows=trial_id,
    )  # fmt: skip
    placements.add_placement(
        ws, client_id=client_id, employer_id=ws.ids["employers"][3], kind="job",
        start_date=TODAY, follows=subsidy.id,
    )  # fmt: skip
    async with app.run_test(size=SIZE) as pilot:
        await open_client(pilot, "Laitinen Helm")
        summary = str(app.screen.query_one("#summary-text").render())
        assert "→ Työ ·" in summary and "polku päättyy: Työ avoimilla markkinoilla" in summary
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("ctrl+s")  # the outcome chosen for the person: the path's end
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
    assert row(ws, "SELECT status, outcome FROM clients WHERE id = ?", client_id) == (
        "finished",
        "job",
    )


async def test_sponsor_on_keeps_its_start_date_and_off_clears_it(make_app):
    app = make_app()
    employer_id = app.ws.ids["employers"][1]  # Savon Siivous Oy, not a sponsor
    async with app.run_test(size=SIZE) as pilot:
        await open_employer(pilot, "Savon")
        before = records(app.ws)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert changed(before, records(app.ws)) == {("employers", employer_id)}
        assert row(
            app.ws, "SELECT sponsor, sponsor_since FROM employers WHERE id = ?", employer_id
        ) == (
            1,
            TODAY.isoformat(),
        )
        assert "★" in str(app.screen.query_one("#employer-summary").render())
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
    assert row(
        app.ws, "SELECT sponsor, sponsor_since FROM employers WHERE id = ?", employer_id
    ) == (
        0,
        None,
    )


async def test_a_sponsor_agreement_visit_makes_the_employer_a_sponsor(make_app):
    app = make_app()
    employer_id = app.ws.ids["employers"][2]  # Tervon Puutyö Ky, not a sponsor
    before = records(app.ws)
    async with app.run_test(size=SIZE) as pilot:
        await open_employer(pilot, "Tervon")
        await pilot.press("v")
        await settle(pilot)
        await _choose(pilot, "visit-purpose", 2)  # needs analysis → follow-up → sponsor
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen_name(pilot) == "EmployerCardScreen"
        assert "★" in str(app.screen.query_one("#employer-summary").render())
    after = records(app.ws)
    visits = {k for k in changed(before, after) if k[0] == "visits"}
    assert changed(before, after) - visits == {("employers", employer_id)}
    ((_, visit_id),) = visits
    assert row(app.ws, "SELECT employer_id, purpose FROM visits WHERE id = ?", visit_id) == (
        employer_id,
        "sponsor_agreement",
    )
    assert row(
        app.ws, "SELECT sponsor, sponsor_since FROM employers WHERE id = ?", employer_id
    ) == (
        1,
        TODAY.isoformat(),
    )


async def test_an_information_event_with_a_client_who_attended(make_app):
    app = make_app()
    client_id = app.ws.ids["clients"][HELMI]
    before = records(app.ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        assert screen_name(pilot) == "EventsScreen"
        await pilot.press("n")
        await settle(pilot)
        await tab_to(pilot, "event-place")
        await pilot.press(*"Lukion auditorio")
        await tab_to(pilot, "event-attended")
        await pilot.press("end", "backspace", *"35")  # the 0 it starts with, then 35
        await tab_to(pilot, "event-client-search")
        await pilot.press(*"Laitinen Helm")
        await settle(pilot)
        await pilot.press("enter")  # to the results
        await pilot.press("enter")  # add the first
        await settle(pilot)
        assert "Laitinen Helmi" in str(app.screen.query_one("#event-attendees").render())
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen_name(pilot) == "EventsScreen"
        assert app.screen.query_one("#events-table").row_count == 1
    conn = app.ws.store.conn
    (event,) = conn.execute("SELECT id, place, attended, held_on FROM info_events").fetchall()
    assert event[1:] == ("Lukion auditorio", 35, TODAY.isoformat())
    assert conn.execute("SELECT event_id, client_id FROM event_attendees").fetchall() == [
        (event[0], client_id)
    ]
    assert changed(before, records(app.ws)) == set()  # nothing else of anyone's work changed
