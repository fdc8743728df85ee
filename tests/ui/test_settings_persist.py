"""A language or theme chosen in the app is there the next time it starts."""

from __future__ import annotations

from datetime import date

from kenttä.config import load_config
from kenttä.services.context import Workspace
from kenttä.ui.app import KenttaApp


async def test_language_and_theme_choice_saved_to_config(workspace: Workspace) -> None:
    app = KenttaApp(workspace, today=date(2026, 3, 16))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f9")
        await pilot.pause()
        app.theme = "nord"
        await pilot.pause()
    saved = load_config()
    assert saved.language == "sv"
    assert saved.theme == "nord"


async def test_a_saved_choice_keeps_the_sessions_own_settings(workspace: Workspace) -> None:
    """The demo and `--role`-style sessions run with settings the file does not have."""
    workspace.config = workspace.config.copy_with(role="supervisor", user="demo.esihenkilo")
    app = KenttaApp(workspace, today=date(2026, 3, 16))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f9")
        await pilot.pause()
    assert (workspace.config.language, workspace.config.role) == ("sv", "supervisor")
    assert workspace.config.user == "demo.esihenkilo"
    assert load_config().language == "sv"
