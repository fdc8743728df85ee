"""Central log compaction (compaction.py's rule): what every device has seen goes, what a
late device's concurrent write must be compared with stays, and a device from before a
compacted part of the log is told to start from a snapshot."""

from __future__ import annotations

import pytest
from kenttä_sync.central.compaction import SnapshotNeeded
from kenttä_sync.transport.protocol import in_process, pull_once, push_once, sync

from tests.sync.sync_helpers import new_replica


def _devices(central, *names: str):  # type: ignore[no-untyped-def]
    out = []
    for name in names:
        replica = new_replica(device_id=name)
        central.register_device(name, ["s1"])
        out.append(replica)
    return out


def _sync_all(central, devices, rounds: int = 2) -> None:  # type: ignore[no-untyped-def]
    for _ in range(rounds):  # a device's horizon is the cursor its next pull reports
        for d in devices:
            sync(d, in_process(central))


def _conflicts(central) -> int:  # type: ignore[no-untyped-def]
    return central.db.execute("SELECT count(*) FROM _conflicts")[0][0]


def test_updates_every_device_has_seen_are_dropped(make_central) -> None:
    central = make_central()
    a, b = _devices(central, "a", "b")
    with a.transaction("u") as tx:
        row = tx.insert("party", {"scope": "s1", "level": 0})
    for i in range(1, 6):
        with a.transaction("u") as tx:
            tx.update("party", row, {"level": i})
    _sync_all(central, [a, b])
    assert central.db.execute("SELECT count(*) FROM _changes")[0][0] == 5
    assert central.compact_log() == 5
    assert central.db.execute("SELECT count(*) FROM _changes")[0][0] == 0
    with b.transaction("u") as tx:  # life goes on: b's later edit wins everywhere
        tx.update("party", row, {"level": 9})
    _sync_all(central, [a, b])
    assert a.conn.execute("SELECT level FROM party").fetchone()[0] == 9
    assert _conflicts(central) == 0


def test_a_device_with_unsent_writes_holds_back_what_they_may_conflict_with(
    make_central,
) -> None:
    central = make_central()
    a, b, c = _devices(central, "a", "b", "c")
    with a.transaction("u") as tx:
        row = tx.insert("party", {"scope": "s1", "name": "x"})
    _sync_all(central, [a, b, c])
    with a.transaction("u") as tx:
        tx.update("party", row, {"name": "by a"})
    with b.transaction("u") as tx:  # offline, concurrently: not sent yet
        tx.update("party", row, {"name": "by b"})
    sync(a, in_process(central))
    for _ in range(2):  # b only pulls (it has seen a's write, but wrote before it did)
        while pull_once(b, in_process(central)):
            pass
    _sync_all(central, [a, c])
    central.compact_log()
    assert central.db.execute("SELECT count(*) FROM _changes")[0][0] == 1  # a's write stays
    while push_once(b, in_process(central)):
        pass
    assert _conflicts(central) == 1  # found, as without compaction
    _sync_all(central, [a, b, c])
    central.compact_log()
    assert central.db.execute("SELECT count(*) FROM _changes")[0][0] == 0


def test_a_device_from_before_the_compacted_log_is_told_to_start_from_a_snapshot(
    make_central,
) -> None:
    central = make_central()
    (a,) = _devices(central, "a")
    with a.transaction("u") as tx:
        row = tx.insert("party", {"scope": "s1", "level": 0})
    with a.transaction("u") as tx:
        tx.update("party", row, {"level": 1})
    _sync_all(central, [a])
    assert central.compact_log() == 1
    _devices(central, "late")
    with pytest.raises(SnapshotNeeded, match="snapshot"):
        central.pull("late", 0)
