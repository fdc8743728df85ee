"""Every mutation writes its change-log entries in the same transaction, or nothing."""

from __future__ import annotations

import json

import pytest
from kenttä_sync.device.replica import WriteError

from kenttä.store.db import Store


def changes(store: Store) -> list[tuple]:
    return store.conn.execute(
        "SELECT tbl, row_id, col, op, value, tx_id FROM _changes ORDER BY seq"
    ).fetchall()


def test_insert_writes_one_insert_entry(store: Store) -> None:
    with store.replica.transaction("testi") as tx:
        row_id = tx.insert("clients", {"first_name": "Aino", "last_name": "Ärjä"})
    log = changes(store)
    assert len(log) == 1
    tbl, logged_id, col, op, value, _ = log[0]
    assert (tbl, logged_id, col, op) == ("clients", row_id, None, "insert")
    assert json.loads(value)["last_name"] == "Ärjä"


def test_update_logs_only_changed_columns(store: Store) -> None:
    with store.replica.transaction("testi") as tx:
        row_id = tx.insert("clients", {"first_name": "Aino", "last_name": "Ärjä", "phone": "1"})
    with store.replica.transaction("testi") as tx:
        changed = tx.update("clients", row_id, {"first_name": "Aino", "phone": "2"})
    assert changed == ["phone"]
    log = changes(store)
    assert [(c[2], c[3], json.loads(c[4])) for c in log[1:]] == [("phone", "update", "2")]
    with store.replica.transaction("testi") as tx:
        assert tx.update("clients", row_id, {"phone": "2"}) == []
    assert len(changes(store)) == 2


def test_changes_of_one_transaction_share_its_id(store: Store) -> None:
    with store.replica.transaction("testi") as tx:
        client = tx.insert("clients", {"first_name": "A", "last_name": "B"})
        tx.insert(
            "notes",
            {"client_id": client, "author": "t", "written_at": "2026-01-01T10:00:00", "body": "x"},
        )
        tx.update("clients", client, {"status": "met"})
    log = changes(store)
    assert len(log) == 3
    assert len({c[5] for c in log}) == 1
    seqs = store.conn.execute("SELECT device_seq FROM _changes ORDER BY seq").fetchall()
    assert [s[0] for s in seqs] == [1, 2, 3]


def test_bulk_insert_logs_every_row(store: Store) -> None:
    rows = [{"first_name": f"N{i}", "last_name": "Mäkelä"} for i in range(100)]
    with store.replica.transaction("testi") as tx:
        assert tx.bulk_insert("clients", rows) == 100
    ids = {r[0] for r in store.conn.execute("SELECT id FROM clients")}
    logged = {c[1] for c in changes(store) if c[3] == "insert"}
    assert ids == logged and len(ids) == 100


def test_a_failure_inside_leaves_neither_row_nor_change(store: Store) -> None:
    with store.replica.transaction("testi") as tx:
        kept = tx.insert("clients", {"first_name": "Pysyy", "last_name": "Tallessa"})
    before = changes(store)
    with pytest.raises(RuntimeError), store.replica.transaction("testi") as tx:
        tx.insert("clients", {"first_name": "Katoaa", "last_name": "Pois"})
        tx.update("clients", kept, {"phone": "040"})
        raise RuntimeError("the battery died")
    assert changes(store) == before
    assert store.conn.execute("SELECT count(*) FROM clients").fetchone() == (1,)
    assert store.conn.execute("SELECT phone FROM clients").fetchone() == (None,)
    # the device sequence did not advance: the next change continues with no gap
    with store.replica.transaction("testi") as tx:
        tx.update("clients", kept, {"phone": "050"})
    seqs = [r[0] for r in store.conn.execute("SELECT device_seq FROM _changes ORDER BY seq")]
    assert seqs == [1, 2]


def test_a_bad_write_in_between_rolls_back_the_whole_transaction(store: Store) -> None:
    with pytest.raises(WriteError), store.replica.transaction("testi") as tx:
        tx.insert("clients", {"first_name": "A", "last_name": "B"})
        tx.insert("clients", {"first_name": "A", "last_name": "B", "no_such_column": 1})
    assert store.conn.execute("SELECT count(*) FROM clients").fetchone() == (0,)
    assert changes(store) == []


def test_append_only_tables_refuse_updates(store: Store) -> None:
    with store.replica.transaction("testi") as tx:
        note = tx.insert(
            "notes", {"client_id": "c", "author": "t", "written_at": "2026-01-01", "body": "x"}
        )
    with pytest.raises(WriteError), store.replica.transaction("testi") as tx:
        tx.update("notes", note, {"body": "muutettu"})
    assert store.conn.execute("SELECT body FROM notes").fetchone() == ("x",)


def test_delete_is_a_logged_tombstone(store: Store) -> None:
    with store.replica.transaction("testi") as tx:
        row_id = tx.insert("employers", {"name": "Savon Metalli Oy"})
    with store.replica.transaction("testi") as tx:
        tx.delete("employers", row_id)
    assert store.conn.execute("SELECT _deleted IS NOT NULL FROM employers").fetchone() == (1,)
    assert changes(store)[-1][3] == "delete"
