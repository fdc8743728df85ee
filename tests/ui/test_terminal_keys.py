"""Ctrl+G, then a number, does what the F key does, for terminals that take the F keys."""

from __future__ import annotations

import io

from rich.console import Console
from textual.widgets import Input, Static

from tests.ui.conftest import settle

SIZE = (100, 30)


async def test_ctrl_g_and_a_number_switch_views_and_open_help(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.current_mode == "today"
        await pilot.press("ctrl+g", "3")
        await settle(pilot)
        assert app.current_mode == "clients"
        search = app.screen.query_one(Input)
        search.focus()
        await pilot.press("ctrl+g", "4")  # also from a text field, and the 4 is not typed
        await settle(pilot)
        assert app.current_mode == "employers"
        assert search.value == ""
        await pilot.press("ctrl+g", "2")
        await settle(pilot)
        assert app.current_mode == "today"
        await pilot.press("3")  # a number alone is not a view key
        await settle(pilot)
        assert app.current_mode == "today"
        await pilot.press("ctrl+g", "1")
        await settle(pilot)
        assert type(app.screen).__name__ == "HelpScreen"
        console = Console(width=100, record=True, file=io.StringIO())
        console.print(app.screen.query_one("#help-body", Static).content)
        assert "Ctrl+G" in console.export_text()
