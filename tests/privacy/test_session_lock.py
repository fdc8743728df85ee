"""The idle lock's state machine (the UI draws the screens; no real time passes here)."""

from __future__ import annotations

from pathlib import Path

from kenttä.services.privacy.session_lock import IdleLock
from kenttä.store.db import open_store

PASS = "oikea hevonen patteri niitti"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_locks_after_idle_minutes_and_touch_postpones() -> None:
    clock = FakeClock()
    lock = IdleLock(None, idle_minutes=15, clock=clock)
    clock.now += 14 * 60
    assert not lock.should_lock()
    lock.touch()
    clock.now += 14 * 60
    assert not lock.should_lock()
    clock.now += 61
    assert lock.should_lock()
    lock.lock()
    assert lock.locked and not lock.should_lock()
    lock.touch()  # input while locked does not count as activity
    assert lock.locked


def test_zero_minutes_disables() -> None:
    clock = FakeClock()
    lock = IdleLock(None, idle_minutes=0, clock=clock)
    clock.now += 10**6
    assert not lock.enabled and not lock.should_lock()


def test_unlock_checks_the_passphrase_with_growing_delay(tmp_path: Path) -> None:
    db = tmp_path / "secret.db"
    open_store(db, passphrase=PASS).close()
    clock = FakeClock()
    lock = IdleLock(db, idle_minutes=5, clock=clock)
    assert lock.encrypted
    lock.lock()
    assert not lock.unlock("väärä")
    assert lock.retry_after() == 1.0
    assert not lock.unlock(PASS)  # too soon: refused without checking
    clock.now += 1
    assert not lock.unlock("väärä taas")
    assert lock.retry_after() == 2.0
    clock.now += 2
    assert not lock.unlock_plain()  # an encrypted database needs its passphrase
    assert lock.unlock(PASS)
    assert not lock.locked and lock.failures == 0 and lock.retry_after() == 0


def test_unlock_with_known_passphrase_and_plain_database(tmp_path: Path) -> None:
    clock = FakeClock()
    lock = IdleLock(tmp_path / "none.db", idle_minutes=5, clock=clock)
    lock.lock()
    assert not lock.unlock_with("väärä", PASS)
    clock.now += 5
    assert lock.unlock_with(PASS, PASS)
    lock.lock()
    assert lock.unlock_plain()
