"""Shared fixtures: every test gets its own database, config and data directory."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")


@pytest.fixture(autouse=True)
def _isolated_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test touches the user's real data or config."""
    monkeypatch.setenv("KENTTA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("KENTTA_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.delenv("KENTTA_DB", raising=False)
    monkeypatch.delenv("KENTTA_PASSPHRASE", raising=False)
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")


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
