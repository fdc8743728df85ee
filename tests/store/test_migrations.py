"""Opening and upgrading the local database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kenttä.store.db import LATEST_VERSION, StoreError, open_store, schema_version
from kenttä.store.fts import search_notes


def _note(client_id: str, body: str) -> dict:
    return {
        "client_id": client_id,
        "author": "testi",
        "written_at": "2026-11-20T09:00:00+00:00",
        "kind": "meeting",
        "body": body,
        "scope": "kuopio",
    }


def test_upgrade_from_the_first_schema_version(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = open_store(path, target_version=1)
    assert schema_version(old.conn) == 1
    assert old.conn.execute(
        "SELECT count(*) FROM sqlite_master WHERE name = 'notes_fts'"
    ).fetchone() == (0,)
    # the client as the first schema held it (the replica writes today's columns, which
    # include those later migrations add)
    client = "01900000-0000-7000-8000-000000000001"
    with old.conn:
        old.conn.execute(
            "INSERT INTO clients (id, scope, first_name, last_name, _stamp)"
            " VALUES (?, 'kuopio', 'Väinö', 'Pölönen', '0')",
            (client,),
        )
    with old.replica.transaction("testi") as tx:
        tx.insert("notes", _note(client, "Tämä tapaaminen sujui hyvin, työkokeilu alkaa."))
        tx.insert("notes", _note(client, "Puhelu: hygieniapassi on suoritettu."))
    changes_before = old.conn.execute("SELECT count(*) FROM _changes").fetchone()[0]
    device = old.device_id
    old.close()

    new = open_store(path)
    assert schema_version(new.conn) == LATEST_VERSION
    assert new.device_id == device
    assert new.conn.execute("SELECT count(*) FROM notes").fetchone() == (2,)
    assert new.conn.execute("SELECT count(*) FROM _changes").fetchone()[0] == changes_before
    assert len(search_notes(new.conn, "työkokeilu")) == 1
    assert len(search_notes(new.conn, "hygieniapassi")) == 1
    found = new.conn.execute(
        "SELECT rowid FROM clients_fts WHERE clients_fts MATCH 'pölönen'"
    ).fetchall()
    assert len(found) == 1
    # and the upgraded database keeps working: new notes are indexed by the triggers
    with new.replica.transaction("testi") as tx:
        tx.insert("notes", _note(client, "Uusi merkintä: työhönvalmennus."))
    assert len(search_notes(new.conn, "työhönvalmennus")) == 1
    new.close()


def test_upgrade_to_5_adds_the_start_data_columns_and_keeps_clients(tmp_path: Path) -> None:
    """Migration 0005 (issue 15): the new client columns exist, empty, on an old file."""
    path = tmp_path / "v4.db"
    old = open_store(path, target_version=4)
    with old.conn:
        old.conn.execute(
            "INSERT INTO clients (id, scope, first_name, last_name, benefit_days, _stamp)"
            " VALUES ('c1', 'kuopio', 'Väinö', 'Pölönen', 510, '0')"
        )
    old.close()
    new = open_store(path)
    assert schema_version(new.conn) == LATEST_VERSION >= 5
    row = new.conn.execute(
        "SELECT first_name, benefit_days, third_country_national, consent_date,"
        " months_unemployed_last_16, earnings_related_allowance, eligibility_exception,"
        " eligibility_exception_programme, eligibility_exception_on FROM clients WHERE id = 'c1'"
    ).fetchone()
    assert row == ("Väinö", 510, None, None, None, None, None, None, None)
    new.close()


def test_reopening_applies_nothing_twice(tmp_path: Path) -> None:
    path = tmp_path / "k.db"
    open_store(path).close()
    again = open_store(path)
    assert schema_version(again.conn) == LATEST_VERSION
    again.close()


def test_a_database_from_a_newer_kenttä_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError) as info:
        open_store(path)
    assert "newer kenttä" in str(info.value)


def test_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError) as info:
        open_store(path)
    assert "\n" not in str(info.value)


def test_missing_file_without_create(tmp_path: Path) -> None:
    with pytest.raises(StoreError):
        open_store(tmp_path / "nope.db", create=False)
    assert not (tmp_path / "nope.db").exists()


def test_feedback_from_before_the_questionnaire_stays_readable(tmp_path: Path) -> None:
    """Schema 9 adds per-question scores; a row with only the old single rating reads as the
    answer to the overall question, in the card's list and in the report."""
    from kenttä.config import Config
    from kenttä.services.clients.feedback import feedback_of
    from kenttä.services.context import Workspace
    from kenttä.services.reports.feedback import feedback_report

    path = tmp_path / "old.db"
    old = open_store(path, target_version=4)
    old.conn.execute("BEGIN")
    old.conn.execute(
        "INSERT INTO clients (id, scope, first_name, last_name, _stamp) VALUES"
        " ('c1', 'kuopio', 'Testi', 'Asiakas', '1')"
    )
    old.conn.execute(
        "INSERT INTO feedback (id, scope, client_id, given_on, service_code, rating, comment,"
        " _stamp) VALUES ('f1', 'kuopio', 'c1', '2025-05-02', 'coaching', 4, '', '1')"
    )
    old.conn.execute("COMMIT")
    old.close()

    new = open_store(path)
    assert schema_version(new.conn) == LATEST_VERSION
    ws = Workspace(new, Config(user="testi.valmentaja", scope="kuopio"))
    (row,) = feedback_of(ws, "c1")
    assert row["scores"] == {"satisfaction": 4} and row["rating"] == 4
    report = feedback_report(ws, by="service")
    assert report["total"]["responses"] == 1
    assert report["total"]["questions"]["satisfaction"] == {"count": 1, "mean": 4.0}
    assert report["total"]["questions"]["useful"] == {"count": 0, "mean": None}
    new.close()
