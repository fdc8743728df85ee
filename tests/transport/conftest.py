"""Fixtures for the transport tests: a central store URL on SQLite or PostgreSQL, a server.

PostgreSQL comes from the sync tests' throwaway cluster (tests/sync/sync_helpers.py): the
tests skip without the server binaries, except under CI=true, where they fail.
"""

from __future__ import annotations

import itertools
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "sync"))
from sync_helpers import pg_bindir, throwaway_postgres

from tests.transport.helpers import Server

_databases = itertools.count()


@pytest.fixture(scope="session")
def pg_conninfo() -> Iterator[str]:
    bindir = pg_bindir()
    if bindir is None:
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL server binaries not found (required under CI=true)")
        pytest.skip("PostgreSQL server binaries not found")
    with throwaway_postgres(bindir) as conninfo:
        yield conninfo


def pg_url(conninfo: str) -> str:
    """A fresh database in the cluster, as a postgresql:// URL."""
    import psycopg

    parts = dict(item.split("=", 1) for item in conninfo.split())
    name = f"kt{os.getpid()}_{next(_databases)}"
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return f"postgresql://{parts['user']}@/{name}?host={parts['host']}&port={parts['port']}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgres":
        return pg_url(request.getfixturevalue("pg_conninfo"))
    return f"sqlite:{tmp_path / 'central.db'}"


@pytest.fixture
def sqlite_store_url(tmp_path: Path) -> str:
    return f"sqlite:{tmp_path / 'central.db'}"


@pytest.fixture
def server(tmp_path: Path):
    """A factory: server(store_url) starts `kenttä server run` (stopped at teardown)."""
    started: list[Server] = []

    def start(store_url: str) -> Server:
        srv = Server(store_url, log=tmp_path / f"server{len(started)}.log").start()
        started.append(srv)
        return srv

    yield start
    for srv in started:
        srv.stop()
