"""Merge rules through devices and a central store, on both central backends."""

from __future__ import annotations

import json

import pytest
from kenttä_sync.device.replica import WriteError
from kenttä_sync.ground.export import canonical_export
from kenttä_sync.transport.protocol import in_process, sync

from tests.sync.sync_helpers import SCHEMA, new_replica

BASE = 1_790_000_000_000


class Wall:
    def __init__(self, ms: int = BASE) -> None:
        self.ms = ms

    def __call__(self) -> int:
        self.ms += 1
        return self.ms


@pytest.fixture
def net(make_central):
    """A central store and three devices (all scopes) with a shared send."""
    central = make_central(wall=Wall())
    devices = [new_replica(device_id=f"d{i}", wall=Wall()) for i in range(3)]
    for d in devices:
        central.register_device(d.device_id, ["s1", "s2"])
    send = in_process(central)

    def sync_all(rounds: int = 2) -> None:
        for _ in range(rounds):
            for d in devices:
                sync(d, send)

    return central, devices, sync_all


def assert_converged(central, devices) -> None:
    expected = canonical_export(central.db, SCHEMA)
    for d in devices:
        assert canonical_export(d.db, SCHEMA) == expected


def test_different_columns_merge_without_conflict(net) -> None:
    central, (a, b, _), sync_all = net
    with a.transaction("ann") as tx:
        row = tx.insert("party", {"scope": "s1", "note": "n", "level": 1})
    sync_all()
    with a.transaction("ann") as tx:
        tx.update("party", row, {"note": "from a"})
    with b.transaction("ben") as tx:
        tx.update("party", row, {"level": 2})
    sync_all()
    assert central.db.execute("SELECT note, level FROM party")[0] == ("from a", 2)
    assert central.db.execute("SELECT COUNT(*) FROM _conflicts")[0][0] == 0
    assert_converged(central, net[1])


def test_concurrent_same_field_writes_make_one_conflict_everywhere_and_resolve(net) -> None:
    central, devices, sync_all = net
    a, b, c = devices
    with a.transaction("ann") as tx:
        row = tx.insert("party", {"scope": "s1", "note": "start"})
    sync_all()
    with a.transaction("ann") as tx:
        tx.update("party", row, {"note": "ann's"})
    with b.transaction("ben") as tx:
        tx.update("party", row, {"note": "ben's"})
    sync_all()
    assert_converged(central, devices)
    conflicts = central.db.execute(
        "SELECT id, value_a, author_a, value_b, author_b, stamp_a < stamp_b, resolved_stamp"
        " FROM _conflicts"
    )
    assert len(conflicts) == 1
    cid, va, aa, vb, ab, ordered, resolved = conflicts[0]
    assert {(json.loads(va), aa), (json.loads(vb), ab)} == {("ann's", "ann"), ("ben's", "ben")}
    assert ordered and resolved is None
    winner = central.db.execute("SELECT note FROM party")[0][0]
    assert winner == json.loads(vb)  # the higher stamp wins
    with c.transaction("sue") as tx:
        tx.resolve(cid, choose="a")
    sync_all()
    assert_converged(central, devices)
    assert central.db.execute("SELECT note FROM party")[0][0] == json.loads(va)
    resolved = central.db.execute("SELECT resolved_by, resolved_stamp FROM _conflicts")[0]
    assert resolved[0] == "sue" and resolved[1] is not None
    with a.transaction("ann") as tx:
        tx.update("party", row, {"note": "after"})
    sync_all()
    assert central.db.execute("SELECT COUNT(*) FROM _conflicts")[0][0] == 1


def test_three_concurrent_writes_make_three_pairs(net) -> None:
    central, devices, sync_all = net
    with devices[0].transaction("u") as tx:
        row = tx.insert("party", {"scope": "s1"})
    sync_all()
    for i, d in enumerate(devices):
        with d.transaction(f"u{i}") as tx:
            tx.update("party", row, {"name": f"v{i}"})
    sync_all()
    assert central.db.execute("SELECT COUNT(*) FROM _conflicts")[0][0] == 3
    assert_converged(central, devices)


def test_append_only_rows_insert_once_and_cannot_change(net) -> None:
    central, (a, *_), sync_all = net
    with a.transaction("u") as tx:
        party = tx.insert("party", {"scope": "s1"})
        entry = tx.insert("entry", {"scope": "s1", "party_id": party, "body": "text"})
    with pytest.raises(WriteError), a.transaction("u") as tx:
        tx.update("entry", entry, {"body": "other"})
    with pytest.raises(WriteError), a.transaction("u") as tx:
        tx.delete("entry", entry)
    sync_all()
    sync_all()
    assert central.db.execute("SELECT COUNT(*) FROM entry")[0][0] == 1
    assert_converged(central, net[1])


def test_delete_is_a_tombstone_that_syncs(net) -> None:
    central, (a, b, _), sync_all = net
    with a.transaction("u") as tx:
        row = tx.insert("party", {"scope": "s1", "note": "x"})
    sync_all()
    with b.transaction("u") as tx:
        tx.delete("party", row)
    with a.transaction("u") as tx:
        tx.update("party", row, {"note": "late edit"})
    sync_all()
    deleted, note = central.db.execute("SELECT _deleted, note FROM party")[0]
    assert deleted is not None and note == "late edit"  # the edit is kept, the row stays deleted
    assert_converged(central, net[1])


