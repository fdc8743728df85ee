"""The Sync screen over a link that is down: a line per retry in Finnish, and the screens
keep the database while the sync waits for the link to come back (Pilot, 80×24)."""

from __future__ import annotations

import socket
import threading
from typing import Any

from kenttä.ui.screens.sync import SyncScreen
from tests.ui.conftest import settle

SIZE = (80, 24)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_a_down_link_is_said_per_retry_and_the_database_stays_free_while_waiting(
    make_app: Any, monkeypatch: Any
) -> None:
    app = make_app()
    with app.ws.store.replica.db.transaction():
        app.ws.store.replica.set_state("server_url", f"http://127.0.0.1:{closed_port()}")
        app.ws.store.replica.set_state("device_secret", "s" * 32)
    lines: list[str] = []
    free_while_waiting: list[bool] = []
    real_sleep = __import__("time").sleep

    def sleep(seconds: float) -> None:  # the back-off waits, made short; is the lock free?
        if seconds >= 0.5 and threading.current_thread() is not threading.main_thread():
            got = app.db_lock.acquire(blocking=False)
            free_while_waiting.append(got)
            if got:
                app.db_lock.release()
            seconds = 0
        real_sleep(seconds)

    shown = SyncScreen.show_retry

    def show_retry(self: SyncScreen, line: str) -> None:
        lines.append(line)
        shown(self, line)

    monkeypatch.setattr("kenttä.ui.screens.sync.time.sleep", sleep)
    monkeypatch.setattr(SyncScreen, "show_retry", show_retry)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f6")
        await settle(pilot)
        await pilot.press("s")
        for _ in range(200):
            await pilot.pause(0.05)
            if not app.screen.syncing:
                break
        await settle(pilot)
        phase = str(app.screen.query_one("#sync-phase").render())
    assert len(lines) == 6  # one per retry, then the reason
    assert lines[0].startswith("Palvelimeen ei saada yhteyttä – yritetään uudelleen")
    assert lines[-1].endswith("(6/6)")
    assert free_while_waiting == [True] * 6
    assert "yhteyttä" in phase or "connect" in phase
