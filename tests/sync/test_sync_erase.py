"""Erasure: everywhere, including change logs and FTS, and permanent."""

from __future__ import annotations

import pytest
from kenttä_sync.device.replica import WriteError
from kenttä_sync.ground.export import canonical_export
from kenttä_sync.transport.protocol import in_process, push_once, sync

from tests.sync.sync_helpers import SCHEMA, new_replica

BASE = 1_790_000_000_000


class Wall:
    def __init__(self) -> None:
        self.ms = BASE

    def __call__(self) -> int:
        self.ms += 1
        return self.ms


def everything(db) -> str:
    tables = [t.name for t in SCHEMA.tables] + ["_changes", "_conflicts", "_merges"]
    return "\n".join(repr(db.execute(f"SELECT * FROM {t}")) for t in tables)


def test_erase_reaches_every_replica_log_and_dependent(make_central) -> None:
    central = make_central(wall=Wall())
    a, b = new_replica(device_id="a", wall=Wall()), new_replica(device_id="b", wall=Wall())
    for d in (a, b):
        central.register_device(d.device_id, ["s1"])
    send = in_process(central)
    with a.transaction("u") as tx:
        party = tx.insert(
            "party", {"scope": "s1", "key": "SECRETKEY", "name": "SECRETNAME", "note": "kept"}
        )
        tx.insert(
            "task", {"scope": "s1", "party_id": party, "title": "SECRETTITLE", "state": "open"}
        )
        tx.insert("entry", {"scope": "s1", "party_id": party, "body": "SECRETBODY"})
    with a.transaction("u") as tx:
        tx.update("party", party, {"name": "SECRETNAME2"})
    other = None
    with a.transaction("u") as tx:
        other = tx.insert("party", {"scope": "s1", "name": "unrelated"})
    for d in (a, b, a):
        sync(d, send)
    # b edits the name while it has not yet seen the erasure
    with b.transaction("u") as tx:
        tx.update("party", party, {"name": "SECRETSTALE", "note": "late note"})
    with a.transaction("u") as tx:
        tx.erase("party", party)
    for d in (a, b, a, b):
        sync(d, send)
    for db in (central.db, a.db, b.db):
        text = everything(db)
        for secret in ("SECRETKEY", "SECRETNAME", "SECRETTITLE", "SECRETBODY", "SECRETSTALE"):
            assert secret not in text
        assert "unrelated" in text
        row = db.execute("SELECT name, key, note, _erased FROM party WHERE id = ?", (party,))[0]
        assert row[:3] == (None, None, "late note") and row[3] is not None
        assert db.execute("SELECT state, _erased IS NOT NULL FROM task")[0] == ("open", True)
    expected = canonical_export(central.db, SCHEMA)
    assert canonical_export(a.db, SCHEMA) == expected == canonical_export(b.db, SCHEMA)
    assert other is not None


def test_a_stale_device_cannot_bring_erased_data_back(make_central) -> None:
    central = make_central(wall=Wall())
    a, b = new_replica(device_id="a", wall=Wall()), new_replica(device_id="b", wall=Wall())
    for d in (a, b):
        central.register_device(d.device_id, ["s1"])
    send = in_process(central)
    with a.transaction("u") as tx:
        party = tx.insert("party", {"scope": "s1", "name": "x"})
    sync(a, send)
    sync(b, send)
    with a.transaction("u") as tx:
        tx.erase("party", party)
    sync(a, send)
    # b, offline, attaches new personal data to the erased row
    with b.transaction("u") as tx:
        tx.insert("task", {"scope": "s1", "party_id": party, "title": "STALETITLE"})
        tx.insert("entry", {"scope": "s1", "party_id": party, "body": "STALEBODY"})
        tx.update("party", party, {"name": "STALENAME"})
    sync(b, send)
    sync(a, send)
    for db in (central.db, a.db, b.db):
        text = everything(db)
        assert "STALE" not in text


