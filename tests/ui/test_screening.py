"""Screening lists and segments on screen (issue 15 points 3 and 8), by keys at 80×24.

Update the snapshot with `uv run pytest tests/ui/test_screening.py --snapshot-update` after a
deliberate change, and look at the report before committing the new SVG.
"""

from __future__ import annotations

import pytest

from kenttä.services.clients import segments
from tests.ui.conftest import settle
from tests.ui.screens_i18n import fixed_zone
from tests.ui.writes import changed, open_client, records, row

SIZE = (80, 24)


def qualifying(ws) -> set[str]:
    """Who the screening below should list, read straight from the database."""
    rows = ws.store.conn.execute(
        "SELECT c.id FROM clients c WHERE c._deleted IS NULL AND c.benefit_days >= 500"
        " AND NOT EXISTS (SELECT 1 FROM plans p WHERE p.client_id = c.id"
        " AND p._deleted IS NULL)"
    ).fetchall()
    return {r[0] for r in rows}


async def screen_500_days_without_plan(pilot) -> None:
    """F3, f: benefit days 500, plan missing, Ctrl+S."""
    await pilot.press("f3")
    await settle(pilot)
    await pilot.press("f")
    await settle(pilot)
    assert type(pilot.app.screen).__name__ == "ScreeningModal"
    await pilot.press(*"500", "tab", "tab")  # benefit days; past "no activity" to the plan
    assert pilot.app.focused.id == "screen-plan"
    await pilot.press("enter")
    await pilot.pause()
    await pilot.press("down", "enter", "ctrl+s")  # any → missing
    await settle(pilot)


async def test_a_screening_by_keys_lists_exactly_the_qualifying(make_app):
    app = make_app()
    expected = qualifying(app.ws)
    assert 0 < len(expected) < len(app.ws.ids["clients"])
    async with app.run_test(size=SIZE) as pilot:
        await screen_500_days_without_plan(pilot)
        screen = app.screen
        assert type(screen).__name__ == "ClientsScreen"
        table = screen.query_one("#client-table")
        assert set(table.records) == expected
        shown = [table.get_row_at(i) for i in range(table.row_count)]
        assert all(int(cells[2]) >= 500 for cells in shown)
        assert {cells[4] for cells in shown} == {"puuttuu"}
        line = str(screen.query_one("#client-screening").render())
        assert "tukipäiviä ≥ 500" in line and "ei suunnitelmaa" in line
        await pilot.press("ctrl+r")  # clear: the whole list again
        await settle(pilot)
        assert len(table.records) == len(app.ws.ids["clients"])
        assert not screen.query_one("#client-screening").display


async def test_the_segment_is_set_on_the_card_by_keys(make_app):
    app = make_app()
    for code, name in (("nuoret", "Nuoret"), ("pitka", "Pitkäaikaistyöttömät")):
        segments.add_segment(app.ws, code, name)
    client_id = app.ws.ids["clients"][1]  # Eero Korhonen
    before = records(app.ws)
    async with app.run_test(size=SIZE) as pilot:
        await open_client(pilot, "Korhonen Eer")
        await pilot.press("g")
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("down", "down", "enter", "ctrl+s")  # none → nuoret → pitka
        await settle(pilot)
        assert type(app.screen).__name__ == "ClientCardScreen"
        summary = str(app.screen.query_one("#summary-text").render())
        assert "Segmentti: Pitkäaikaistyöttömät" in summary
    assert changed(before, records(app.ws)) == {("clients", client_id)}
    assert row(app.ws, "SELECT segment FROM clients WHERE id = ?", client_id) == ("pitka",)


@pytest.mark.parametrize("language", ["fi"])
def test_snapshot_screening_list(snap_compare, make_app, monkeypatch, language) -> None:
    fixed_zone(monkeypatch)

    async def run_before(pilot) -> None:
        await settle(pilot)
        await screen_500_days_without_plan(pilot)
        await settle(pilot)

    assert snap_compare(make_app(language), terminal_size=SIZE, run_before=run_before)
