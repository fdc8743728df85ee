"""UI benchmarks: start-up against a bare Textual app, search per keystroke, resident memory.

`run(quick)` returns rows {benchmark, figure, value, unit, note} for tests/benchmarks/run.py.
Full: 100 000 clients and 1 000 000 notes (made once with `kenttä seed`, kept in the cache
directory); quick: 10 000 clients and 100 000 notes. Start-up is measured in fresh
subprocesses, alternating the bare app and kenttä, from process start to the first usable
screen (the Today view with its data on screen); only the ratio is meaningful across machines.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from datetime import date
from pathlib import Path

CACHE = Path(os.environ.get("KENTTA_BENCH_CACHE", Path(tempfile.gettempdir()) / "kentta-bench"))

# ru_maxrss survives exec (it would report the parent's peak); VmHWM belongs to this process.
PEAK_RSS = """
def peak_rss_kb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
"""

BARE_APP = PEAK_RSS + textwrap.dedent(
    """
    import sys, time
    from textual.app import App

    from textual.widgets import DataTable, Footer, Input

    class Bare(App):
        def compose(self):
            yield Input()
            yield DataTable()
            yield Footer()

        def on_mount(self):
            table = self.query_one(DataTable)
            table.add_columns("a", "b", "c")
            table.add_rows([(i, i, i) for i in range(50)])
            self.call_after_refresh(self.ready)

        def ready(self):
            print(f"READY {peak_rss_kb()}", flush=True)
            self.exit()

    Bare().run(headless=True, size=(120, 36))
    """
)

KENTTA_APP = PEAK_RSS + textwrap.dedent(
    """
    import sys
    from datetime import date

    from kenttä.config import Config
    from kenttä.services.context import Workspace
    from kenttä.store.db import open_store
    from kenttä.ui.app import KenttaApp
    from kenttä.ui.screens.today import TodayScreen

    shown = TodayScreen.show

    def show(self, summary):
        shown(self, summary)
        self.app.call_after_refresh(ready, self.app)

    def ready(app):
        print(f"READY {peak_rss_kb()}", flush=True)
        app.exit()

    TodayScreen.show = show
    ws = Workspace(open_store(sys.argv[1]), Config(user="bench"))
    KenttaApp(ws, today=date(2026, 3, 16)).run(headless=True, size=(120, 36))
    """
)


def seeded_database(clients: int, notes_per_client: int) -> Path:
    """A database of synthetic clients and notes, made once and kept in the cache."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"ui-{clients}-{notes_per_client}.db"
    done = path.with_suffix(".done")
    if path.exists() and done.exists():
        return path
    for leftover in CACHE.glob(path.name + "*"):
        leftover.unlink()
    from kenttä.services.data.seed import seed
    from kenttä.store.db import open_store

    store = open_store(path)
    try:
        seed(store, clients=clients, notes_per_client=notes_per_client, today=date(2026, 3, 16))
    finally:
        store.close()
    done.write_text("ok")
    return path


def _start(code: str, *args: str) -> tuple[float, int]:
    """Seconds from process start to READY, and the peak RSS in kB the child reported."""
    env = dict(os.environ, TEXTUAL_ANIMATIONS="none")
    # Installed apps run from bytecode; the warm-up runs write it if it is missing.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("READY"):
            elapsed = time.perf_counter() - started
            proc.wait(timeout=30)
            return elapsed, int(line.split()[1])
    proc.wait(timeout=30)
    raise RuntimeError("the app did not reach its first screen")


def startup_rows(db: Path, rounds: int, scale: str) -> list[dict]:
    _start(BARE_APP)  # warm the file cache for both
    _start(KENTTA_APP, str(db))
    load = os.getloadavg()[0]
    bare, kentta, rss_bare, rss_kentta = [], [], [], []
    for _ in range(rounds):
        seconds, rss = _start(BARE_APP)
        bare.append(seconds)
        rss_bare.append(rss)
        seconds, rss = _start(KENTTA_APP, str(db))
        kentta.append(seconds)
        rss_kentta.append(rss)
    bare_median, kentta_median = statistics.median(bare), statistics.median(kentta)
    note = (
        f"{scale}; median of {rounds} alternating runs, process start to first screen"
        " with its data, bytecode compiled"
    )
    # Detail for reading a noisy figure: the spread of the runs and how busy the machine was.
    spread = (
        f"runs: bare {min(bare):.3f}–{max(bare):.3f} s, kenttä {min(kentta):.3f}–"
        f"{max(kentta):.3f} s; load average {load:.2f} at the start"
    )
    return [
        _row("startup", "bare Textual app", bare_median, "s", note),
        _row("startup", "kenttä Today view", kentta_median, "s", note),
        _row("startup", "ratio kenttä / bare (goal ≤ 1.5)", kentta_median / bare_median, "×", note),
        _row("startup", "ratio of the fastest runs (detail)", min(kentta) / min(bare), "×", spread),
        _row("memory", "peak RSS, bare app", max(rss_bare) / 1024, "MB", scale),
        _row("memory", "peak RSS, kenttä (goal ≤ 200)", max(rss_kentta) / 1024, "MB", scale),
    ]


QUERIES = ["virtanen matti", "korhonen", "sofia"]


def search_rows(db: Path, scale: str) -> list[dict]:
    """Each keystroke's query, as the Clients screen runs it (first page of 50)."""
    from kenttä.config import Config
    from kenttä.services.clients import core as clients
    from kenttä.services.context import Workspace
    from kenttä.store.db import open_store

    ws = Workspace(open_store(db), Config(user="bench"))
    try:
        hetu = ws.store.conn.execute(
            "SELECT henkilotunnus FROM clients WHERE henkilotunnus IS NOT NULL LIMIT 1 OFFSET 777"
        ).fetchone()
        word = ws.store.conn.execute("SELECT body FROM notes LIMIT 1 OFFSET 4242").fetchone()
        typed = list(QUERIES)
        if hetu:
            typed.append(hetu[0])
        if word:
            typed.append(max(word[0].split(), key=len).strip(".,"))
        timings = []
        clients.list_clients(ws, query="a")  # warm
        for text in typed:
            for end in range(1, len(text) + 1):
                started = time.perf_counter()
                clients.list_clients(ws, query=text[:end], limit=50)
                timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        p95 = timings[int(len(timings) * 0.95) - 1]
        note = f"{scale}; {len(timings)} keystrokes (names, a henkilötunnus, a word of a note)"
        return [
            _row(
                "search per keystroke", "median (goal ≤ 50)", statistics.median(timings), "ms", note
            ),
            _row("search per keystroke", "p95", p95, "ms", note),
            _row("search per keystroke", "max", timings[-1], "ms", note),
        ]
    finally:
        ws.close()


def _row(benchmark: str, figure: str, value: float, unit: str, note: str) -> dict:
    return {
        "benchmark": f"ui {benchmark}",
        "figure": figure,
        "value": round(value, 3),
        "unit": unit,
        "note": note,
    }


def run(quick: bool) -> list[dict]:
    clients, notes = (10_000, 10) if quick else (100_000, 10)
    scale = f"{clients:_} clients, {clients * notes:_} notes".replace("_", "\u202f")
    db = seeded_database(clients, notes)
    rows = search_rows(db, scale)
    rows += startup_rows(db, 3 if quick else 5, scale)
    return rows


if __name__ == "__main__":
    quick = "--quick" in sys.argv
    for row in run(quick):
        print(f"{row['benchmark']:<28} {row['figure']:<36} {row['value']:>10} {row['unit']:<3}")
        if row["figure"].endswith("(detail)"):
            print(f"{'':<28} {row['note']}")
