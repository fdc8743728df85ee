"""The central log (format 2): inserts kept in their rows, history chains, whole
transactions on every page of a pull, and a store of the earlier format refused."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from kenttä_sync.central.store import StoreFormatError, open_sqlite
from kenttä_sync.transport.protocol import in_process, sync

from tests.sync.sync_helpers import SCHEMA, new_replica


def test_inserts_live_in_rows_and_pulls_keep_transactions_whole(make_central) -> None:
    central = make_central()
    a, b = new_replica(device_id="a"), new_replica(device_id="b")
    for d in (a, b):
        central.register_device(d.device_id, ["s1"])
    with a.transaction("ann") as tx:  # one transaction: two new rows and an update between
        p = tx.insert("party", {"scope": "s1", "name": "x", "level": 1})
        tx.update("party", p, {"level": 2})
        t = tx.insert("task", {"scope": "s1", "party_id": p, "state": "new"})
    with a.transaction("ann") as tx:
        tx.update("task", t, {"state": "a"})
    sync(a, in_process(central))
    assert central.head() == 4
    logged = central.db.execute("SELECT seq, op FROM _changes ORDER BY seq")
    assert logged == [(2, "update"), (4, "update")]  # the inserts are in their rows
    assert central.db.execute("SELECT _seq, _origin, _origin_seq, _last FROM party") == [
        (1, "a", 1, 2)
    ]
    first, cursor, more = central.pull("b", 0, limit=1)  # a page ends with its transaction
    assert [(c.op.value, c.table) for c in first] == [
        ("insert", "party"), ("update", "party"), ("insert", "task"),
    ]  # fmt: skip
    assert first[0].value["level"] == 2 and first[0].change_id == "a:1"
    assert (cursor, more) == (3, True)
    rest, cursor, more = central.pull("b", cursor, limit=1)
    assert [c.change_id for c in rest] == ["a:4"] and (cursor, more) == (4, True)
    assert central.pull("b", cursor, limit=1)[1:] == (4, False)
    assert [c.change_id for c in central.log()] == ["a:1", "a:2", "a:3", "a:4"]


def test_concurrent_writes_are_found_along_the_row_history(make_central) -> None:
    central = make_central()
    a, b = new_replica(device_id="a"), new_replica(device_id="b")
    for d in (a, b):
        central.register_device(d.device_id, ["s1"])
    with a.transaction("ann") as tx:
        p = tx.insert("party", {"scope": "s1", "note": "0"})
    sync(a, in_process(central))
    sync(b, in_process(central))
    for i in range(5):  # a long history on another column first
        with a.transaction("ann") as tx:
            tx.update("party", p, {"level": i})
    with a.transaction("ann") as tx:
        tx.update("party", p, {"note": "ann"})
    with b.transaction("ben") as tx:
        tx.update("party", p, {"note": "ben"})
    sync(a, in_process(central))
    sync(b, in_process(central))
    (conflict,) = central.db.execute("SELECT col, value_a, value_b FROM _conflicts")
    assert conflict[0] == "note" and sorted(conflict[1:]) == ['"ann"', '"ben"']
    chain = central.db.execute("SELECT seq, prev_seq FROM _changes ORDER BY seq")
    assert [prev for _, prev in chain] == [None, *(seq for seq, _ in chain[:-1])]


def test_a_store_of_the_earlier_log_format_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE _changes (seq INTEGER PRIMARY KEY, tbl TEXT, row_id TEXT)")
    conn.execute("CREATE INDEX _changes_row ON _changes (tbl, row_id)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreFormatError, match="earlier kenttä"):
        open_sqlite(str(path), SCHEMA)
