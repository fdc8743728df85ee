"""Central stores for the budget tests, on each backend of `store_url` (tests/conftest.py:
SQLite, and PostgreSQL from the session's throwaway cluster)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


def open_central(url: str) -> Any:
    """A central store with the server's tables (enrolment, counters)."""
    from kenttä_sync.transport.server.stores import connect_central

    from kenttä.store.schema import SCHEMA

    return connect_central(url, SCHEMA, install=True)


@pytest.fixture
def central(store_url: str) -> Iterator[Any]:
    store = open_central(store_url)
    yield store
    store.close()
