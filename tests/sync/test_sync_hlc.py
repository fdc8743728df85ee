"""Hybrid logical clock: monotonic under skew and jumps, refuses stamps far ahead."""

from __future__ import annotations

import pytest
from kenttä_sync.central.store import open_sqlite
from kenttä_sync.ground.hlc import MAX_AHEAD_MS, ClockError, HybridLogicalClock, Stamp
from kenttä_sync.transport.protocol import in_process, sync

from tests.sync.sync_helpers import SCHEMA, new_replica

HOUR = 3_600_000
BASE = 1_790_000_000_000


class Wall:
    def __init__(self, ms: int) -> None:
        self.ms = ms

    def __call__(self) -> int:
        return self.ms


def test_stamp_text_sorts_like_the_tuple() -> None:
    stamps = [
        Stamp(5, 0, "b"),
        Stamp(5, 1, "a"),
        Stamp(40, 0, "a"),
        Stamp(5, 0, "a"),
        Stamp(10**13, 99, "z"),
    ]
    assert sorted(s.encode() for s in stamps) == [s.encode() for s in sorted(stamps)]
    for s in stamps:
        assert Stamp.decode(s.encode()) == s


@pytest.mark.parametrize("text", ["", "x", "12-3-a", "0000000000000005-00000-", "a" * 30])
def test_malformed_stamps_are_refused(text: str) -> None:
    with pytest.raises(ClockError):
        Stamp.decode(text)


def test_device_id_may_not_contain_a_dash() -> None:
    with pytest.raises(ClockError):
        HybridLogicalClock("a-b")


def test_monotonic_when_the_wall_clock_stalls_or_jumps_back() -> None:
    wall = Wall(BASE)
    clock = HybridLogicalClock("dev", wall=wall)
    seen = [clock.now()]
    for delta in (0, 0, -HOUR, -48 * HOUR, 5, 0, 48 * HOUR, -1):
        wall.ms += delta
        seen.append(clock.now())
    assert seen == sorted(seen) and len(set(seen)) == len(seen)


def test_counter_overflow_moves_to_the_next_millisecond() -> None:
    clock = HybridLogicalClock("dev", last=Stamp(BASE, 99_999, "dev"), wall=Wall(BASE))
    assert clock.now() == Stamp(BASE + 1, 0, "dev")


def test_observe_adopts_a_later_remote_stamp() -> None:
    clock = HybridLogicalClock("me", wall=Wall(BASE))
    clock.observe(Stamp(BASE + 48 * HOUR, 7, "other"))
    after = clock.now()
    assert after > Stamp(BASE + 48 * HOUR, 7, "other")
    assert after.device == "me"


def test_a_stamp_implausibly_far_ahead_is_refused_and_not_adopted() -> None:
    clock = HybridLogicalClock("me", wall=Wall(BASE))
    before = clock.now()
    with pytest.raises(ClockError, match=r"hours ahead.*check the clock"):
        clock.observe(Stamp(BASE + MAX_AHEAD_MS + HOUR, 0, "other"))
    assert clock.last == before


def test_observe_local_catches_up_without_a_drift_check() -> None:
    clock = HybridLogicalClock("me", wall=Wall(BASE))
    clock.observe_local(Stamp(BASE + 30 * 24 * HOUR, 3, "me"))
    assert clock.now() > Stamp(BASE + 30 * 24 * HOUR, 3, "me")


def _edit_chain(skews: list[int], jump_back: int | None = None) -> None:
    """Each device in turn edits the same field after syncing: the last edit must win on
    every replica, whatever the devices' clocks say."""
    central_wall = Wall(BASE)
    central = open_sqlite(":memory:", SCHEMA, wall=central_wall)
    send = in_process(central)
    walls = [Wall(BASE + s) for s in skews]
    devices = [new_replica(device_id=f"d{i}", wall=w) for i, w in enumerate(walls)]
    for d in devices:
        central.register_device(d.device_id, ["s1"])
    with devices[0].transaction("u") as tx:
        row = tx.insert("party", {"scope": "s1", "note": "v0"})
    sync(devices[0], send)
    expected = "v0"
    for step in range(1, 3 * len(devices)):
        for w in (central_wall, *walls):
            w.ms += 1000
        if jump_back is not None and step == len(devices):
            walls[jump_back].ms -= 24 * HOUR
        d = devices[step % len(devices)]
        sync(d, send)
        expected = f"v{step}"
        with d.transaction("u") as tx:
            tx.update("party", row, {"note": expected})
        sync(d, send)
    for d in devices:
        sync(d, send)
        assert d.conn.execute("SELECT note FROM party").fetchone()[0] == expected
    assert central.db.execute("SELECT note FROM party")[0][0] == expected
    assert central.db.execute("SELECT COUNT(*) FROM _conflicts")[0][0] == 0
    stamps = [c.stamp for c in central.log() if c.op == "update"]
    assert stamps == sorted(stamps)


def test_device_48_hours_ahead_keeps_causal_order() -> None:
    _edit_chain([48 * HOUR, 0, 0])


def test_device_48_hours_behind_keeps_causal_order() -> None:
    _edit_chain([0, -48 * HOUR, 0])


def test_ahead_and_behind_together_keep_causal_order() -> None:
    _edit_chain([48 * HOUR, -48 * HOUR, 0])


def test_a_clock_that_jumps_back_keeps_causal_order() -> None:
    _edit_chain([0, 0, 0], jump_back=1)
    _edit_chain([2 * HOUR, 0, -HOUR], jump_back=0)


def test_a_device_clock_that_jumps_back_after_restart_continues_from_its_stamp() -> None:
    wall = Wall(BASE)
    replica = new_replica(device_id="dev", wall=wall)
    with replica.transaction("u") as tx:
        row = tx.insert("party", {"scope": "s1", "note": "a"})
    first = replica.state("hlc")
    wall.ms -= 72 * HOUR
    replica._clock = None  # as after a restart
    with replica.transaction("u") as tx:
        tx.update("party", row, {"note": "b"})
    assert replica.state("hlc") > first


def test_a_central_store_refuses_a_transaction_stamped_far_ahead() -> None:
    central = open_sqlite(":memory:", SCHEMA, wall=Wall(BASE))
    device = new_replica(device_id="fast", wall=Wall(BASE + 10 * 24 * HOUR))
    central.register_device("fast", ["s1"])
    with device.transaction("u") as tx:
        tx.insert("party", {"scope": "s1", "note": "x"})
    sync(device, in_process(central))
    rejected = device.conn.execute("SELECT reason FROM _rejected").fetchall()
    assert len(rejected) == 1 and "hours ahead" in rejected[0][0]
    assert central.db.execute("SELECT COUNT(*) FROM party")[0][0] == 0
    assert central.db.execute("SELECT value FROM _sync_state WHERE key = 'hlc'")[0][0] < (
        Stamp(BASE + HOUR, 0, "central").encode()
    )
