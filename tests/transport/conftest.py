"""Fixtures for the transport tests. `store_url` (SQLite or PostgreSQL), `server` and the
session's PostgreSQL cluster come from tests/conftest.py."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def sqlite_store_url(tmp_path: Path) -> str:
    return f"sqlite:{tmp_path / 'central.db'}"
