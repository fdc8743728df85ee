"""The app's first screen loads no more than it shows (issue 5: start-up time).

Today opens on a real database with data in it, in a fresh interpreter; by the time its data
is on screen, neither pydantic, the domain models, the sync module's replica nor the derived
sync schema may have been imported: those load with the first write or the first screen that
needs them. A regression here costs every start about a third of a bare Textual app's time.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from kenttä.config import Config
from kenttä.services.context import Workspace
from kenttä.store.db import open_store
from tests.ui.caseload import TODAY, build_caseload

HEAVY = ("pydantic", "pydantic_core", "sqlite_utils", "stdnum")
HEAVY_MODULES = ("kenttä.domain.models", "kenttä.store.schema", "kenttä_sync.device.replica")

SCRIPT = f"""
import json, sys
from datetime import date

from kenttä.config import Config
from kenttä.services.context import Workspace
from kenttä.store.db import open_store
from kenttä.ui.app import KenttaApp
from kenttä.ui.screens.today import TodayScreen

shown = TodayScreen.show

def show(self, summary):
    shown(self, summary)
    self.app.call_after_refresh(done, self.app, summary)

def done(app, summary):
    if sys.argv[4] == "later":  # poll until the background load is in (or 60 s, a failure)
        ticks = []
        def check():
            ticks.append(1)
            if len(ticks) < 10**6 and (set({HEAVY_MODULES!r}) <= set(sys.modules) or len(ticks) > 600):
                ticks.extend([1] * 10**6)  # report once
                report(app, summary)
        app.set_interval(0.1, check)
    else:
        report(app, summary)

def report(app, summary):
    heavy = sorted(
        m for m in sys.modules
        if m.split(".")[0] in {HEAVY!r} or m in {HEAVY_MODULES!r}
    )
    sections = [summary.steps_due, summary.follow_ups, summary.visits_due,
                summary.vouchers_expiring, summary.exit_checks]
    print(json.dumps({{"heavy": heavy, "items": [len(s) for s in sections]}}), flush=True)
    app.exit()

TodayScreen.show = show
config = Config(user="testi.valmentaja", scope="kuopio", role=sys.argv[3])
ws = Workspace(open_store(sys.argv[1]), config)
day = date.fromisoformat(sys.argv[2])
prefetch = None
if sys.argv[5] == "prefetch":  # as `kenttä` opens: Today's read starts before the app
    from kenttä.ui.prefetch import start_today

    prefetch = start_today(ws, day)
KenttaApp(ws, today=day, prefetch=prefetch).run(headless=True, size=(120, 36))
"""


def _first_screen(db: Path, role: str, when: str = "now", start: str = "app") -> dict:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(db), TODAY.isoformat(), role, when, start],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_today_shows_its_data_without_loading_the_write_path(tmp_path: Path) -> None:
    db = tmp_path / "start.db"
    store = open_store(db)
    build_caseload(Workspace(store, Config(user="testi.valmentaja", scope="kuopio")))
    store.close()
    for role in ("supervisor", "coach"):
        for start in ("app", "prefetch"):
            seen = _first_screen(db, role, start=start)
            assert seen["heavy"] == [], (role, start)
            assert sum(seen["items"]) > 0, (role, start)  # the real data, not an empty screen


def test_the_write_path_loads_in_the_background_after_the_first_screen(tmp_path: Path) -> None:
    db = tmp_path / "start.db"
    open_store(db).close()
    seen = _first_screen(db, "coach", "later")
    assert {"pydantic", *HEAVY_MODULES} <= set(seen["heavy"])


def test_opening_a_store_leaves_the_replica_until_it_is_needed(tmp_path: Path) -> None:
    open_store(tmp_path / "k.db").close()  # created and installed
    store = open_store(tmp_path / "k.db")
    assert store._replica is None
    assert store.state("device_id") is not None
    assert store.state("device_id") == store.replica.state("device_id") == store.device_id
    assert store.state("no such key") is None
    store.close()
