"""Switching views (F2–F6) shows the view at once and never shows stale rows (issue 14, opening
speed): a view shown before, or built ahead with its rows, is drawn without Textual's 50 ms hold
of the first frames; its list is read again on every opening, and a reload that finds the same
rows leaves the table as it is (no redraw, the cursor on its row), while a changed row shows."""

from __future__ import annotations

from typing import Any

from kenttä.services.vouchers import core as vouchers
from kenttä.ui.widgets.paged_table import PagedTable
from tests.ui.caseload import TODAY
from tests.ui.conftest import settle
from tests.ui.test_write_flows_vouchers import issue_chosen
from tests.ui.writes import SIZE, screen_name


def voucher_table(app: Any) -> PagedTable:
    return app.screen.query_one("#voucher-table", PagedTable)


def shown_statuses(table: PagedTable) -> dict[str, str]:
    """Each voucher number on screen with its status cell, as the table shows them now."""
    return {key.value: str(table.get_row(key)[-1]) for key in table.rows}


async def test_a_view_built_ahead_has_its_rows_and_opens_without_a_hold(make_app):
    from kenttä.ui import kept
    from kenttä.ui.screens.vouchers import VouchersScreen

    app = make_app()
    issued = issue_chosen(app.ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        kept.prebuild_mode(app, "vouchers", VouchersScreen)
        ahead = app.__dict__[kept.PREBUILT_MODES]["vouchers"][0]
        for _ in range(100):  # built and read in the background: a busy machine takes longer
            await pilot.pause(0.05)
            await settle(pilot)
            if ahead.is_mounted and ahead.query("#voucher-table") and ahead.loaded_ahead:
                table = ahead.query_one("#voucher-table", PagedTable)
                if table.records:
                    break
        table = ahead.query_one("#voucher-table", PagedTable)
        assert {v.number for v in issued} <= set(table.records)  # read before it is shown
        assert screen_name(pilot) == "TodayScreen"
        # a write after it was built: its opening reads the list again and shows it
        vouchers.transition(app.ws, issued[0].number, "used", today=TODAY)
        app.switch_mode("vouchers")
        assert app._batch_count == 0  # nothing to hide: the first frame is not held
        await settle(pilot)
        assert app.screen is ahead
        assert shown_statuses(table)[issued[0].number] == "Käytetty"


async def test_a_view_never_built_is_held_as_textual_does(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.switch_mode("sync")
        assert app._batch_count == 1  # a screen being built: its first frames are held
        await settle(pilot)
        assert screen_name(pilot) == "SyncScreen" and app._batch_count == 0


async def test_reopening_finds_the_same_rows_in_place_and_a_changed_row_changed(make_app):
    app = make_app()
    issued = issue_chosen(app.ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("down")
        table = voucher_table(app)
        chosen = table.selected_id()
        shown = dict(table.records)
        await pilot.press("f3")
        await settle(pilot)
        app.switch_mode("vouchers")
        assert app._batch_count == 0  # shown before: drawn at once
        await settle(pilot)
        assert table.selected_id() == chosen
        assert all(table.records[n] is shown[n] for n in shown)  # not put again: no redraw
        other = next(v.number for v in issued if v.number != chosen)
        vouchers.transition(app.ws, other, "used", today=TODAY)  # written elsewhere
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        assert shown_statuses(table)[other] == "Käytetty"
        assert table.selected_id() == chosen  # the cursor stays on its voucher


async def test_a_view_remade_in_another_language_is_held_once(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("f9")  # Swedish: F5's screen is remade while it is not shown
        await settle(pilot)
        app.switch_mode("vouchers")
        assert app._batch_count == 1  # its first frames held, as for a screen being built
        await settle(pilot)
        assert app.screen.sub_title == "Servicesedlar"
        await pilot.press("f2")
        await settle(pilot)
        app.switch_mode("vouchers")
        assert app._batch_count == 0  # drawn in Swedish before: at once again
        await settle(pilot)
