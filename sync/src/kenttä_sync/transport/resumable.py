"""A whole sync over a bad link: request sizes that adapt, large transactions in pieces,
progress that counts the whole sync across runs, and a truthful summary.

* Sizes (`Sizer`): requests start at `START` changes (or `limit` if smaller); after a cut
  the size halves (unless its one cut came when most of it was done: `late_cut`); after a
  request that carried changes it becomes what the link moved in that time scaled to
  `TARGET` seconds (at most doubling at once), so on a slow line with a long latency a
  request is mostly data, yet ends well within the few seconds a dropping link stays up;
  never below `MIN_SIZE` nor above `limit`.
* Pushes go in whole transactions; a transaction larger than the current size goes through
  `kenttä_sync.transport.large_push`: streamed in frames the office stages as they arrive
  (`push_stream`; a piece per request to an older office, `chunked_push`), resumed without a
  question from what the office last said it holds (`push_staged`), after a cut from what
  it says it holds; the stream carrying the last change also asks the first pull piece.
* Pulls come in pieces of the current size too (`kenttä_sync.transport.chunked_pull`), applied whole
  per selection of transactions and kept on the device as they arrive, so the next run asks
  only for the missing pieces; from an office without that route, ordinary pulls. The pull
  pieces name the office's log head, which sizes the pull's progress (no /v1/status first).
* Progress: `push_from` / `pull_from` in the replica's `_sync_state` remember where the
  unfinished sync started (the acknowledged sequence / the cursor), so a run that continues a
  cut one shows the whole sync (acknowledged of all pending) rather than starting at 0 %;
  they are cleared when nothing is left.
* The summary (`LinkSummary`) says how many changes the office acknowledged in this run, how
  many are still waiting here, how many of a large transaction the office holds staged, and
  how many of a large pull an earlier run had already received (`resumed`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from kenttä_sync.device import state as device_side
from kenttä_sync.device.replica import LocalReplica
from kenttä_sync.device.snapshot import BulkHook
from kenttä_sync.ground.changes import CHANGE_LOG_COLUMNS, Change
from kenttä_sync.transport import chunked_pull, large_push, protocol, snapshot_client
from kenttä_sync.transport.client import HttpTransport, Progress, SyncSummary
from kenttä_sync.transport.large_push import rows as _rows

MIN_SIZE = 50
START = 1000
TARGET = 2.5  # seconds one request of changes should take
SLOW = 8.0
FAST = 2.0
_COLS = ", ".join(CHANGE_LOG_COLUMNS)


class Sizer:
    """Changes per request, adapted to how the link behaves.

    After a cut the size halves. After a request that carried `changes`, the size is what
    the link moved in that request's time scaled to `TARGET` seconds (round trip included,
    so on a slow line with long latency a request grows until its data, not its waiting,
    fills it), at most doubling at once; without a count, a slow request halves it and a
    fast one doubles it. Never below `low` nor above `limit`; it starts at `START` (or
    `limit` if smaller), and a request taking `TARGET` seconds stays well within the few
    seconds a dropping mobile link stays up."""

    def __init__(self, limit: int, low: int = MIN_SIZE) -> None:
        self.high = max(1, limit)
        self.low = min(low, self.high)
        self.size = min(self.high, START)

    def after(self, seconds: float, cut: bool, changes: int = 0) -> None:
        if cut:
            self.size = max(self.low, self.size // 2)
        elif changes > 0 and seconds > 0:
            fitting = min(self.high, 2 * max(changes, self.size), int(changes * TARGET / seconds))
            if changes < self.size:  # a short request (a transaction's end): its round trip
                fitting = max(fitting, self.size)  # weighs more; it only ever grows the size
            self.size = max(self.low, fitting)
        elif seconds > SLOW:
            self.size = max(self.low, self.size // 2)
        elif seconds < FAST:
            self.size = min(self.high, self.size * 2)


def late_cut(transport: Any, cuts_before: int) -> bool:
    """Whether a request that got through after exactly one cut (not a stall) had most of it
    done when that came: the cut try ran at least half as long as the try that went. Such
    a cut says the link dropped, not that the request was too large for it, so the size is
    fitted to the try that went rather than halved (a request that is too slow for the
    link shrinks by that fit anyway)."""
    if getattr(transport, "cuts", 0) != cuts_before + 1:
        return False
    went, cut_after = getattr(transport, "last_seconds", 0.0), getattr(transport, "cut_after", 0.0)
    return went > 0 and cut_after >= went / 2


@dataclass
class LinkSummary(SyncSummary):
    waiting: int = 0  # this device's changes the office has not acknowledged yet
    staged: int = 0  # of those, held by the office in pieces of an unfinished transaction
    retries: int = 0
    snapshot_rows: int = 0  # rows loaded from a snapshot (a first sync, or after compaction)
    resumed: int = 0  # changes of a large pull that an earlier run had already received

    def as_dict(self) -> dict[str, Any]:
        return {**super().as_dict(), "waiting": self.waiting, "staged": self.staged,
                "retries": self.retries, "snapshot_rows": self.snapshot_rows,
                "resumed": self.resumed}  # fmt: skip


def _count(replica: LocalReplica, sql: str, params: tuple = ()) -> int:
    return int(replica.conn.execute(sql, params).fetchone()[0])


def latest_seq(replica: LocalReplica) -> int:
    return _count(
        replica, "SELECT COALESCE(MAX(device_seq), 0) FROM _changes WHERE device_id = ?",
        (replica.device_id,),
    )  # fmt: skip


def waiting(replica: LocalReplica) -> int:
    return max(0, latest_seq(replica) - device_side.acked_seq(replica))


def _batch(replica: LocalReplica, size: int) -> tuple[list[Change], bool]:
    """Whole transactions of pending changes, at most `size` of them; (changes, too_big)
    where too_big means the first pending transaction alone is larger than `size`."""
    acked = device_side.acked_seq(replica)
    changes = _rows(replica, acked + 1, acked + size + 1)
    if len(changes) <= size:
        return changes, False
    open_tx = changes[size - 1].tx_id
    if changes[size].tx_id != open_tx:
        return changes[:size], False
    whole = [c for c in changes[:size] if c.tx_id != open_tx]
    return whole, not whole


class _Run:
    def __init__(
        self, replica: LocalReplica, transport: HttpTransport, sizer: Sizer,
        progress: Progress | None, riding: chunked_pull.Riding | None = None,
    ) -> None:  # fmt: skip
        self.replica = replica
        self.riding = riding  # an exchange the first pull piece carries (chunked_pull)
        self.transport = transport
        self.sizer = sizer
        self.progress = progress
        self.staged = 0
        self.resumed = 0  # changes of a large pull that an earlier run had kept here
        self.batches = 0
        self.pieces = True  # pulls in pieces (an older office: ordinary pulls)
        self.stream = True  # large pushes streamed (an older office: a piece per request)
        self.head: int | None = None  # the office's log head, as its last pull piece said
        self.prefetched: Any = None  # a first pull piece answered with a streamed push
        self.push_from = self._start("push_from", device_side.acked_seq(replica))

    def _start(self, key: str, now: int) -> int:
        kept = self.replica.state(key)
        if kept is None or int(kept) > now:
            with self.replica.db.transaction():
                self.replica.set_state(key, str(now))
            return now
        return int(kept)

    def _finish(self, key: str) -> None:
        with self.replica.db.transaction():
            self.replica.conn.execute("DELETE FROM _sync_state WHERE key = ?", (key,))

    def report_push(self) -> None:
        if self.progress:
            done = device_side.acked_seq(self.replica) - self.push_from + self.staged
            total = latest_seq(self.replica) - self.push_from
            self.progress("push", done, max(total, done))

    def timed(self, call: Any, changes: int = 0) -> Any:
        """`call()`, its time and its cuts fed to the sizer (with the changes it carried,
        or those a pull piece brought)."""
        cuts, started = getattr(self.transport, "cuts", 0), time.monotonic()
        result = call()
        if getattr(result, "head", None) is not None:  # a pull piece names the log head
            self.head = result.head
        carried = changes or len(getattr(result, "changes", ()) or ())
        seconds = time.monotonic() - started
        cut = getattr(self.transport, "cuts", 0) > cuts
        if cut and late_cut(self.transport, cuts):  # the link dropped; the size was not at
            seconds, cut = self.transport.last_seconds, False  # fault: fit the try that went
        self.sizer.after(seconds, cut, carried)
        self.batches += 1
        return result

    def push(self) -> None:
        while True:
            changes, too_big = _batch(self.replica, self.sizer.size)
            if not changes and not too_big:
                break
            if too_big:
                self.push_large()
            else:
                self.timed(lambda c=changes: self._push_batch(c), len(changes))
            self.report_push()
        self._finish("push_from")

    def _push_batch(self, changes: list[Change]) -> None:
        replica = self.replica
        request = protocol.PushRequest(
            schema_name=replica.schema.name, schema_version=replica.schema.version,
            device_id=replica.device_id, changes=changes,
        )  # fmt: skip
        answer = protocol._answer(
            replica.schema, self.transport.send(request.model_dump_json().encode())
        )
        assert isinstance(answer, protocol.PushResponse)
        device_side.record_push(
            replica, answer.acked_seq, [(r.change_id, r.tx_id, r.reason) for r in answer.rejected]
        )

    def push_large(self) -> None:
        large_push.push_large(self)

    def took_kept(self, changes: int) -> None:
        self.resumed += changes

    def pull_once(self) -> bool:
        """One pull selection; in pieces (chunked_pull) unless the office is too old."""
        if self.pieces:
            try:
                first, self.prefetched = self.prefetched, None
                if first is not None and first[2].head is not None:
                    self.head = first[2].head
                return chunked_pull.pull_once(
                    self.replica, self.transport, self.sizer.size, lambda: self.sizer.size,
                    self.timed, self.took_kept, first, self.riding,
                )  # fmt: skip
            except chunked_pull.OldServer:
                self.pieces = False
        return self.timed(
            lambda: protocol.pull_once(self.replica, self.transport.send, self.sizer.size)
        )

    def pull(self, head: int | None) -> None:
        pull_from = self._start("pull_from", device_side.cursor(self.replica))
        while True:
            more = self.pull_once()
            head = self.head if self.head is not None else head
            if self.progress and head is not None:
                done = device_side.cursor(self.replica) - pull_from
                self.progress("pull", done, max(head - pull_from, done))
            if not more:
                break
        self._finish("pull_from")


def sync_link(
    replica: LocalReplica,
    transport: HttpTransport,
    limit: int = 1000,
    progress: Progress | None = None,
    head: int | None = None,
    summary: LinkSummary | None = None,
    snapshot_hook: BulkHook | None = None,
    snapshots: bool = True,
    riding: chunked_pull.Riding | None = None,
) -> LinkSummary:
    """Push every unacknowledged change (large transactions in pieces), then pull. `summary`
    (if given) is filled as the sync goes, so a caller still has it when the sync fails.

    With `snapshots`, a fresh device (never pulled, no rows) first takes its scopes' rows
    as they are now (snapshot_client.py; `snapshot_hook`: the application's `BulkHook`),
    and a device whose cursor lies before a compacted part of the office's log takes one
    in place of its rows (after its own changes were pushed and acknowledged); either way
    the pull then continues from the snapshot's position.

    `riding`: an exchange (the application's counters) that the first pull piece carries
    to the office, after the push; its `answer` is None if the office did not answer it
    (an older office, ordinary pulls, or a sync that failed before the pull)."""
    started = time.monotonic()
    me = replica.device_id
    summary = summary if summary is not None else LinkSummary()
    acked0 = device_side.acked_seq(replica)
    conflicts0 = _count(replica, "SELECT count(*) FROM _conflicts")
    refused0 = _count(replica, "SELECT count(*) FROM _rejected")
    seq0 = _count(replica, "SELECT COALESCE(MAX(seq), 0) FROM _changes")
    sent0, recv0 = transport.bytes_sent, transport.bytes_received
    cuts0 = getattr(transport, "cuts", 0)
    run = _Run(replica, transport, Sizer(limit), progress, riding)

    def fill() -> None:
        summary.pushed = device_side.acked_seq(replica) - acked0
        summary.waiting = waiting(replica)
        summary.staged = run.staged
        summary.resumed = run.resumed
        summary.batches = run.batches
        summary.pulled = _count(
            replica, "SELECT count(*) FROM _changes WHERE seq > ? AND device_id <> ?", (seq0, me)
        )
        summary.conflicts = _count(replica, "SELECT count(*) FROM _conflicts") - conflicts0
        summary.refused = _count(replica, "SELECT count(*) FROM _rejected") - refused0
        summary.bytes_sent = transport.bytes_sent - sent0
        summary.bytes_received = transport.bytes_received - recv0
        summary.retries = getattr(transport, "cuts", 0) - cuts0
        summary.seconds = time.monotonic() - started

    def take(replace: bool) -> None:
        # one ordinary request first: it finds the office URL that answers (failover), which
        # the snapshot's download then uses; a first sync can spare the round trip
        transport.status()
        try:
            summary.snapshot_rows += snapshot_client.take_snapshot(
                replica, transport, snapshot_hook, replace=replace
            )
        except snapshot_client.OldServer:
            if replace:
                raise protocol.SyncError(
                    "the office compacted its log and its server is too old to send a "
                    "snapshot: update the server"
                ) from None

    try:
        run.push()
        if snapshots and snapshot_client.fresh(replica):
            take(replace=False)
        try:
            run.pull(head)
        except protocol.SnapshotRequired:
            if not snapshots:
                raise
            run.push()  # every own change acknowledged first: the snapshot then holds them
            take(replace=True)
            run.pull(head)
    finally:
        fill()
    return summary
