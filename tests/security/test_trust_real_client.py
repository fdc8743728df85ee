"""The role policy holds for the laptop's own sync path, not only for the protocol's.

`kenttä sync` pulls through the office's piece routes (/v1/pull-chunk, kenttä_sync.resumable)
as well as /v1/sync: a coordinator's laptop that syncs with the real command against a real
server receives clients' names and contact data, never a note, a henkilötunnus or benefit
days. (Found by hand: the piece routes once answered without the role's read policy.)
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from kenttä.config import Config
from kenttä.services.clients import create_client
from kenttä.services.clients.notes import add_note
from kenttä.services.context import Workspace
from kenttä.store.db import open_store
from tests.transport.helpers import enrol_code, kentta

WORDS = "Luottamuksellinen tunturipöllö"


def test_a_coordinator_syncing_with_kentta_sync_gets_no_notes_or_identity(
    store_url: str, server, tmp_path: Path
) -> None:
    office = server(store_url)
    coach_db, coordinator_db = tmp_path / "coach.db", tmp_path / "coordinator.db"
    coach = Workspace(open_store(coach_db), Config(user="testi.valmentaja", scope="kuopio"))
    try:
        client = create_client(
            coach, first_name="Testi", last_name="Asiakas", phone="0401234567",
            benefit_days=600, henkilotunnus="010190-900P", scope="kuopio",
        )  # fmt: skip
        add_note(coach, client.id, WORDS)
    finally:
        coach.close()
    kentta("enroll", office.url, enrol_code(store_url, ["kuopio"], "coach"), db=coach_db)
    kentta("sync", db=coach_db)
    open_store(coordinator_db).close()
    code = enrol_code(store_url, ["kuopio"], "coordinator")
    kentta("enroll", office.url, code, db=coordinator_db)
    kentta("sync", db=coordinator_db)

    conn = sqlite3.connect(coordinator_db)
    try:
        assert conn.execute(
            "SELECT first_name, phone, henkilotunnus, benefit_days FROM clients"
        ).fetchall() == [("Testi", "0401234567", None, None)]
        assert conn.execute("SELECT count(*) FROM notes").fetchone() == (0,)
        leaked = conn.execute(
            "SELECT count(*) FROM _changes WHERE value LIKE '%tunturipöllö%'"
            " OR value LIKE '%010190-900P%'"
        )
        assert leaked.fetchone() == (0,)
    finally:
        conn.close()
