"""Fixtures for the sync tests: central stores on both backends.

The PostgreSQL cluster is the session's throwaway one (`pg_cluster`, tests/conftest.py). Without the server binaries the PostgreSQL tests skip,
except under CI=true, where they fail.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from kenttä_sync.central.store import CentralStore, open_sqlite
from kenttä_sync.ground.schema import SyncSchema

from tests.sync.sync_helpers import SCHEMA, pg_store


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
