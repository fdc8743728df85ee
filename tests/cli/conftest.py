"""A caseload database for the command line's language tests (test_cli_i18n.py,
test_cli_refusals_i18n.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kenttä.config import Config
from kenttä.services.context import Workspace
from kenttä.store.db import open_store
from tests.ui.caseload import build_caseload, grant_budget
from tests.ui.i18n_words import data_words
from tests.ui.screens_i18n import add_vouchers_and_conflict, fixed_zone


@pytest.fixture
def caseload_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    fixed_zone(monkeypatch)
    store = open_store(tmp_path / "cli.db")
    ws = Workspace(store, Config(user="testi.valmentaja", scope="kuopio", role="supervisor"))
    ws.ids = build_caseload(ws)  # type: ignore[attr-defined]
    grant_budget(ws, "TOPI")
    grant_budget(ws, "KUOPIO")
    add_vouchers_and_conflict(ws)
    allowed = data_words(store.conn)
    names = [
        f"{last} {first}"
        for first, last in store.conn.execute("SELECT first_name, last_name FROM clients")
    ]
    store.close()
    return str(tmp_path / "cli.db"), allowed, names
