"""Migration 0011 (issue 16) on a database that has placements and employers already."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from kenttä.config import Config
from kenttä.services.context import Workspace
from kenttä.services.employers import core as employers
from kenttä.services.employers import paths, placements
from kenttä.store.db import LATEST_VERSION, _replica_of_version, open_store, schema_version


def test_old_placements_become_one_step_paths_and_the_new_columns_are_indexed(tmp_path: Path):
    path = tmp_path / "old.db"
    old = open_store(path, target_version=4)
    old.replica = _replica_of_version(old)  # writes as a version-4 kenttä would
    with old.replica.transaction("testi") as tx:
        client = tx.insert(
            "clients", {"first_name": "Testi", "last_name": "Asiakas", "scope": "default"}
        )
        employer = tx.insert(
            "employers",
            {"name": "Testi Oy", "sponsor": True, "kind": "company", "scope": "default"},
        )
        tx.insert(
            "placements",
            {"client_id": client, "employer_id": employer, "kind": "job",
             "start_date": "2026-01-02", "follow_ups": [], "scope": "default"},
        )  # fmt: skip
    old.close()

    new = open_store(path)
    assert schema_version(new.conn) == LATEST_VERSION
    indexes = {r[0] for r in new.conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"_ix_placements_follows", "_ix_placements_employed_by"} <= indexes
    assert "_ix_event_attendees_client_id" in indexes
    ws = Workspace(new, Config(user="testi", scope="default", role="supervisor"))
    (found,) = paths.paths_for_client(ws, client)
    assert found.kinds == ["job"] and found.first["learning_periods"] == []
    assert paths.outcome_from_paths(ws, client, date(2026, 2, 1)) == "job"
    assert employers.get_employer(ws, employer).sponsor_since is None
    later = placements.add_placement(
        ws, client_id=client, employer_id=employer, kind="job",
        start_date=date(2026, 3, 1), follows=found.last["id"],
    )  # fmt: skip
    assert [s["id"] for s in paths.paths_for_client(ws, client)[0].steps][-1] == later.id
    new.close()