def test_erasure_updates_a_trigger_maintained_fts_index() -> None:
    replica = new_replica(device_id="dev")
    conn = replica.conn
    conn.executescript(
        """
        CREATE VIRTUAL TABLE entry_fts USING fts5(body, content='entry', content_rowid='rowid',
          tokenize='unicode61 remove_diacritics 0');
        CREATE TRIGGER entry_ai AFTER INSERT ON entry BEGIN
          INSERT INTO entry_fts (rowid, body) VALUES (new.rowid, new.body); END;
        CREATE TRIGGER entry_au AFTER UPDATE ON entry BEGIN
          INSERT INTO entry_fts (entry_fts, rowid, body) VALUES ('delete', old.rowid, old.body);
          INSERT INTO entry_fts (rowid, body) VALUES (new.rowid, new.body); END;
        """
    )
    with replica.transaction("u") as tx:
        party = tx.insert("party", {"scope": "s1"})
        tx.insert("entry", {"scope": "s1", "party_id": party, "body": "tämä sana"})
    assert (
        conn.execute("SELECT COUNT(*) FROM entry_fts WHERE entry_fts MATCH 'sana'").fetchone()[0]
        == 1
    )
    erased: list[tuple[str, str]] = []
    replica.on_erase = lambda table, row: erased.append((table, row))
    with replica.transaction("u") as tx:
        tx.erase("party", party)
    assert (
        conn.execute("SELECT COUNT(*) FROM entry_fts WHERE entry_fts MATCH 'sana'").fetchone()[0]
        == 0
    )
    assert {t for t, _ in erased} == {"party", "entry"}


def test_erasing_a_merged_row_erases_its_canonical_twin(make_central) -> None:
    central = make_central(wall=Wall())
    a, b = new_replica(device_id="a", wall=Wall()), new_replica(device_id="b", wall=Wall())
    for d in (a, b):
        central.register_device(d.device_id, ["s1"])
    send = in_process(central)
    with a.transaction("u") as tx:
        pa = tx.insert("party", {"scope": "s1", "key": "K", "name": "TWIN_A"})
    with b.transaction("u") as tx:
        pb = tx.insert("party", {"scope": "s1", "key": "K", "name": "TWIN_B"})
    sync(a, send)
    push_once(b, send)  # merged at the central store; b has not heard of it yet
    with b.transaction("u") as tx:
        tx.erase("party", pb)
    for d in (a, b, a, b):
        sync(d, send)
    for db in (central.db, a.db, b.db):
        assert "TWIN" not in everything(db)
        erased = db.execute("SELECT id FROM party WHERE _erased IS NOT NULL")
        assert sorted(r[0] for r in erased) == sorted([pa, pb])


def test_a_duplicate_in_the_same_push_as_its_twins_erasure_is_erased_too(make_central) -> None:
    central = make_central(wall=Wall())
    a, b = new_replica(device_id="a", wall=Wall()), new_replica(device_id="b", wall=Wall())
    for d in (a, b):
        central.register_device(d.device_id, ["s1"])
    send = in_process(central)
    with a.transaction("u") as tx:
        pa = tx.insert("party", {"scope": "s1", "key": "K", "name": "TWIN_A"})
    sync(a, send)
    sync(b, send)
    with b.transaction("u") as tx:  # b makes a duplicate, then erases the original
        tx.insert("party", {"scope": "s1", "key": "K", "name": "TWIN_B"})
    with b.transaction("u") as tx:
        tx.erase("party", pa)
    for d in (b, a, b):
        sync(d, send)
    for db in (central.db, a.db, b.db):
        assert "TWIN" not in everything(db)


def test_nothing_new_can_be_attached_to_a_row_known_to_be_erased() -> None:
    replica = new_replica(device_id="dev")
    with replica.transaction("u") as tx:
        party = tx.insert("party", {"scope": "s1", "name": "x"})
    with replica.transaction("u") as tx:
        tx.erase("party", party)
    with pytest.raises(WriteError, match="was erased"), replica.transaction("u") as tx:
        tx.insert("entry", {"scope": "s1", "party_id": party, "body": "new"})
    with pytest.raises(WriteError), replica.transaction("u") as tx:
        tx.update("party", party, {"name": "back"})
