"""Issue 14, Build 3: at 80×24 every screen shows what the user needs without horizontal
scrolling, in fi, sv and en. Snapshots of F5, the employer card, the conflict screen and
Today; and no table anywhere wider than its screen.

Update with `uv run pytest tests/ui/test_layout_80x24.py --snapshot-update` after a
deliberate change, and look at the report before committing the new SVGs.
"""

from __future__ import annotations

import pytest

from tests.ui.conftest import settle
from tests.ui.screens_i18n import add_vouchers_and_conflict, fixed_zone, screen_text

LANGUAGES = ["fi", "sv", "en"]


async def _employer(pilot) -> None:
    await pilot.press("f4")
    await settle(pilot)
    await pilot.press(*"Kuopion", "enter")
    await settle(pilot)
    await pilot.press("enter")


async def _conflict(pilot) -> None:
    await pilot.press("f6")
    await settle(pilot)
    pilot.app.screen.query_one("#conflict-table").focus()
    await pilot.press("enter")


async def _vouchers(pilot) -> None:
    await pilot.press("f5")


async def _today(pilot) -> None:
    pass


FLOWS = {"today": _today, "vouchers": _vouchers, "employer_card": _employer, "conflict": _conflict}


@pytest.fixture
def app_80x24(make_app, caseload_ws, monkeypatch):
    fixed_zone(monkeypatch)
    add_vouchers_and_conflict(caseload_ws)
    return make_app


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("screen", list(FLOWS))
def test_snapshot(snap_compare, app_80x24, screen: str, language: str) -> None:
    async def run_before(pilot) -> None:
        await settle(pilot)
        await FLOWS[screen](pilot)
        await settle(pilot)

    assert snap_compare(app_80x24(language), terminal_size=(80, 24), run_before=run_before)


@pytest.mark.parametrize("language", LANGUAGES)
async def test_no_table_scrolls_sideways(app_80x24, language: str) -> None:
    """Every table on every main screen fits its width: nothing is off to the right."""
    app = app_80x24(language)
    checked = []
    async with app.run_test(size=(80, 24)) as pilot:
        for name, flow in FLOWS.items():
            await pilot.press("f2")
            await settle(pilot)
            await flow(pilot)
            await settle(pilot)
            if name == "conflict":  # the table behind the dialog
                await pilot.press("escape")
                await settle(pilot)
            for table in app.screen.query("DataTable"):
                if table.display and table.row_count:
                    checked.append((name, table.id))
                    assert table.virtual_size.width <= table.scrollable_content_region.width, (
                        name,
                        table.id,
                    )
        await pilot.press("f3")
        await settle(pilot)
        table = app.screen.query_one("#client-table")
        assert table.virtual_size.width <= table.scrollable_content_region.width
    assert {n for n, _ in checked} >= {"vouchers", "employer_card", "conflict"}


@pytest.mark.parametrize("language", LANGUAGES)
async def test_f5_shows_value_validity_and_status(app_80x24, language: str) -> None:
    """The voucher list's money, validity and status are on screen at 80 columns, and the
    highlighted voucher's full number is one line below (issue 14, item 3)."""
    from kenttä import i18n

    app = app_80x24(language)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        text = screen_text(app)
        first = app.screen.query_one("#voucher-table").selected().voucher
        value = "1,200 €" if language == "en" else "1 200 €"  # the language's marks
        assert value in text.replace("\u00a0", " ")  # the VALM voucher's value
        assert "16.6.26" in text  # valid three months from 16.3.2026, with the year
        assert i18n.catalogue(language)["voucher_short.provider_chosen"] in text
        assert first.number in text  # in full, below the table
