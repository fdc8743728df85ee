"""Central stores for the budget tests (SQLite, and PostgreSQL from the sync tests'
throwaway cluster: skipped without the server binaries, except under CI=true, where the
tests fail) and devices with real local stores."""

from __future__ import annotations

import itertools
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "sync"))
from sync_helpers import pg_bindir, throwaway_postgres

CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
_databases = itertools.count()


@pytest.fixture(scope="session")
def pg_conninfo() -> Iterator[str]:
    bindir = pg_bindir()
    if bindir is None:
        if CI:
            pytest.fail("PostgreSQL server binaries not found (required under CI=true)")
        pytest.skip("PostgreSQL server binaries not found")
    with throwaway_postgres(bindir) as conninfo:
        yield conninfo


def pg_url(conninfo: str) -> str:
    """A fresh database in the cluster, as a postgresql:// URL."""
    import psycopg

    parts = dict(item.split("=", 1) for item in conninfo.split())
    name = f"kb{os.getpid()}_{next(_databases)}"
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return f"postgresql://{parts['user']}@/{name}?host={parts['host']}&port={parts['port']}"


def open_central(url: str) -> Any:
    """A central store with the server's tables (enrolment, counters)."""
    from kenttä_sync.server.stores import connect_central

    from kenttä.store.schema import SCHEMA

    return connect_central(url, SCHEMA, install=True)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgres":
        return pg_url(request.getfixturevalue("pg_conninfo"))
    return f"sqlite:{tmp_path / 'central.db'}"


@pytest.fixture
def central(store_url: str) -> Iterator[Any]:
    store = open_central(store_url)
    yield store
    store.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Any]:
    """A factory: server(store_url) starts `kenttä server run` (stopped at teardown)."""
    from tests.transport.helpers import Server

    started: list[Any] = []

    def start(store_url: str) -> Any:
        srv = Server(store_url, log=tmp_path / f"server{len(started)}.log").start()
        started.append(srv)
        return srv

    yield start
    for srv in started:
        srv.stop()
