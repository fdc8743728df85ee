"""UI benchmarks as a person sees them: the real `kenttä` command in a real terminal (tmux).

`run(quick)` returns rows {benchmark, figure, value, unit, note} for tests/benchmarks/run.py.

Everything goes through a private tmux server (80×24): keys are sent with `send-keys`, and a
figure is the time until `capture-pane` shows the marker of the finished screen. The baseline
is a bare Textual app (Input + DataTable + Footer) started the same way in the same harness,
and the echo of a typed letter in the search box (what the terminal round trip costs).

The database is `kenttä demo` (Today's sections full: plans, placements, visits, vouchers)
plus `kenttä seed`: 100 000 clients and 1 000 000 notes (quick: 10 000 / 100 000), built once
with the real commands and kept in the cache directory (KENTTA_BENCH_CACHE, default
$TMPDIR/kentta-bench) keyed by size. The app runs as the demo supervisor (ritva.mononen,
everyone's clients) and as the demo coach (maija.koskinen, who owns a caseload), in Finnish.

Figures: start-up to the first usable screen (Today with its sections on screen), as a ratio
to the bare app; keystroke → list changed in the Clients search (median, p95) beside the
letter's own echo; opening the client card, note editor, assessment form, plan editor, F5
vouchers and F6 sync (median, p95); the kenttä process's peak RSS (VmHWM) after all that.

Bytecode: PYTHONDONTWRITEBYTECODE=1 is set on the project's machines; the runs here drop it
(as an installed app would have its bytecode) and warm up first, so both apps start from
compiled bytecode. Only ratios are comparable across machines.
"""

from __future__ import annotations

import os
import shlex
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
KENTTA = BIN / "kenttä"
CACHE = Path(os.environ.get("KENTTA_BENCH_CACHE", Path(tempfile.gettempdir()) / "kentta-bench"))
WIDTH, HEIGHT = 80, 24
TIMEOUT = 30.0
DEMO_USERS = {"supervisor": "ritva.mononen", "coach": "maija.koskinen"}

BARE_APP = textwrap.dedent(
    """
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
            table.add_rows([("BARE-READY", i, i) for i in range(50)])


    Bare().run()
    """
)


