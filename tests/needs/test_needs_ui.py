"""Issue 16 by keys (Pilot, 80×24), proved by the database: a visit records two needs; the
board shows the open ones; a client with the right licence is matched with the reason and
proposed; the proposal's outcome, on the coach's Today, makes a placement."""

from __future__ import annotations

import json

from kenttä.services.employers import matching
from tests.ui.conftest import settle
from tests.ui.writes import SIZE, changed, open_client, open_employer, records, tab_to


def _open_needs(ws) -> list[str]:  # type: ignore[no-untyped-def]
    rows = ws.store.conn.execute(
        "SELECT id FROM labour_needs WHERE status = 'open' AND _deleted IS NULL"
        " ORDER BY coalesce(starts_on, recorded_on), recorded_on"
    ).fetchall()
    return [r[0] for r in rows]


async def _record_two_needs(pilot) -> None:  # type: ignore[no-untyped-def]
    await open_employer(pilot, "Tervon")
    await pilot.press("v")
    await settle(pilot)
    await tab_to(pilot, "visit-short")
    await pilot.press(*"512 kokki 2 +hyg")
    await tab_to(pilot, "visit-long")
    await pilot.press(*"hitsaaja")
    await tab_to(pilot, "visit-needs-from")
    await pilot.press(*"1.4.2026")
    await tab_to(pilot, "visit-programme")
    await pilot.press("enter", "down", "enter")  # the first programme of the list
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert type(pilot.app.screen).__name__ == "EmployerCardScreen"


async def test_a_visit_records_two_needs_and_the_board_shows_them(make_app):
    app = make_app()
    employer_id = app.ws.ids["employers"][2]  # Tervon Puutyö Ky
    before = records(app.ws)
    async with app.run_test(size=SIZE) as pilot:
        await _record_two_needs(pilot)
        after = records(app.ws)
        need_ids = {k[1] for k in changed(before, after) if k[0] == "labour_needs"}
        (visit_id,) = {k[1] for k in changed(before, after) if k[0] == "visits"}
        rows = app.ws.store.conn.execute(
            "SELECT occupation, headcount, term, licences, starts_on, status, visit_id,"
            " employer_id, programme FROM labour_needs ORDER BY occupation"
        ).fetchall()
        programme = app.ws.store.conn.execute(
            "SELECT programme FROM visits WHERE id = ?", (visit_id,)
        ).fetchone()[0]
        assert programme  # the visit belongs to the programme chosen, and so do its needs
        assert rows == [
            ("512", 2, "short", json.dumps(["hygiene_pass"]), "2026-04-01", "open", visit_id,
             employer_id, programme),
            ("721", 1, "long", "[]", "2026-04-01", "open", visit_id, employer_id, programme),
        ]  # fmt: skip
        assert len(need_ids) == 2

        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("b")  # F4 Employers → the needs board
        await settle(pilot)
        assert type(app.screen).__name__ == "NeedsBoardScreen"
        table = app.screen.query_one("#needs-table")
        shown = [key.value for key in table.rows]
        assert shown == _open_needs(app.ws)
        assert need_ids <= set(shown)

        await pilot.press("ctrl+t")  # short-term only
        await settle(pilot)
        shown = [key.value for key in table.rows]
        short = app.ws.store.conn.execute(
            "SELECT id FROM labour_needs WHERE term = 'short' AND status = 'open'"
        ).fetchall()
        assert set(shown) == {r[0] for r in short}


async def test_a_client_with_the_licence_is_matched_with_the_reason_and_proposed(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await _record_two_needs(pilot)
        need_id = app.ws.store.conn.execute(
            "SELECT id FROM labour_needs WHERE occupation = '512'"
        ).fetchone()[0]
        await pilot.press("escape")
        await settle(pilot)

        # the coach records the client's interest and hygiene pass on the card (W)
        await open_client(pilot, "Korhonen")
        client_id = app.screen.client_id
        await pilot.press("w")
        await settle(pilot)
        await tab_to(pilot, "profile-occupations")
        await pilot.press(*"kokki")
        await tab_to(pilot, "profile-licences")
        await pilot.press("space")  # the first card: hygiene pass
        await pilot.press("ctrl+s")
        await settle(pilot)
        profile = app.ws.store.conn.execute(
            "SELECT occupations, licences FROM work_profiles WHERE client_id = ?", (client_id,)
        ).fetchall()
        assert profile == [(json.dumps(["512"]), json.dumps(["hygiene_pass"]))]

        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        table = app.screen.query_one("#needs-table")
        while table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value != need_id:
            await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "NeedMatchesModal"
        options = app.screen.query_one("#matches-list")
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert ids[0] == client_id  # interest and the card: the best fit comes first
        text = str(options.get_option_at_index(0).prompt)
        assert "kiinnostus" in text and "Hygieniapassi" in text
        before = records(app.ws)
        await pilot.press("p")
        await settle(pilot)
    after = records(app.ws)
    (proposal_id,) = {k[1] for k in changed(before, after) if k[0] == "proposals"}
    assert {k[0] for k in changed(before, after)} == {"proposals"}
    row = app.ws.store.conn.execute(
        "SELECT need_id, client_id, coach, reasons, outcome FROM proposals WHERE id = ?",
        (proposal_id,),
    ).fetchone()
    owner = app.ws.store.conn.execute(
        "SELECT owner FROM clients WHERE id = ?", (client_id,)
    ).fetchone()[0]
    assert row[:3] == (need_id, client_id, owner)
    assert {"interest", "licence:hygiene_pass"} <= set(json.loads(row[3]))
    assert row[4] is None
    assert [p["id"] for p in matching.open_proposals(app.ws, coach=owner)] == [proposal_id]
