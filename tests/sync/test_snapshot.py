"""First sync by snapshot: a fresh device takes its scopes' rows as they are now (with
their metadata, conflicts, merges and kept log entries), then the log from the snapshot's
position, and ends exactly as a device that replayed the whole log."""

from __future__ import annotations

import io

import pytest
from kenttä_sync.central.compaction import SnapshotNeeded
from kenttä_sync.central.snapshot import encode
from kenttä_sync.device.snapshot import SnapshotRefused, apply_snapshot, decode
from kenttä_sync.ground.export import canonical_export
from kenttä_sync.transport.protocol import in_process, sync

from tests.sync.sync_helpers import SCHEMA, new_replica


def _device(central, name: str, scopes=("s1",)):  # type: ignore[no-untyped-def]
    central.register_device(name, list(scopes))
    return new_replica(device_id=name)


def _export(replica) -> bytes:  # type: ignore[no-untyped-def]
    return canonical_export(replica.db, SCHEMA)


class Hook:
    def __init__(self) -> None:
        self.calls: list[tuple[str, list[str], int]] = []

    def before(self, conn, tables) -> None:  # type: ignore[no-untyped-def]
        self.calls.append(
            ("before", tables, conn.execute("SELECT count(*) FROM party").fetchone()[0])
        )

    def after(self, conn, tables) -> None:  # type: ignore[no-untyped-def]
        self.calls.append(
            ("after", tables, conn.execute("SELECT count(*) FROM party").fetchone()[0])
        )


def _history(central):  # type: ignore[no-untyped-def]
    """Two devices' work in scopes s1 and s2: rows, edits, a delete, a natural-key merge,
    an erasure and a conflict; returns (a, b, a row both edit)."""
    a = _device(central, "a", ("s1", "s2"))
    b = _device(central, "b", ("s1",))
    with a.transaction("u") as tx:
        shared = tx.insert("party", {"scope": "s1", "name": "shared", "level": 1})
        gone = tx.insert("party", {"scope": "s1", "name": "gone"})
        tx.insert("party", {"scope": "s1", "key": "K1", "name": "twin a"})
        erased = tx.insert("party", {"scope": "s1", "key": "E1", "name": "to erase"})
        tx.insert("entry", {"scope": "s1", "party_id": erased, "body": "about them"})
        tx.insert("party", {"scope": "s2", "name": "elsewhere"})
        tx.insert("task", {"scope": "s1", "party_id": shared, "state": "new", "amount": 2.5})
    with b.transaction("u") as tx:
        tx.insert("party", {"scope": "s1", "key": "K1", "name": "twin b"})
    sync(a, in_process(central))
    sync(b, in_process(central))
    sync(a, in_process(central))
    with a.transaction("u") as tx:
        tx.update("party", shared, {"note": "by a", "level": 2})
        tx.delete("party", gone)
    with b.transaction("u") as tx:
        tx.update("party", shared, {"note": "by b"})
    with a.transaction("u") as tx:
        tx.erase("party", erased)
    for d in (a, b, a, b):
        sync(d, in_process(central))
    return a, b, shared


@pytest.mark.parametrize("compact", [False, True])
def test_a_fresh_device_by_snapshot_ends_as_one_that_replayed_the_log(
    make_central, compact: bool
) -> None:
    central = make_central()
    a, b, shared = _history(central)
    if compact:
        central.compact_log()
    fresh = _device(central, "fresh", ("s1",))
    if compact:
        with pytest.raises(SnapshotNeeded):
            central.pull("fresh", 0)
    replay = _device(central, "replay", ("s1",)) if not compact else None
    buffer = io.BytesIO()
    encode(central.snapshot("fresh"), buffer)
    buffer.seek(0)
    hook = Hook()
    loaded = apply_snapshot(fresh, decode(buffer), hook)
    assert (
        loaded
        == central.db.execute(
            "SELECT (SELECT count(*) FROM party WHERE scope = 's1')"
            " + (SELECT count(*) FROM task) + (SELECT count(*) FROM entry)"
        )[0][0]
    )
    assert [(c[0], c[2]) for c in hook.calls] == [("before", 0), ("after", 5)]
    sync(fresh, in_process(central))
    assert _export(fresh) == canonical_export(central.db, SCHEMA, ["s1"]) == _export(b)
    if replay is not None:
        sync(replay, in_process(central))
        assert _export(replay) == _export(fresh)
    # a write concurrent with one the snapshot holds, arriving late: the fresh device
    # records the same conflict as everyone
    with a.transaction("u") as tx:
        tx.update("party", shared, {"name": "by a"})
    with b.transaction("u") as tx:
        tx.update("party", shared, {"name": "by b"})
    sync(a, in_process(central))
    late = _device(central, "late", ("s1",))
    buffer = io.BytesIO()
    encode(central.snapshot("late"), buffer)
    buffer.seek(0)
    apply_snapshot(late, decode(buffer))
    for d in (b, a, late, fresh):
        sync(d, in_process(central))
    conflicts = central.db.execute("SELECT count(*) FROM _conflicts")[0][0]
    assert conflicts == 2
    assert (
        _export(late)
        == _export(fresh)
        == _export(b)
        == canonical_export(central.db, SCHEMA, ["s1"])
    )
    with late.transaction("u") as tx:  # its clock is past everything it loaded
        tx.update("party", shared, {"level": 7})
    sync(late, in_process(central))
    sync(a, in_process(central))
    assert a.conn.execute("SELECT level FROM party WHERE id = ?", (shared,)).fetchone()[0] == 7


def test_a_device_holding_rows_is_refused_and_keeps_them(make_central) -> None:
    central = make_central()
    a, _b, _shared = _history(central)
    before = _export(a)
    with pytest.raises(SnapshotRefused, match="fresh device"):
        apply_snapshot(a, central.snapshot("a"))
    assert _export(a) == before


def test_replacing_rows_waits_for_every_own_change_to_be_acknowledged(make_central) -> None:
    central = make_central()
    a, _b, shared = _history(central)
    with a.transaction("u") as tx:  # not pushed yet
        tx.update("party", shared, {"level": 9})
    before = _export(a)
    with pytest.raises(SnapshotRefused, match="not acknowledged"):
        apply_snapshot(a, central.snapshot("a"), replace=True)
    assert _export(a) == before  # nothing written
    sync(a, in_process(central))
    assert apply_snapshot(a, central.snapshot("a"), replace=True) > 0
    sync(a, in_process(central))
    assert _export(a) == canonical_export(central.db, SCHEMA, ["s1", "s2"])
    assert a.conn.execute("SELECT level FROM party WHERE id = ?", (shared,)).fetchone()[0] == 9
