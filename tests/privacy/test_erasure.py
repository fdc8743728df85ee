"""Erasure and retention: after erase_client no byte of the canary is left on this device.

Uses the sync module's Transaction.erase; the tests skip (saying why) if it is absent.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from kenttä_sync.device.replica import Transaction

from kenttä.config import Config
from kenttä.services.context import Workspace
from kenttä.services.privacy import erasure
from kenttä.store.db import open_store
from tests.privacy import canary
from tests.privacy.conftest import add_canary

pytestmark = pytest.mark.skipif(
    not hasattr(Transaction, "erase"), reason="kenttä_sync has no Transaction.erase yet"
)
PASS = "oikea hevonen patteri niitti"


def _supervisor(path: Path, passphrase: str | None = None, **config: object) -> Workspace:
    return Workspace(
        open_store(path, passphrase=passphrase),
        Config(user="testi.esihenkilo", role="supervisor", scope="kuopio", **config),
    )


def _draft(ws: Workspace, client_id: str) -> None:
    ws.store.conn.execute(
        "INSERT INTO drafts (key, body, saved_at) VALUES (?, ?, '2026-01-01')",
        (f"note:{client_id}", canary.NOTE),
    )


def test_erase_leaves_no_canary_in_db_or_wal(tmp_path: Path) -> None:
    db = tmp_path / "plain.db"
    ws = _supervisor(db)
    client_id = add_canary(ws)
    _draft(ws, client_id)
    other = ws.store.replica  # a second client must survive untouched
    with other.transaction(ws.user) as tx:
        kept = tx.insert("clients", {"first_name": "Toinen", "last_name": "Asiakas"})
    assert canary.leaks(canary.files_of(db))  # the control: it is there before

    assert erasure.erase_client(ws, client_id) is True
    assert canary.leaks(canary.files_of(db)) == []  # while open: db, WAL, shm
    conn = ws.store.conn
    assert conn.execute("SELECT count(*) FROM drafts").fetchone() == (0,)
    assert (
        conn.execute(
            "SELECT rowid FROM clients_fts WHERE clients_fts MATCH ?", (canary.FIRST,)
        ).fetchall()
        == []
    )
    assert conn.execute("SELECT first_name FROM clients WHERE id = ?", (kept,)).fetchone() == (
        "Toinen",
    )
    event = conn.execute(
        "SELECT actor, detail, record_id FROM audit_events WHERE action = 'erase'"
    ).fetchone()
    assert event == ("testi.esihenkilo", "", client_id)
    assert erasure.erase_client(ws, client_id) is False  # already erased
    ws.close()
    assert canary.leaks(canary.files_of(db)) == []


def test_erase_in_an_encrypted_database(tmp_path: Path) -> None:
    db = tmp_path / "secret.db"
    ws = _supervisor(db, PASS)
    client_id = add_canary(ws)
    erasure.erase_client(ws, client_id)
    ws.close()
    ws = _supervisor(db, PASS)
    assert ws.store.conn.execute(
        "SELECT first_name, henkilotunnus FROM clients WHERE id = ?", (client_id,)
    ).fetchone() == (None, None)
    assert (
        ws.store.conn.execute("SELECT count(*) FROM notes WHERE body IS NOT NULL").fetchone()[0]
        == 0
    )
    ws.close()


def test_erase_reaches_a_peer_replica(tmp_path: Path) -> None:
    """The erase change, applied on another device, leaves the canary nowhere there either."""
    from kenttä_sync.ground.changes import CHANGE_LOG_COLUMNS, row_to_change

    def changes_of(ws: Workspace) -> list:  # type: ignore[type-arg]
        rows = ws.store.conn.execute(
            f"SELECT {', '.join(CHANGE_LOG_COLUMNS)} FROM _changes ORDER BY seq"
        ).fetchall()
        return [row_to_change(r) for r in rows]

    def apply(ws: Workspace, changes: list) -> None:  # type: ignore[type-arg]
        ws.store.conn.execute("BEGIN IMMEDIATE")
        ws.store.replica.engine().apply(changes)
        ws.store.conn.execute("COMMIT")

    a = _supervisor(tmp_path / "a.db")
    b = _supervisor(tmp_path / "b.db")
    client_id = add_canary(a)
    apply(b, changes_of(a))
    assert canary.leaks(canary.files_of(tmp_path / "b.db"))
    erasure.erase_client(a, client_id)
    apply(b, changes_of(a))
    erasure.compact_store(b.store.conn)
    for ws in (a, b):
        ws.close()
    assert canary.leaks(tmp_path.iterdir()) == []


def test_retention_candidates_and_purge(tmp_path: Path) -> None:
    ws = _supervisor(tmp_path / "plain.db", retention_years=5)
    old = add_canary(ws, exit_date=date(2019, 6, 30), status="finished")
    with ws.store.replica.transaction(ws.user) as tx:
        recent = tx.insert(
            "clients", {"first_name": "Uusi", "last_name": "Asiakas", "exit_date": "2022-01-01"}
        )
        tx.insert("clients", {"first_name": "Yhä", "last_name": "Asiakkaana"})
    today = date(2026, 3, 1)
    assert erasure.retention_cutoff(ws, today) == date(2021, 3, 1)
    found = erasure.purge(ws, today, dry_run=True)
    assert [c.client_id for c in found] == [old]
    assert ws.store.conn.execute(
        "SELECT count(*) FROM clients WHERE _erased IS NULL"
    ).fetchone() == (3,)
    erasure.purge(ws, today, dry_run=False)
    assert erasure.retention_candidates(ws, today) == []
    erased = {
        r[0] for r in ws.store.conn.execute("SELECT id FROM clients WHERE _erased IS NOT NULL")
    }
    assert erased == {old} and recent not in erased
    ws.close()
    assert canary.leaks(canary.files_of(tmp_path / "plain.db")) == []


def test_leap_day_cutoff(tmp_path: Path) -> None:
    ws = _supervisor(tmp_path / "plain.db", retention_years=5)
    assert erasure.retention_cutoff(ws, date(2028, 2, 29)) == date(2023, 2, 28)
    ws.close()


def test_cli_erase_and_purge(tmp_path: Path, cli_env: dict[str, str]) -> None:
    ws = _supervisor(Path(cli_env["KENTTA_DB"]))
    client_id = add_canary(ws, exit_date=date(2010, 1, 1))
    ws.close()
    dry = canary.run_cli(["purge", "--dry-run", "--json", "--today", "2026-01-01"], cli_env)
    assert dry.returncode == 0, dry.stderr
    assert client_id in dry.stdout and canary.text_leaks(dry.stdout + dry.stderr) == []
    no_yes = canary.run_cli(["erase", "client", canary.HETU], cli_env)
    assert no_yes.returncode == 1 and "--yes" in no_yes.stderr
    assert canary.text_leaks(no_yes.stdout + no_yes.stderr) == []
    done = canary.run_cli(["erase", "client", canary.HETU, "--yes"], cli_env)
    assert done.returncode == 0, done.stderr
    assert client_id in done.stdout and canary.text_leaks(done.stdout + done.stderr) == []
    again = canary.run_cli(["purge", "--yes", "--today", "2026-01-01"], cli_env)
    assert again.returncode == 0 and "erased 0 clients" in again.stderr
    assert canary.leaks(tmp_path.iterdir()) == []


def test_busy_database_defers_compaction(tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "plain.db"
    ws = _supervisor(db)
    client_id = add_canary(ws)
    reader = sqlite3.connect(db)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM clients").fetchone()  # holds a read snapshot
    assert erasure.erase_client(ws, client_id) is True
    assert erasure.compaction_pending(ws)
    reader.close()
    assert erasure.compact_store(ws.store.conn) is True
    assert not erasure.compaction_pending(ws)
    ws.close()
    assert canary.leaks(canary.files_of(db)) == []
