"""The app locks itself after idle minutes and opens only with the passphrase."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from kenttä.config import Config
from kenttä.services.context import Workspace
from kenttä.services.privacy.session_lock import IdleLock
from kenttä.store.db import open_store
from kenttä.ui.app import KenttaApp
from kenttä.ui.modals.lock import LockScreen

TODAY = date(2026, 3, 16)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _app(ws: Workspace, clock: FakeClock) -> KenttaApp:
    app = KenttaApp(ws, today=TODAY)
    app.idle_lock = IdleLock(ws.store.path, 15, clock=clock)
    return app


async def test_idle_app_locks_and_blocks_navigation(workspace: Workspace) -> None:
    clock = FakeClock()
    app = _app(workspace, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        app.lock_if_idle()
        await pilot.pause()
        assert not isinstance(app.screen, LockScreen)  # not idle yet
        clock.now += 15 * 60
        app.lock_if_idle()
        await pilot.pause()
        assert isinstance(app.screen, LockScreen)
        await pilot.press("f3")  # the clients view stays hidden while locked
        await pilot.pause()
        assert isinstance(app.screen, LockScreen) and app.current_mode == "today"
        await pilot.press("enter")  # a plain database: nothing to check
        await pilot.pause()
        assert not isinstance(app.screen, LockScreen)
        await pilot.press("f3")
        await pilot.pause()
        assert app.current_mode == "clients"


async def test_encrypted_database_unlocks_only_with_its_passphrase(tmp_path: Path) -> None:
    store = open_store(tmp_path / "salattu.db", passphrase="oikea-salasana-1")
    ws = Workspace(store, Config(user="testi.valmentaja", scope="kuopio"))
    clock = FakeClock()
    app = _app(ws, clock)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            app.lock_now()
            await pilot.pause()
            await pilot.press(*"väärä-salasana", "enter")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert isinstance(app.screen, LockScreen)
            assert "Väärä salasana" in str(app.screen.query_one("#lock-message").render())
            clock.now += 60  # past the slow-down after a wrong try
            await pilot.press(*"oikea-salasana-1", "enter")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert not isinstance(app.screen, LockScreen)
            assert not app.idle_lock.locked
    finally:
        ws.close()