def test_natural_key_duplicates_become_one_row_and_keep_everything_attached(net) -> None:
    central, devices, sync_all = net
    a, b, c = devices
    made = []
    for d in (b, a):
        with d.transaction("u") as tx:
            party = tx.insert("party", {"scope": "s1", "key": "K", "name": f"from {d.device_id}"})
            tx.insert("task", {"scope": "s1", "party_id": party, "title": "t"})
            tx.insert("entry", {"scope": "s1", "party_id": party, "body": "e"})
            made.append(party)
    sync_all(3)
    assert_converged(central, devices)
    # the canonical row is the one with the lowest (insert stamp, id)
    made.sort(
        key=lambda i: (central.db.execute("SELECT _stamp FROM party WHERE id = ?", (i,))[0][0], i)
    )
    live = central.db.execute("SELECT id FROM party WHERE _deleted IS NULL")
    assert live == [(made[0],)]
    for table in ("task", "entry"):
        refs = central.db.execute(f"SELECT party_id FROM {table}")
        assert len(refs) == 2 and {r[0] for r in refs} == {made[0]}
    merges = central.db.execute("SELECT tbl, loser_id, winner_id FROM _merges")
    assert merges == [("party", made[1], made[0])]
    # a device that still refers to the merged-away row: re-pointed on arrival
    with c.transaction("u") as tx:
        tx.insert("task", {"scope": "s1", "party_id": made[1], "title": "late"})
    sync_all()
    assert {r[0] for r in central.db.execute("SELECT party_id FROM task")} == {made[0]}
    assert_converged(central, devices)


def test_a_refused_transaction_is_refused_whole_and_reported(make_central) -> None:
    central = make_central(wall=Wall())
    device = new_replica(device_id="dev", wall=Wall())
    central.register_device("dev", ["s1"])
    with device.transaction("u") as tx:
        tx.insert("party", {"scope": "s1", "note": "fine"})
        tx.insert("party", {"scope": "s2", "note": "outside"})
    with device.transaction("u") as tx:
        tx.insert("party", {"scope": "s1", "note": "separate"})
    sync(device, in_process(central))
    notes = {r[0] for r in central.db.execute("SELECT note FROM party")}
    assert notes == {"separate"}
    reasons = device.conn.execute("SELECT reason FROM _rejected").fetchall()
    assert len(reasons) == 2 and all("outside this device's scopes" in r[0] for r in reasons)


def test_a_local_transaction_that_fails_leaves_nothing() -> None:
    device = new_replica(device_id="dev")
    with pytest.raises(RuntimeError), device.transaction("u") as tx:
        tx.insert("party", {"scope": "s1"})
        raise RuntimeError
    assert device.conn.execute("SELECT COUNT(*) FROM party").fetchone()[0] == 0
    assert device.conn.execute("SELECT COUNT(*) FROM _changes").fetchone()[0] == 0


def test_scope_and_erase_with_columns_cannot_change() -> None:
    device = new_replica(device_id="dev")
    with device.transaction("u") as tx:
        party = tx.insert("party", {"scope": "s1"})
        task = tx.insert("task", {"scope": "s1", "party_id": party})
    for table, row, values in (
        ("party", party, {"scope": "s2"}),
        ("task", task, {"party_id": party}),
    ):
        with pytest.raises(WriteError, match="cannot change"), device.transaction("u") as tx:
            tx.update(table, row, values)


def test_a_final_value_outranks_a_later_write_everywhere(net) -> None:
    central, devices, sync_all = net
    a, b, _ = devices
    with a.transaction("ann") as tx:
        task = tx.insert("task", {"scope": "s1", "state": "new"})
    sync_all()
    with a.transaction("ann") as tx:  # a's write is the earlier one ...
        tx.update("task", task, {"state": "void"})
    b._wall.ms += 60_000  # b's clock a minute ahead
    with b.transaction("ben") as tx:  # ... b's the later, unaware of a's
        tx.update("task", task, {"state": "b"})
    (b_clock,), (a_clock,) = (r.conn.execute("SELECT _clock FROM task").fetchone() for r in (b, a))
    assert json.loads(b_clock)["state"] > json.loads(a_clock)["state"].lstrip("~")
    sync_all()
    assert central.db.execute("SELECT state FROM task")[0][0] == "void"
    assert_converged(central, devices)
    conflict = central.db.execute("SELECT value_a, value_b FROM _conflicts WHERE col = 'state'")
    assert sorted(conflict[0]) == ['"b"', '"void"']  # the pair is still there to review


def test_a_final_value_cannot_be_written_back_locally(net) -> None:
    central, (a, b, _), sync_all = net
    with a.transaction("ann") as tx:
        task = tx.insert("task", {"scope": "s1", "state": "done"})  # final from the start
    sync_all()
    with pytest.raises(WriteError, match="final value"), b.transaction("ben") as tx:
        tx.update("task", task, {"state": "a"})
    with b.transaction("ben") as tx:  # one final value may still replace another
        tx.update("task", task, {"state": "void"})
    sync_all()
    assert central.db.execute("SELECT state FROM task")[0][0] == "void"
    assert_converged(central, net[1])
