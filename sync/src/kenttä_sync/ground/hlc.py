"""Hybrid logical clock (Kulkarni et al. 2014).

A stamp is (wall milliseconds, counter, device id). Its text form sorts the same way as the
tuple, so the database can compare stamps as plain strings:

    0001763805600000-00000-3f2a9c0d1b7e4a55

The clock never goes backwards, whatever the wall clock does; it adopts a later remote stamp
when it sees one, and refuses a remote stamp implausibly far ahead of its own wall clock.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

MAX_AHEAD_MS = 7 * 24 * 3600 * 1000  # a remote stamp more than a week ahead is refused
_WALL_DIGITS = 16
_COUNTER_DIGITS = 5
_COUNTER_MAX = 10**_COUNTER_DIGITS - 1


class ClockError(ValueError):
    """A stamp that cannot be taken: malformed, or implausibly far in the future."""


@dataclass(frozen=True, order=True, slots=True)
class Stamp:
    wall_ms: int
    counter: int
    device: str

    def encode(self) -> str:
        return f"{self.wall_ms:0{_WALL_DIGITS}d}-{self.counter:0{_COUNTER_DIGITS}d}-{self.device}"

    def __str__(self) -> str:
        return self.encode()

    @classmethod
    def decode(cls, text: str) -> Stamp:
        try:
            wall, counter, device = text.split("-", 2)
            if len(wall) != _WALL_DIGITS or len(counter) != _COUNTER_DIGITS or not device:
                raise ValueError
            return cls(int(wall), int(counter), device)
        except ValueError:
            raise ClockError(f"malformed clock stamp {text[:40]!r}") from None


def _wall_ms() -> int:
    return time.time_ns() // 1_000_000


class HybridLogicalClock:
    """The clock of one replica. Thread-safe; persist `last` to survive restarts."""

    def __init__(
        self,
        device: str,
        last: Stamp | str | None = None,
        wall: Callable[[], int] = _wall_ms,
        max_ahead_ms: int = MAX_AHEAD_MS,
    ) -> None:
        if not device or "-" in device:
            raise ClockError("a device id must be non-empty and contain no '-'")
        self.device = device
        self._wall = wall
        self.max_ahead_ms = max_ahead_ms
        self._lock = threading.Lock()
        if isinstance(last, str):
            last = Stamp.decode(last)
        self._wall_ms = last.wall_ms if last else 0
        self._counter = last.counter if last else 0

    @property
    def last(self) -> Stamp:
        return Stamp(self._wall_ms, self._counter, self.device)

    def now(self) -> Stamp:
        """A new stamp, later than every stamp this clock has made or observed."""
        with self._lock:
            physical = self._wall()
            if physical > self._wall_ms:
                self._wall_ms, self._counter = physical, 0
            else:
                self._advance_counter()
            return Stamp(self._wall_ms, self._counter, self.device)

    def observe(self, remote: Stamp | str) -> None:
        """Take in a stamp seen on a change from another replica."""
        if isinstance(remote, str):
            remote = Stamp.decode(remote)
        with self._lock:
            physical = self._wall()
            if remote.wall_ms - physical > self.max_ahead_ms:
                hours = (remote.wall_ms - physical) / 3_600_000
                raise ClockError(
                    f"a change from device {remote.device} is stamped {hours:.0f} hours ahead "
                    "of this machine's clock; check the clock on that device"
                )
            if remote.wall_ms > self._wall_ms:
                self._wall_ms, self._counter = remote.wall_ms, remote.counter
            elif remote.wall_ms == self._wall_ms and remote.counter > self._counter:
                self._counter = remote.counter

    def observe_local(self, persisted: Stamp) -> None:
        """Catch up with a stamp this device made in another process (no drift check)."""
        with self._lock:
            if (persisted.wall_ms, persisted.counter) > (self._wall_ms, self._counter):
                self._wall_ms, self._counter = persisted.wall_ms, persisted.counter

    def _advance_counter(self) -> None:
        if self._counter >= _COUNTER_MAX:
            self._wall_ms += 1
            self._counter = 0
        else:
            self._counter += 1
