"""`kenttä doctor`: the health of the demo database, an encrypted one and a damaged one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from kenttä.services.data.demo import build_demo
from kenttä.store.db import LATEST_VERSION, open_store

KENTTA = str(Path(sys.executable).with_name("kenttä"))
PASS = "tunturi kelo revontuli 42"


def doctor(db: Path, *args: str, passphrase: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "KENTTA_PASSPHRASE"}
    if passphrase:
        env["KENTTA_PASSPHRASE"] = passphrase
    return subprocess.run(
        [KENTTA, "--db", str(db), "doctor", *args],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


def make_demo(path: Path, passphrase: str | None = None) -> dict[str, int]:
    store = open_store(path, passphrase=passphrase)
    try:
        return build_demo(store, today=date(2026, 3, 16), clients=30)
    finally:
        store.close()


def test_demo_database_is_healthy_with_counts_and_unsent_changes(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    counts = make_demo(db)
    result = doctor(db, "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["healthy"] is True
    assert report["schema_version"] == LATEST_VERSION
    assert report["integrity"] == ["ok"]
    assert report["fts"] == {"clients_fts": "ok", "employers_fts": "ok", "notes_fts": "ok"}
    for table, rows in counts.items():
        assert report["tables"][table] == rows
    assert "notes_fts_data" not in report["tables"]  # the index's shadow tables are not listed
    assert report["unsent_changes"] == report["tables"]["_changes"] > 0
    assert report["last_sync"] is None
    assert report["encrypted"] is False


def test_human_report_is_in_the_configured_language(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    make_demo(db)
    Path(os.environ["KENTTA_CONFIG"]).write_text('language = "sv"\n', encoding="utf-8")
    result = doctor(db)
    assert result.returncode == 0
    assert "Databasen är i skick." in result.stdout
    assert "Osända ändringar" in result.stdout


def test_encrypted_database_is_read_with_the_passphrase(tmp_path: Path) -> None:
    db = tmp_path / "secret.db"
    make_demo(db, PASS)
    without = doctor(db, "--json")
    assert without.returncode == 1
    assert json.loads(without.stdout)["problems"] == ["passphrase_needed"]
    wrong = doctor(db, "--json", passphrase="väärä lause")
    assert wrong.returncode == 1
    assert json.loads(wrong.stdout)["problems"] == ["unreadable"]
    right = doctor(db, "--json", passphrase=PASS)
    assert right.returncode == 0, right.stdout
    report = json.loads(right.stdout)
    assert report["encrypted"] is True and report["healthy"] is True
    assert report["tables"]["clients"] == 30


def _damage_a_table_page(db: Path) -> None:
    """Overwrite one page in the middle of the notes table's b-tree with garbage."""
    import sqlite3

    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'notes'").fetchone()[0]
    conn.close()
    with db.open("r+b") as f:
        f.seek((root - 1) * page_size)
        f.write(b"\xa5" * page_size)


def test_damaged_database_is_reported_with_a_nonzero_exit(tmp_path: Path) -> None:
    db = tmp_path / "damaged.db"
    make_demo(db)
    _damage_a_table_page(db)
    result = doctor(db, "--json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["healthy"] is False
    assert "integrity" in report["problems"]
    human = doctor(db)
    assert human.returncode == 1
    assert "eheystarkistus löysi vikoja" in human.stdout
    assert "Traceback" not in human.stderr


def test_not_a_database_and_a_missing_file(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is a shopping list, not a database\n" * 200)
    # no SQLite header: as far as anyone can tell without a passphrase, an encrypted file
    assert json.loads(doctor(junk, "--json").stdout)["problems"] == ["passphrase_needed"]
    assert json.loads(doctor(junk, "--json", passphrase=PASS).stdout)["problems"] == ["unreadable"]
    missing = doctor(tmp_path / "nowhere.db", "--json")
    assert missing.returncode == 1
    assert json.loads(missing.stdout)["problems"] == ["missing"]
    assert not (tmp_path / "nowhere.db").exists()  # doctor never creates a database


def test_stale_search_index_is_found_and_repaired(tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "demo.db"
    make_demo(db)
    conn = sqlite3.connect(db)  # what a crash mid-bulk-load leaves: a row the index never saw
    conn.execute("DROP TRIGGER notes_fts_au")
    conn.execute(
        "UPDATE notes SET body = 'tunturipöllö' WHERE rowid = (SELECT min(rowid) FROM notes)"
    )
    conn.commit()
    conn.close()
    before = json.loads(doctor(db, "--json").stdout)
    assert before["fts"]["notes_fts"] != "ok"
    assert "fts" in before["problems"]
    repaired = doctor(db, "--json", "--repair")
    assert repaired.returncode == 0, repaired.stdout
    assert json.loads(repaired.stdout)["fts"]["notes_fts"] == "ok"
    store = open_store(db)
    try:
        from kenttä.store.fts import search_notes

        assert len(search_notes(store.conn, "tunturipöllö")) == 1
    finally:
        store.close()


@pytest.mark.parametrize("command", [["doctor", "--help"]])
def test_doctor_has_help(command: list[str]) -> None:
    result = subprocess.run([KENTTA, *command], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert "--repair" in result.stdout
