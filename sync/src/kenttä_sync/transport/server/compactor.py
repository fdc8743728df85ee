"""Central log compaction on a schedule (`CentralStore.compact_log`, central/compaction.py).

`compact_once(url, schema)` opens the store, compacts and closes it, and returns what it
did (`Compacted`, with a one-line `summary`): for a supervisor's timer (`kenttä server
compact`). `Compactor` does the same every `every` seconds in a daemon thread of the server
process, on its own connection (not one of the request pool), the first time after one
interval; `stop()` ends it between runs. A run that fails is reported in one line (the
exception's type: no row data) and the next run tries again. Several server processes
may compact at once: each chunk is its own transaction (under the rows' scope locks on
PostgreSQL), and an entry already dropped by another is simply not there to drop.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kenttä_sync.transport.server.stores import open_central

if TYPE_CHECKING:
    from kenttä_sync.central.store import CentralStore
    from kenttä_sync.ground.schema import SyncSchema


@dataclass(frozen=True)
class Compacted:
    dropped: int  # log entries dropped by this run
    kept: int  # log entries the central store keeps after it
    seconds: float

    @property
    def summary(self) -> str:
        return (
            f"compacted the central log: dropped {self.dropped} entries, "
            f"{self.kept} kept ({self.seconds:.1f} s)"
        )


def compact(central: CentralStore) -> Compacted:
    """Compact an open central store once."""
    started = time.perf_counter()
    dropped = central.compact_log()
    kept = int(central.db.execute("SELECT count(*) FROM _changes")[0][0])
    return Compacted(dropped, kept, time.perf_counter() - started)


def compact_once(url: str, schema: SyncSchema) -> Compacted:
    """Open the central store at `url`, compact it once, close it."""
    central = open_central(url, schema)
    try:
        return compact(central)
    finally:
        central.close()


class Compactor:
    """Compacts the central log every `every` seconds until `stop()`; each run's line goes
    to `report`, in English unless `say` words it (a run's result, or the error it met)."""

    def __init__(
        self,
        url: str,
        schema: SyncSchema,
        every: float,
        report: Callable[[str], None] = lambda _line: None,
        say: Callable[[Compacted | Exception], str] | None = None,
    ) -> None:
        if every <= 0:
            raise ValueError("the compaction interval must be positive")
        self.url, self.schema, self.every, self.report = url, schema, every, report
        self.say = say
        self.runs = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="kentta-compactor", daemon=True)

    def start(self) -> Compactor:
        self._thread.start()
        return self

    def stop(self, timeout: float | None = None) -> None:
        """End the schedule; waits up to `timeout` s for a run in progress to finish."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.wait(self.every):
            done: Compacted | Exception
            try:
                done = compact_once(self.url, self.schema)
            except Exception as exc:  # the next run tries again
                done = exc
            if self.say is not None:
                line = self.say(done)
            elif isinstance(done, Compacted):
                line = done.summary
            else:
                line = f"log compaction failed ({type(done).__name__}); it runs again later"
            self.runs += 1
            self.report(line)
