"""Shared fixtures: every test gets its own database, config and data directory."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.pg import CI, pg_url

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")


def _quicker_pilot_idle() -> None:
    """Textual's Pilot waits for "idle" after every key and `pause()` by sleeping in 20 ms
    windows until one passes with under 1 ms of the process's CPU (`textual._wait`): at
    least 40 ms a key, most of a UI test's time spent asleep. Windows of 5 ms (under
    0.25 ms of CPU) still wait for the work a key starts (it is CPU, in this process) and
    the tests wait for workers and layout themselves (`settle`); about a third off a
    UI test's wall time. KENTTA_TEST_IDLE_WINDOW overrides (0.02 is Textual's own)."""
    try:
        from textual import _wait
    except ImportError:  # Textual's layout changed: its own windows, as before
        return
    window = float(os.environ.get("KENTTA_TEST_IDLE_WINDOW", "0.005"))
    if hasattr(_wait, "SLEEP_GRANULARITY") and hasattr(_wait, "SLEEP_IDLE"):
        _wait.SLEEP_GRANULARITY = window
        _wait.SLEEP_IDLE = window / 20


_quicker_pilot_idle()

# Under xdist the longest tests start first and tests go out one at a time, so the workers
# finish together: in collection order a minutes-long test handed out last ran alone at the
# end while the other worker idled (the CI's tail). Order hints only, longest first (CI
# seconds on 2 cores): a name missing here just runs in its usual place.
LONGEST_FIRST = (
    "tests/sync/test_sync_property.py::test_convergence_postgres",  # ~190 s
    "tests/transport/test_kill.py::test_kill_9_of_the_server",  # ~150 s
    "tests/transport/test_kill.py::test_kill_9_of_the_client",  # ~70 s
    "tests/ui/test_i18n_walk.py::",  # ~25 s each language
)


def _longest_first(item: pytest.Item) -> int:
    """0 for the named longest tests (in that order), then slow or tmux tests and property
    tests (hypothesis runs its CI counts), then everything else."""
    for rank, name in enumerate(LONGEST_FIRST):
        if item.nodeid.startswith(name):
            return rank
    if item.get_closest_marker("slow") or item.get_closest_marker("tmux"):
        return len(LONGEST_FIRST)
    if _property_test(item):
        return len(LONGEST_FIRST) + 1
    return len(LONGEST_FIRST) + 2


def _property_test(item: pytest.Item) -> bool:
    """A hypothesis test: @given, a state machine's TestCase, or a *_property.py file."""
    if getattr(getattr(item, "obj", None), "is_hypothesis_test", False):
        return True
    cls = getattr(item, "cls", None)
    if cls is not None and any(base.__module__ == "hypothesis.stateful" for base in cls.__mro__):
        return True
    return item.path.name.endswith("_property.py")


def pytest_configure(config: pytest.Config) -> None:
    # xdist's load scheduling hands out chunks of consecutive tests; one at a time instead
    # keeps the longest-first order (it is list scheduling: the next test goes to the first
    # free worker). Costs a message per test, nothing measurable.
    if config.pluginmanager.hasplugin("xdist") and config.getoption("maxschedchunk") is None:
        config.option.maxschedchunk = 1


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    items.sort(key=_longest_first)  # stable: the rest keep their order


@pytest.fixture(autouse=True)
def _isolated_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test touches the user's real data or config."""
    monkeypatch.setenv("KENTTA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("KENTTA_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.delenv("KENTTA_DB", raising=False)
    monkeypatch.delenv("KENTTA_PASSPHRASE", raising=False)
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")


@pytest.fixture(autouse=True)
def _finnish_to_begin_with() -> Iterator[None]:
    """Each test starts in the app's default language, whatever a test before it switched to
    (an app made in Swedish, F9) in the same worker."""
    from kenttä.i18n import set_language

    set_language("fi")
    yield
    set_language("fi")


@pytest.fixture
def store(tmp_path: Path):
    from kenttä.store.db import open_store

    s = open_store(tmp_path / "kentta.db")
    yield s
    s.close()


@pytest.fixture
def workspace(store):
    from kenttä.config import Config
    from kenttä.services.context import Workspace

    return Workspace(store, Config(user="testi.valmentaja", scope="kuopio"))


@pytest.fixture(scope="session")
def pg_conninfo() -> Iterator[str]:
    """One throwaway PostgreSQL cluster for the whole session; a libpq conninfo."""
    from tests.sync.sync_helpers import pg_bindir, throwaway_postgres

    bindir = pg_bindir()
    if bindir is None:
        if CI:
            pytest.fail("PostgreSQL server binaries not found (required under CI=true)")
        pytest.skip("PostgreSQL server binaries not found")
    with throwaway_postgres(bindir) as conninfo:
        yield conninfo


@pytest.fixture(scope="session")
def pg_cluster(pg_conninfo: str) -> str:
    """The sync tests' name for the same cluster."""
    return pg_conninfo


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A central store URL on each backend (PostgreSQL: a fresh database)."""
    if request.param == "postgres":
        return pg_url(request.getfixturevalue("pg_conninfo"))
    return f"sqlite:{tmp_path / 'central.db'}"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Any]:
    """A factory: server(store_url) starts `kenttä server run` (stopped at teardown)."""
    from tests.transport.helpers import Server

    started: list[Any] = []

    def start(url: str) -> Any:
        srv = Server(url, log=tmp_path / f"server{len(started)}.log").start()
        started.append(srv)
        return srv

    yield start
    for srv in started:
        srv.stop()


def _tables_measuring(app: Any) -> bool:
    """A shown DataTable that has rows not yet measured (its height and widths are set when
    the app is idle): a frame now would show it empty or with the widths of before."""
    from textual.widgets import DataTable

    return any(
        table.display and (table._require_update_dimensions or table._updated_cells)
        for table in app.screen.query(DataTable)
    )


async def _until_steady(pilot: Any, *, breaths: int = 40) -> None:
    """Wait until no shown table is still measuring and two screenshots a breath apart are
    the same, so a snapshot never catches a screen between a worker's result and its layout
    (a busy machine can be frames late)."""
    previous = None
    for _ in range(breaths):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.05)
        if _tables_measuring(pilot.app):
            previous = None
            continue
        current = pilot.app.export_screenshot()
        if current == previous:
            return
        previous = current


@pytest.fixture
def snap_compare(snap_compare: Any) -> Any:
    """pytest-textual-snapshot's `snap_compare`, taken only once the screen stands still."""
    import inspect

    def compare(app: Any, *args: Any, run_before: Any = None, **kwargs: Any) -> bool:
        async def steady(pilot: Any) -> None:
            if run_before is not None:
                result = run_before(pilot)
                if inspect.isawaitable(result):
                    await result
            await _until_steady(pilot)

        return snap_compare(app, *args, run_before=steady, **kwargs)

    return compare
