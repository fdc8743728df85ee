"""The first screen's read, started before Textual is even imported (issue 14: start-up).

Importing Textual and starting the app take a few hundred milliseconds; Today's read (a
supervisor's: plan steps, follow-ups, visits, vouchers, exit checks over 100 000 clients)
runs meanwhile in a thread, mostly inside SQLite, so Today's first frame has its sections
instead of a frame later. This module imports no Textual: `kenttä` (open) starts it first.

The read holds the lock the app then uses for every database read and write (`db_lock`), so
nothing else touches the connection meanwhile.
"""

from __future__ import annotations

import sys
import threading
from concurrent.futures import Future
from datetime import date
from typing import Any

# A read gives the interpreter back at every row SQLite hands it, and waits to get it again
# while the main thread imports Textual: 5 ms each time by default. While reads run: 0.5 ms.
SWITCH_SECONDS = 0.0005
_switch: dict[str, float] = {"running": 0, "before": 0.005}
_switch_lock = threading.Lock()


def _quick_switches(change: int) -> None:
    with _switch_lock:
        if _switch["running"] == 0:
            _switch["before"] = sys.getswitchinterval()
        _switch["running"] += change
        quick = _switch["running"] > 0
        sys.setswitchinterval(
            min(_switch["before"], SWITCH_SECONDS) if quick else _switch["before"]
        )


class Prefetch:
    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.lock = threading.RLock()
        self._reads: dict[Any, Future] = {}

    def start(self, key: Any, fn: Any, *args: Any, **kwargs: Any) -> None:
        """Run the read `fn(ws, *args, **kwargs)` in a thread, now."""
        future: Future = Future()
        _quick_switches(+1)

        def run() -> None:
            try:
                with self.lock:
                    future.set_result(fn(self.ws, *args, **kwargs))
            except BaseException as exc:  # the screen reads again (and reports a failure)
                future.set_exception(exc)
            finally:
                _quick_switches(-1)

        self._reads[key] = future
        threading.Thread(target=run, name="kentta-prefetch", daemon=True).start()

    def take(self, key: Any) -> Future | None:
        """The read started for `key`, once (a later reload reads anew); None if none was."""
        return self._reads.pop(key, None)


def first_owner(ws: Any) -> str | None:
    """Whose day Today shows first: a coach's own clients; everyone's for the others."""
    return ws.user if ws.role == "coach" else None


def summary_key(today: date, owner: str | None) -> tuple[str, str, str | None]:
    return ("today", today.isoformat(), owner)


def start_today(ws: Any, today: date) -> Prefetch:
    """Start Today's read for `today` (the app's first screen)."""
    from kenttä.services import today as today_service

    prefetch = Prefetch(ws)
    owner = first_owner(ws)
    prefetch.start(summary_key(today, owner), today_service.today_summary, today=today, owner=owner)
    return prefetch
