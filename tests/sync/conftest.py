"""Fixtures for the sync tests: central stores on both backends.

The PostgreSQL cluster is a throwaway one started once per session (see
sync_helpers.throwaway_postgres). Without the server binaries the PostgreSQL tests skip,
except under CI=true, where they fail.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from kenttä_sync.central import CentralStore, open_sqlite
from kenttä_sync.schema import SyncSchema

from tests.sync.sync_helpers import SCHEMA, pg_bindir, pg_store, throwaway_postgres


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[str]:
    """A throwaway PostgreSQL cluster for the session; yields a libpq conninfo."""
    bindir = pg_bindir()
    if bindir is None:
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL server binaries not found (required under CI=true)")
        pytest.skip("PostgreSQL server binaries not found")
    with throwaway_postgres(bindir) as conninfo:
        yield conninfo


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    if request.param == "postgres":
        request.getfixturevalue("pg_cluster")
    return request.param


@pytest.fixture
def make_central(backend: str, request: pytest.FixtureRequest, tmp_path: Path):
    """A factory of central stores on the parametrised backend."""
    made: list[CentralStore] = []
    counter = itertools.count()

    def factory(schema: SyncSchema = SCHEMA, wall=None) -> CentralStore:
        if backend == "postgres":
            store = pg_store(request.getfixturevalue("pg_cluster"), schema, wall)
        else:
            store = open_sqlite(str(tmp_path / f"central{next(counter)}.db"), schema, wall)
        made.append(store)
        return store

    yield factory
    for store in made:
        store.close()
