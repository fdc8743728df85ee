"""Today's first read starts before the app (issue 14, start-up): the first screen shows
what a read of its own would show, a failed early read is read again, and an early read is
used once (a reload reads anew)."""

from __future__ import annotations

from typing import Any

from textual.widgets import OptionList

from kenttä.services import today as today_service
from kenttä.ui.app import KenttaApp
from kenttä.ui.prefetch import Prefetch, first_owner, start_today, summary_key
from tests.ui.caseload import TODAY
from tests.ui.conftest import settle

SIZE = (80, 24)


def shown(app: Any) -> list[str]:
    options = app.screen.query_one("#today-list", OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def today_lines(app: KenttaApp) -> list[str]:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        return shown(app)


async def test_the_first_screen_shows_the_read_started_before_the_app(caseload_ws: Any) -> None:
    own = await today_lines(KenttaApp(caseload_ws, today=TODAY))
    prefetch = start_today(caseload_ws, TODAY)
    key = summary_key(TODAY, first_owner(caseload_ws))
    prefetch._reads[key].result(timeout=60)  # done before the screen exists
    app = KenttaApp(caseload_ws, today=TODAY, prefetch=prefetch)
    assert app.db_lock is prefetch.lock  # the early read and the app's reads never overlap
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert shown(app) == own  # on the first frame, no read of its own
        assert len(own) > 6  # sections with their items, not six empty headers
        assert prefetch.take(key) is None  # used once
        await settle(pilot)
        assert shown(app) == own


async def test_a_failed_early_read_is_read_again(caseload_ws: Any) -> None:
    own = await today_lines(KenttaApp(caseload_ws, today=TODAY))
    prefetch = Prefetch(caseload_ws)

    def broken(ws: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the early read failed")

    prefetch.start(summary_key(TODAY, first_owner(caseload_ws)), broken)
    assert await today_lines(KenttaApp(caseload_ws, today=TODAY, prefetch=prefetch)) == own


async def test_an_early_read_still_running_is_waited_for(caseload_ws: Any) -> None:
    own = await today_lines(KenttaApp(caseload_ws, today=TODAY))
    prefetch = Prefetch(caseload_ws)
    owner = first_owner(caseload_ws)
    with prefetch.lock:  # the read cannot start until the screen has asked for it
        prefetch.start(
            summary_key(TODAY, owner), today_service.today_summary, today=TODAY, owner=owner
        )
        app = KenttaApp(caseload_ws, today=TODAY, prefetch=prefetch)
        lines = app.run_test(size=SIZE)
        pilot = await lines.__aenter__()
        await pilot.pause()
    try:
        await settle(pilot)
        assert shown(app) == own
    finally:
        await lines.__aexit__(None, None, None)


async def test_a_read_for_another_day_is_not_shown(caseload_ws: Any) -> None:
    from datetime import timedelta

    own = await today_lines(KenttaApp(caseload_ws, today=TODAY))
    prefetch = start_today(caseload_ws, TODAY - timedelta(days=30))
    assert await today_lines(KenttaApp(caseload_ws, today=TODAY, prefetch=prefetch)) == own


def test_the_interpreter_switches_as_before_once_the_early_read_is_done(
    caseload_ws: Any, monkeypatch: Any
) -> None:
    import sys
    import threading
    import time

    from kenttä.services import today as today_service

    read_may_end = threading.Event()
    real_summary = today_service.today_summary

    def held_summary(*args: Any, **kwargs: Any) -> Any:
        read_may_end.wait(60)  # the read is still running when the switch interval is read
        return real_summary(*args, **kwargs)

    monkeypatch.setattr(today_service, "today_summary", held_summary)
    before = sys.getswitchinterval()
    prefetch = start_today(caseload_ws, TODAY)
    assert sys.getswitchinterval() < before  # quicker hand-overs while the read runs
    read_may_end.set()
    prefetch.take(summary_key(TODAY, first_owner(caseload_ws))).result(timeout=60)
    deadline = time.monotonic() + 10
    while sys.getswitchinterval() != before and time.monotonic() < deadline:
        time.sleep(0.01)
    assert sys.getswitchinterval() == before
