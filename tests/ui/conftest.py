"""Fixtures of the UI tests: a seeded caseload and the app on it, with 'today' frozen."""

from __future__ import annotations

from pathlib import Path

import pytest

from kenttä.config import Config
from kenttä.services.context import Workspace
from kenttä.store.db import open_store
from tests.ui.caseload import TODAY, build_caseload, grant_budget


@pytest.fixture
def caseload_ws(tmp_path: Path):
    store = open_store(tmp_path / "ui.db")
    ws = Workspace(store, Config(user="testi.valmentaja", scope="kuopio", role="supervisor"))
    ws.ids = build_caseload(ws)  # type: ignore[attr-defined]
    grant_budget(ws, "TOPI")
    grant_budget(ws, "KUOPIO")
    yield ws
    store.close()


@pytest.fixture
def make_app(caseload_ws):
    from kenttä.ui.app import KenttaApp

    def make(language: str = "fi") -> KenttaApp:
        return KenttaApp(caseload_ws, today=TODAY, language=language)

    return make


async def settle(pilot) -> None:
    """Wait until every database worker has finished and its result is on screen.

    Cursors stop blinking (shown steadily), so a screenshot never catches half a blink.
    """
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    for widget in pilot.app.screen.query("Input, TextArea"):
        widget.cursor_blink = False
    # tables size their columns on a refresh after the rows arrive: on a busy machine that
    # can be a frame later, so give the screen two short breaths before it is looked at
    await pilot.wait_for_scheduled_animations()
    await pilot.pause(0.05)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause(0.05)
