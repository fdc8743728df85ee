"""Service tests run on the same synthetic caseload as the UI tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from kenttä.config import Config
from kenttä.services.context import Workspace
from kenttä.store.db import open_store
from tests.ui.caseload import build_caseload


@pytest.fixture
def ws(tmp_path: Path):
    store = open_store(tmp_path / "services.db")
    workspace = Workspace(store, Config(user="testi.valmentaja", scope="kuopio", role="coach"))
    workspace.ids = build_caseload(workspace)  # type: ignore[attr-defined]
    yield workspace
    store.close()
