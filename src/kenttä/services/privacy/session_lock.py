"""The idle lock: what the UI needs to lock itself after `idle_lock_minutes` without input.

`IdleLock` is a plain state object (no Textual, no threads): the UI calls `touch()` on every
key or mouse event, asks `should_lock(now)` from a timer (say every 15 s) and, when it says
so, calls `lock()` and shows its unlock screen, which hands what the person typed to
`unlock()`. `unlock` derives the key (about 0.1–0.2 s), so the UI runs it in a worker.
After repeated wrong passphrases `retry_after(now)` grows (1, 2, 4 … 60 s) to slow guessing
at an unlocked-but-unattended screen; it never locks a person out for good.

A database with no passphrase (plain) can still lock the screen, but `unlock` then accepts
the person's confirmation only through `unlock_plain()`: there is nothing to check.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kenttä.store.crypto import is_encrypted, verify_passphrase

Clock = Callable[[], float]


@dataclass
class IdleLock:
    """Lock state of one running app over one database file."""

    db_path: Path | None
    idle_minutes: int
    clock: Clock = time.monotonic
    last_activity: float = field(default=0.0)
    locked: bool = False
    failures: int = 0
    _blocked_until: float = 0.0

    def __post_init__(self) -> None:
        if not self.last_activity:
            self.last_activity = self.clock()

    @property
    def enabled(self) -> bool:
        """Idle locking is on (idle_lock_minutes = 0 turns it off)."""
        return self.idle_minutes > 0

    @property
    def encrypted(self) -> bool:
        return self.db_path is not None and is_encrypted(self.db_path)

    def touch(self, now: float | None = None) -> None:
        """Record input from the person (ignored while locked)."""
        if not self.locked:
            self.last_activity = self.clock() if now is None else now

    def idle_seconds(self, now: float | None = None) -> float:
        return (self.clock() if now is None else now) - self.last_activity

    def should_lock(self, now: float | None = None) -> bool:
        """True when the app is unlocked and idle for at least `idle_minutes`."""
        if self.locked or not self.enabled:
            return False
        return self.idle_seconds(now) >= self.idle_minutes * 60

    def lock(self) -> None:
        """Lock now (the UI must hide every screen showing personal data)."""
        self.locked = True

    def retry_after(self, now: float | None = None) -> float:
        """Seconds until the next unlock attempt is accepted (0: now)."""
        now = self.clock() if now is None else now
        return max(0.0, self._blocked_until - now)

    def unlock(self, passphrase: str, now: float | None = None) -> bool:
        """Unlock when `passphrase` opens the database; False (and a growing delay) if not."""
        now = self.clock() if now is None else now
        if not self.locked:
            return True
        if self.retry_after(now) > 0 or self.db_path is None or not passphrase:
            return False
        if verify_passphrase(self.db_path, passphrase):
            self._unlocked(now)
            return True
        self.failures += 1
        self._blocked_until = now + min(60.0, 2.0 ** (self.failures - 1))
        return False

    def unlock_with(self, passphrase: str, known: str, now: float | None = None) -> bool:
        """Unlock against the passphrase the app already holds (no key derivation)."""
        now = self.clock() if now is None else now
        if self.retry_after(now) > 0:
            return False
        if passphrase and hmac.compare_digest(passphrase.encode(), known.encode()):
            self._unlocked(now)
            return True
        self.failures += 1
        self._blocked_until = now + min(60.0, 2.0 ** (self.failures - 1))
        return False

    def unlock_plain(self, now: float | None = None) -> bool:
        """Unlock a plain (unencrypted) database's screen: there is no passphrase to check."""
        if self.encrypted:
            return False
        self._unlocked(self.clock() if now is None else now)
        return True

    def _unlocked(self, now: float) -> None:
        self.locked = False
        self.failures = 0
        self._blocked_until = 0.0
        self.last_activity = now
