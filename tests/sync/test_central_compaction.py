"""The central store after an erasure: WAL truncated (SQLite), touched tables vacuumed
(PostgreSQL), and a compaction that could not finish tried again at the next push."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from kenttä_sync.central import compaction as central_compaction
from kenttä_sync.central.store import open_sqlite
from kenttä_sync.device import state as device
from kenttä_sync.ground.changes import Op
from kenttä_sync.transport.protocol import in_process, push_once, sync

from tests.sync.sync_helpers import SCHEMA, new_replica, pg_store


def _device_with_party(central, device_id: str = "a"):  # type: ignore[no-untyped-def]
    replica = new_replica(device_id=device_id)
    central.register_device(replica.device_id, ["s1"])
    with replica.transaction("u") as tx:
        party = tx.insert("party", {"scope": "s1", "key": "SECRETKEY", "name": "SECRETNAME"})
        tx.insert("entry", {"scope": "s1", "party_id": party, "body": "SECRETBODY"})
    sync(replica, in_process(central))
    return replica, party


def test_touched_tables_follow_erase_with_and_include_the_log() -> None:
    assert central_compaction.touched_tables(SCHEMA, ["party"]) == [
        "party", "task", "entry", "_changes", "_conflicts",
    ]  # fmt: skip
    assert central_compaction.touched_tables(SCHEMA, ["task"]) == ["task", "_changes", "_conflicts"]


def test_sqlite_wal_is_truncated_after_an_erasing_push(tmp_path: Path) -> None:
    path = tmp_path / "central.db"
    central = open_sqlite(str(path), SCHEMA)
    replica, party = _device_with_party(central)
    wal = Path(f"{path}-wal")
    assert b"SECRETNAME" in wal.read_bytes()  # the control: the insert is in the WAL
    with replica.transaction("u") as tx:
        tx.erase("party", party)
    push_once(replica, in_process(central))
    assert wal.stat().st_size == 0
    assert b"SECRETNAME" not in path.read_bytes()
    assert b"SECRETBODY" not in path.read_bytes()
    assert not central_compaction.pending(central.db)
    central.close()


def test_a_busy_checkpoint_is_retried_at_the_next_push(tmp_path: Path) -> None:
    path = tmp_path / "central.db"
    central = open_sqlite(str(path), SCHEMA)
    replica, party = _device_with_party(central)
    reader = sqlite3.connect(path, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM party").fetchone()  # holds a snapshot: no truncate
    with replica.transaction("u") as tx:
        tx.erase("party", party)
    push_once(replica, in_process(central))
    assert central_compaction.pending(central.db)
    assert b"SECRETNAME" in Path(f"{path}-wal").read_bytes()
    reader.execute("COMMIT")
    reader.close()
    with replica.transaction("u") as tx:  # an ordinary push later finishes the compaction
        tx.insert("party", {"scope": "s1", "name": "other"})
    push_once(replica, in_process(central))
    assert not central_compaction.pending(central.db)
    assert Path(f"{path}-wal").stat().st_size == 0
    central.close()


def test_inside_a_callers_transaction_it_is_left_pending(make_central) -> None:
    central = make_central()
    replica, party = _device_with_party(central)
    with replica.transaction("u") as tx:
        tx.erase("party", party)
    todo = device.pending(replica, 100)
    assert [c.op for c in todo] == [Op.ERASE]
    with central.db.transaction():  # as a bundle import does
        central.push(replica.device_id, todo)
        assert central_compaction.pending(central.db)
    assert central_compaction.after_push(central.db, central.schema, []) is True
    assert not central_compaction.pending(central.db)
    assert "SECRETNAME" not in repr(central.db.execute("SELECT * FROM party"))


@pytest.mark.postgres
def test_postgres_vacuums_the_touched_tables(pg_cluster: str) -> None:
    central = pg_store(pg_cluster)
    try:
        replica, party = _device_with_party(central)
        before = _vacuums(central, "party")
        with replica.transaction("u") as tx:
            tx.erase("party", party)
        push_once(replica, in_process(central))
        assert _vacuums(central, "party") > before
        assert _vacuums(central, "entry") > 0  # erased with the party
        assert _vacuums(central, "_changes") > 0
        assert not central_compaction.pending(central.db)
    finally:
        central.close()


def _vacuums(central, table: str) -> int:  # type: ignore[no-untyped-def]
    central.db.execute("SELECT pg_stat_clear_snapshot()")
    rows = central.db.execute(
        "SELECT vacuum_count FROM pg_stat_user_tables WHERE relid = ?::regclass", (table,)
    )
    return int(rows[0][0]) if rows else 0
