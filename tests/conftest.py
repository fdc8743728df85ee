"""Shared fixtures: every test gets its own database, config and data directory."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.pg import CI, pg_url

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")


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
