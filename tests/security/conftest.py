"""Fixtures of the trust tests: an office over each central store (SQLite, PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.security.trust_helpers import Office


@pytest.fixture
def office(store_url: str, tmp_path: Path) -> Iterator[Office]:
    made = Office(store_url, tmp_path)
    yield made
    made.close()


@pytest.fixture(params=["http", "bundle"])
def via(request: pytest.FixtureRequest) -> str:
    """How the tampered laptop's push reaches the office."""
    return str(request.param)