# -- the database ----------------------------------------------------------------------------
def seeded_database(clients: int, notes_per_client: int) -> Path:
    """demo + seed, made once with the real commands and kept in the cache."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"ui-demo-{clients}-{notes_per_client}.db"
    done = Path(f"{path}.done")
    if path.exists() and done.exists():
        return path
    for suffix in ("", "-wal", "-shm", ".building"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    config = CACHE / "seed-config.toml"
    config.write_text(_config_text("supervisor"), encoding="utf-8")
    env = dict(os.environ, KENTTA_CONFIG=str(config))
    subprocess.run([str(KENTTA), "demo", "--path", str(path), "--no-ui"], env=env, check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    subprocess.run(
        [str(KENTTA), "--db", str(path), "seed", "--clients", str(clients),
         "--notes-per-client", str(notes_per_client)],
        env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    done.write_text("ok")
    return path


def _config_text(role: str) -> str:
    return f'user = "{DEMO_USERS[role]}"\nrole = "{role}"\nscope = "kuopio"\nlanguage = "fi"\n'


# -- the terminal ----------------------------------------------------------------------------
class Terminal:
    """One private tmux server with one 80×24 pane; each app run respawns the pane."""

    def __init__(self, workdir: Path) -> None:
        self.name = f"benchui{os.getpid()}"
        self.target = "bench:0.0"
        self.workdir = workdir
        self.tmux("new-session", "-d", "-s", "bench", "-x", str(WIDTH), "-y", str(HEIGHT),
                  "sleep 86400")  # fmt: skip
        self.tmux("set-option", "-g", "remain-on-exit", "on")

    def tmux(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.name, *args], capture_output=True, text=True, check=True
        )
        return done.stdout

    def start(self, argv: list[str], env: dict[str, str]) -> float:
        """Respawn the pane with argv; the perf_counter time just before."""
        assignments = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        command = f"cd {shlex.quote(str(self.workdir))} && exec env {assignments} " + " ".join(
            shlex.quote(a) for a in argv
        )
        started = time.perf_counter()
        self.tmux("respawn-pane", "-k", "-t", self.target, command)
        return started

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.target)

    def pid(self) -> int:
        return int(self.tmux("display-message", "-p", "-t", self.target, "#{pane_pid}").strip())

    def keys(self, *keys: str) -> float:
        started = time.perf_counter()
        self.tmux("send-keys", "-t", self.target, *keys)
        return started

    def text(self, text: str) -> float:
        started = time.perf_counter()
        self.tmux("send-keys", "-t", self.target, "-l", text)
        return started

    def wait(self, ready: Callable[[str], bool], started: float, what: str) -> float:
        """Seconds from `started` until the screen satisfies `ready`."""
        while True:
            screen = self.screen()
            now = time.perf_counter()
            if ready(screen):
                return now - started
            if now - started > TIMEOUT:
                raise RuntimeError(f"{what}: not on screen after {TIMEOUT:.0f} s:\n{screen}")

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.name, "kill-server"], capture_output=True)


def has(*parts: str) -> Callable[[str], bool]:
    return lambda screen: all(p in screen for p in parts)


def peak_rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


# -- the runs --------------------------------------------------------------------------------
TODAY_READY = has("kenttä — Tänään", "lähettämättä", "Erääntyvät suunnitelman vaiheet (")
BARE_READY = has("BARE-READY")
CLIENTS_READY = has("kenttä — Asiakkaat", "Nimi", "asiaka")
CARD_READY = has("Asiakaskortti:", "Viimeisimmät merkinnät", "Suunnitelma:", "esc Takaisin")
EDITOR_READY = has("kenttä — Merkintä:", "Tallenna")
ASSESSMENT_READY = has("Palvelutarvearvio ▀", "Kielitaito", "Tallenna")
PLAN_READY = has("Työllistymissuunnitelma", "Vaiheet (", "Määräpäivä", "Tallenna")
VOUCHERS_READY = has("kenttä — Palvelusetelit", " €  ")
SYNC_READY = has("kenttä — Synkronointi", "Lähettämättömiä muutoksia")


class Session:
    def __init__(self, term: Terminal, db: Path, workdir: Path) -> None:
        self.term, self.db, self.workdir = term, db, workdir
        self.env = {
            "TERM": "tmux-256color",
            "TEXTUAL_ANIMATIONS": "none",
            "KENTTA_DATA_DIR": str(workdir / "data"),
            "LANG": "C.UTF-8",
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.environ.get("HOME", str(workdir)),
        }

    def start_bare(self) -> float:
        script = self.workdir / "bare_app.py"
        script.write_text(BARE_APP, encoding="utf-8")
        started = self.term.start([str(BIN / "python"), str(script)], self.env)
        return self.term.wait(BARE_READY, started, "bare app")

    def start_kentta(self, role: str) -> float:
        config = self.workdir / f"{role}.toml"
        config.write_text(_config_text(role), encoding="utf-8")
        env = dict(self.env, KENTTA_CONFIG=str(config))
        started = self.term.start([str(KENTTA), "--db", str(self.db)], env)
        return self.term.wait(TODAY_READY, started, f"kenttä Today ({role})")

    def step(self, keys: list[str], ready: Callable[[str], bool], what: str) -> float:
        started = self.term.keys(*keys)
        return self.term.wait(ready, started, what)


def startup(session: Session, rounds: int) -> tuple[list[float], dict[str, list[float]]]:
    session.start_bare()  # warm-up: file cache and bytecode for both
    for role in DEMO_USERS:
        session.start_kentta(role)
    bare: list[float] = []
    kentta: dict[str, list[float]] = {role: [] for role in DEMO_USERS}
    for _ in range(rounds):
        bare.append(session.start_bare())
        for role in DEMO_USERS:
            kentta[role].append(session.start_kentta(role))
    return bare, kentta


def expected_pages(db: Path, words: list[str], role: str) -> list[tuple[str, list[str]]]:
    """(typed text, the henkilötunnus of the first rows the Clients list shows for it)."""
    from kenttä.config import Config
    from kenttä.services import clients as client_service
    from kenttä.services.context import Workspace
    from kenttä.store.db import open_store

    ws = Workspace(open_store(db), Config(user=DEMO_USERS[role], role=role, scope="kuopio"))
    try:
        out = []
        for word in words:
            for end in range(1, len(word) + 1):
                page = client_service.list_clients(ws, query=word[:end], limit=3)
                rows = page.rows if hasattr(page, "rows") else page
                out.append((word[:end], [r.henkilotunnus or r.full_name[:15] for r in rows]))
        return out
    finally:
        ws.close()


# A person looks at Today before the first key; the app builds its screens ahead in such a
# quiet moment (kenttä.ui.warm_up). Without it the first opening of each screen builds it:
# run with KENTTA_BENCH_READING=0 to see that figure.
READING_TODAY = float(os.environ.get("KENTTA_BENCH_READING", "2.0"))
SEARCH_WORDS = ["virtanen", "korhonen", "sofia", "laine", "hyvönen"]


def keystrokes(session: Session, role: str) -> tuple[list[float], list[float]]:
    """(echo of the letter, list changed) in ms, for each letter that changes the list."""
    term = session.term
    pages = expected_pages(session.db, SEARCH_WORDS, role)
    term.wait(CLIENTS_READY, term.keys("F3"), "clients")
    echo, changed = [], []
    previous: list[str] | None = None
    for typed, first in pages:
        if len(typed) == 1:
            clear_search(term)
            previous = None
        started = term.text(typed[-1])
        line = f"▊  {typed} "
        echo.append(term.wait(has(line), started, f"echo of {typed!r}") * 1000)
        if first and first != previous:

            def shows(screen: str, typed: str = typed, first: list[str] = first) -> bool:
                lines = screen.splitlines()[6:9]
                return f"▊  {typed} " in screen and all(
                    key in row for key, row in zip(first, lines, strict=False)
                )

            changed.append(term.wait(shows, started, f"list for {typed!r}") * 1000)
        previous = first
        time.sleep(0.15)  # a person's pace; lets the last search settle
    return echo, changed


def caseload_hetu(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        row = conn.execute(
            "SELECT c.henkilotunnus FROM clients c WHERE c.owner = ? AND c.henkilotunnus IS NOT"
            " NULL AND EXISTS (SELECT 1 FROM plans p WHERE p.client_id = c.id)"
            " ORDER BY c.henkilotunnus LIMIT 1",
            (DEMO_USERS["coach"],),
        ).fetchone()
    return row[0]


PLACEHOLDER = "Hae nimellä"


def clear_search(term: Terminal) -> None:
    """Ctrl+R (the screen's key, whatever has the focus): no search, no filters."""
    term.wait(has(PLACEHOLDER), term.keys("C-r"), "search cleared")
    time.sleep(0.3)  # the full list's reload settles


def find(term: Terminal, hetu: str) -> None:
    """The one client in the Clients list (typed again if the screen was not ready)."""
    for _ in range(5):
        clear_search(term)
        term.text(hetu)
        deadline = time.perf_counter() + 5
        while time.perf_counter() < deadline:
            screen = term.screen()
            if f"▊  {hetu} " in screen and screen.count(hetu) >= 2:
                return
            time.sleep(0.02)
    raise RuntimeError(f"the client was not found:\n{term.screen()}")


def screens(session: Session, role: str, rounds: int) -> dict[str, list[float]]:
    """ms to open each screen or form, from the Clients list with one client found."""
    term = session.term
    hetu = caseload_hetu(session.db)
    times: dict[str, list[float]] = {}

    def timed(name: str, keys: list[str], ready: Callable[[str], bool]) -> None:
        times.setdefault(name, []).append(session.step(keys, ready, name) * 1000)
        time.sleep(0.2)

    for _ in range(rounds):
        term.wait(CLIENTS_READY, term.keys("F3"), "clients")
        find(term, hetu)
        timed("client card", ["Enter"], CARD_READY)
        if role == "coach":
            timed("note editor", ["n"], EDITOR_READY)
            term.wait(CARD_READY, term.keys("Escape"), "back to the card")
            timed("assessment form", ["a"], ASSESSMENT_READY)
            term.wait(CARD_READY, term.keys("Escape"), "back to the card")
            timed("plan editor", ["p"], PLAN_READY)
            term.wait(CARD_READY, term.keys("Escape"), "back to the card")
        term.keys("Escape")
        timed("vouchers F5", ["F5"], VOUCHERS_READY)
        timed("sync F6", ["F6"], SYNC_READY)
    return times


# -- figures ---------------------------------------------------------------------------------
def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def _row(benchmark: str, figure: str, value: float, unit: str, note: str) -> dict:
    return {"benchmark": f"ui {benchmark}", "figure": figure, "value": round(value, 3),
            "unit": unit, "note": note}  # fmt: skip


def run(quick: bool) -> list[dict]:
    clients, notes = (10_000, 10) if quick else (100_000, 10)
    scale = f"{clients:_} clients, {clients * notes:_} notes".replace("_", "\u202f")
    db = seeded_database(clients, notes)
    rounds = 3 if quick else 7
    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        (workdir / "data").mkdir()
        work_db = workdir / "kentta.db"
        # a copy per run: what the runs write (drafts, audit) does not pile up in the cache
        subprocess.run(["cp", str(db), str(work_db)], check=True)
        term = Terminal(workdir)
        try:
            session = Session(term, work_db, workdir)
            load = os.getloadavg()[0]
            bare, kentta = startup(session, rounds)
            note = f"{scale}; median of {rounds} alternating runs, tmux 80×24; load {load:.2f}"
            bare_median = statistics.median(bare)
            rows.append(_row("startup", "bare Textual app", bare_median, "s", note))
            for role, runs in kentta.items():
                median = statistics.median(runs)
                rows.append(_row("startup", f"kenttä Today, {role}", median, "s", note))
                rows.append(
                    _row(
                        "startup",
                        f"ratio {role} / bare (goal ≤ 1.3)",
                        median / bare_median,
                        "×",
                        f"fastest runs: {min(runs) / min(bare):.2f}×",
                    )
                )
            for role in DEMO_USERS:
                session.start_kentta(role)
                time.sleep(READING_TODAY)
                echo, changed = keystrokes(session, role)
                what = f"{scale}; {role}; {len(changed)} letters that change the list"
                rows += [
                    _row(
                        "keystroke",
                        f"letter echo median, {role}",
                        statistics.median(echo),
                        "ms",
                        what,
                    ),
                    _row(
                        "keystroke",
                        f"list changed median (goal ≤ 50), {role}",
                        statistics.median(changed),
                        "ms",
                        what,
                    ),
                    _row(
                        "keystroke",
                        f"list changed p95 (goal ≤ 80), {role}",
                        p95(changed),
                        "ms",
                        what,
                    ),
                ]
                opened = screens(session, role, rounds)
                for name, values in opened.items():
                    rows.append(
                        _row(
                            "open",
                            f"{name} p95 (goal ≤ 100), {role}",
                            p95(values),
                            "ms",
                            f"{scale}; {len(values)} opens; median "
                            f"{statistics.median(values):.0f} ms",
                        )
                    )
                rows.append(
                    _row(
                        "memory",
                        f"peak RSS after use (goal ≤ 150), {role}",
                        peak_rss_mb(term.pid()),
                        "MB",
                        scale,
                    )
                )
        finally:
            term.close()
    return rows


if __name__ == "__main__":
    for row in run("--quick" in sys.argv):
        print(f"{row['benchmark']:<15} {row['figure']:<48} {row['value']:>9} {row['unit']:<3}"
              f" {row['note']}")  # fmt: skip
