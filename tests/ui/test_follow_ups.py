"""Placement follow-ups with content by keyboard (issue 15 point 9; Pilot, 80×24), proved by
the database: from the client card and from the employer card a modal form records who was
contacted, how it goes and the next date; both cards then show it; an older placement's
dates-only follow-ups stay readable."""

from __future__ import annotations

import json

from textual.widgets import Static

from kenttä.services.employers import placements
from tests.ui.caseload import TODAY
from tests.ui.conftest import settle
from tests.ui.writes import SIZE, changed, open_client, open_employer, records, row, screen_name

HELMI = 2  # Laitinen Helmi: an ongoing work trial at Kuopion Konepaja Oy


def _follow_up(ws, follow_up_id: str) -> tuple:
    return row(
        ws,
        "SELECT placement_id, client_id, employer_id, contacted_on, contacted, how_it_goes,"
        " next_date, author FROM placement_follow_ups WHERE id = ?",
        follow_up_id,
    )


def _text(pilot, selector: str) -> str:
    return str(pilot.app.screen.query_one(selector, Static).render())


async def test_a_follow_up_from_the_client_card(make_app):
    app = make_app()
    client_id = app.ws.ids["clients"][HELMI]
    employer_id = app.ws.ids["employers"][0]
    (placement_id,) = row(app.ws, "SELECT id FROM placements WHERE client_id = ?", client_id)
    before = records(app.ws)
    async with app.run_test(size=SIZE) as pilot:
        await open_client(pilot, "Laitinen Helm")
        await pilot.press("o")
        await settle(pilot)
        assert screen_name(pilot) == "FollowUpForm"
        await pilot.press(*"Esihenkilö Virtanen", "tab", *"Sujuu hyvin, jatkoa toivotaan")
        await pilot.press("tab", *"16.4.2026", "ctrl+s")
        await settle(pilot)
        assert screen_name(pilot) == "ClientCardScreen"
        summary = _text(pilot, "#summary-text")
        assert "Esihenkilö Virtanen: Sujuu hyvin" in summary and "16.4.2026" in summary
    after = records(app.ws)
    ((table, follow_up_id),) = changed(before, after)
    assert table == "placement_follow_ups"
    assert _follow_up(app.ws, follow_up_id) == (
        placement_id, client_id, employer_id, TODAY.isoformat(), "Esihenkilö Virtanen",
        "Sujuu hyvin, jatkoa toivotaan", "2026-04-16", app.ws.user,
    )  # fmt: skip


async def test_a_follow_up_from_the_employer_card_shows_on_both_cards(make_app):
    app = make_app()
    client_id = app.ws.ids["clients"][HELMI]
    (placement_id,) = row(app.ws, "SELECT id FROM placements WHERE client_id = ?", client_id)
    before = records(app.ws)
    async with app.run_test(size=SIZE) as pilot:
        await open_employer(pilot, "Kuopion Kone")
        assert "o kirjaa" in _text(pilot, "#placement-detail")  # "no follow-ups yet: o records one"
        await pilot.press("o")
        await settle(pilot)
        assert screen_name(pilot) == "FollowUpForm"
        await pilot.press(*"Työnjohtaja", "tab", *"Hyvin menee", "ctrl+s")
        await settle(pilot)
        assert screen_name(pilot) == "EmployerCardScreen"
        assert "Työnjohtaja: Hyvin menee" in _text(pilot, "#placement-detail")
        await pilot.press("escape")
        await settle(pilot)
        await open_client(pilot, "Laitinen Helm")
        assert "Työnjohtaja: Hyvin menee" in _text(pilot, "#summary-text")
    after = records(app.ws)
    ((table, follow_up_id),) = changed(before, after)
    assert table == "placement_follow_ups"
    found = _follow_up(app.ws, follow_up_id)
    assert found[0] == placement_id and found[4:7] == ("Työnjohtaja", "Hyvin menee", None)


async def test_a_next_date_before_the_contact_is_refused_in_the_form(make_app):
    app = make_app()
    before = records(app.ws)
    async with app.run_test(size=SIZE) as pilot:
        await open_client(pilot, "Laitinen Helm")
        await pilot.press("o")
        await settle(pilot)
        await pilot.press(*"Asiakas", "tab", "tab", *"1.1.2026", "ctrl+s")
        await settle(pilot)
        assert screen_name(pilot) == "FollowUpForm"
        assert "ennen" in _text(pilot, "#form-error")
    assert changed(before, records(app.ws)) == set()


def test_dates_only_follow_ups_stay_readable_beside_records(caseload_ws):
    ws = caseload_ws
    (placement_id,) = row(ws, "SELECT id FROM placements LIMIT 1")
    with ws.store.replica.transaction(ws.user) as tx:  # as an older version wrote them
        tx.update("placements", placement_id, {"follow_ups": ["2026-02-01", "2026-03-01"]})
    from kenttä.services.employers.follow_ups import record_follow_up

    record_follow_up(ws, placement_id, contacted_on=TODAY.replace(day=1), contacted="Asiakas")
    (p,) = [p for p in placements.for_employer(ws, ws.ids["employers"][0])]
    shown = [(f["contacted_on"], f["contacted"], f["legacy"]) for f in p["follow_up_records"]]
    assert shown == [("2026-03-01", "Asiakas", False), ("2026-02-01", None, True)]
    assert json.loads(row(ws, "SELECT follow_ups FROM placements WHERE id = ?", placement_id)[0])
