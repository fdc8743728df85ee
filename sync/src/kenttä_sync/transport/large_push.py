"""The push of one transaction larger than a request (used by `resumable.sync_link`).

* No question first: the device keeps (`push_staged` in `_sync_state`: "tx_id last") how far
  the office's last answer said it holds the transaction and goes on from there; every
  answer names what the office holds, so a device that guessed wrong (the office dropped
  its pieces) goes back to the first missing change with the next request.
* The rest of the transaction is streamed in frames (`push_stream`): one request, no round
  trip per piece, one gzip stream; its rows are read and encoded as the body goes out.
  After a cut the device asks what arrived (an empty piece) and streams from the first
  missing change; it gives up after `retries` cuts in a row that staged nothing more.
* The stream that carries the transaction's last change ends with the first pull piece
  (`chunked_pull.PullChunkRequest`), answered in the same answer: the pull that follows
  starts from it (`run.prefetched`), without a round trip of its own. The piece carries
  the application's counters exchange (`run.riding`) when it fits a pull frame.
* An office without the stream route gets a piece per request (`chunked_push`), each of
  the sizer's current size.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kenttä_sync.device import state as device_side
from kenttä_sync.device.replica import LocalReplica
from kenttä_sync.ground.changes import CHANGE_LOG_COLUMNS, Change, row_to_change
from kenttä_sync.transport import chunked_pull, protocol, push_stream
from kenttä_sync.transport.chunked_push import ChunkRequest, ChunkResponse
from kenttä_sync.transport.client import (
    HttpTransport,
    ServerUnreachable,
    answer_data,
    post_gzipped,
)
from kenttä_sync.transport.link import LinkCut, RetryNotice

MIN_FRAME = 50
_COLS = ", ".join(CHANGE_LOG_COLUMNS)


def rows(replica: LocalReplica, first: int, last: int) -> list[Change]:
    """This device's changes `first`..`last` (device sequences), in order."""
    found = replica.conn.execute(
        f"SELECT {_COLS} FROM _changes WHERE device_id = ? AND device_seq BETWEEN ? AND ?"
        " ORDER BY device_seq",
        (replica.device_id, first, last),
    ).fetchall()
    return [row_to_change(r) for r in found]


def _one(replica: LocalReplica, sql: str, params: tuple) -> int:
    return int(replica.conn.execute(sql, params).fetchone()[0] or 0)


def post_piece(transport: HttpTransport, request: ChunkRequest) -> ChunkResponse:
    """One piece (or, with no changes, the question "what do you hold?") to /v1/push-chunk."""
    response = post_gzipped(transport, "/v1/push-chunk", request.model_dump_json().encode())
    if response.status_code == 404:
        raise protocol.SyncError(
            "this transaction is too large for one request and the office server is too old "
            "to take it in pieces: update the server, or carry it on a USB stick"
        )
    data = answer_data(response)
    return ChunkResponse.model_validate(data)


def covered(held: list[tuple[int, int]], first: int) -> int:
    """The last sequence held contiguously from `first` (first - 1 if none)."""
    for a, b in held:
        if a <= first <= b:
            return b
    return first - 1


def push_large(run: Any) -> None:
    """Push the oldest pending transaction of `run` (resumable._Run) in pieces."""
    replica = run.replica
    acked = device_side.acked_seq(replica)
    first = rows(replica, acked + 1, acked + 1)[0]
    tx_first = first.device_seq
    tx_last = _one(
        replica, "SELECT MAX(device_seq) FROM _changes WHERE device_id = ? AND tx_id = ?",
        (replica.device_id, first.tx_id),
    )  # fmt: skip
    held_here = _one(
        replica, "SELECT count(*) FROM _changes WHERE device_id = ? AND tx_id = ?"
        " AND device_seq BETWEEN ? AND ?", (replica.device_id, first.tx_id, tx_first, tx_last),
    )  # fmt: skip
    if held_here != tx_last - tx_first + 1:
        raise protocol.SyncError("a transaction's changes are not contiguous here")
    base = {
        "schema_name": replica.schema.name, "schema_version": replica.schema.version,
        "device_id": replica.device_id, "tx_id": first.tx_id, "tx_first": tx_first,
        "tx_last": tx_last,
    }  # fmt: skip
    kept = (replica.state("push_staged") or "").split()
    done = tx_first - 1
    if len(kept) == 2 and kept[0] == first.tx_id and kept[1].isdigit():
        done = min(tx_last, max(done, int(kept[1])))
    cuts = 0  # cuts in a row that staged nothing more
    while True:
        run.staged = done - tx_first + 1
        run.report_push()
        try:
            answer = _next(run, base, done + 1, tx_last)
        except LinkCut as cut:
            cuts += 1
            _announce(run.transport, cut, cuts)
            answer = run.timed(lambda: post_piece(run.transport, ChunkRequest(**base)))
        if answer.result is not None:
            break
        moved = covered(answer.held, tx_first)
        cuts = 0 if moved > done else cuts
        done = moved
        with replica.db.transaction():
            replica.set_state("push_staged", f"{first.tx_id} {done}")
    run.staged = 0
    rejected = [(r.change_id, r.tx_id, r.reason) for r in answer.result.rejected]
    with replica.db.transaction():
        replica.conn.execute("DELETE FROM _sync_state WHERE key = 'push_staged'")
        device_side.record_push(replica, answer.result.acked_seq, rejected)


def _next(run: Any, base: dict, start: int, tx_last: int) -> ChunkResponse:
    """The changes from `start` on: streamed in frames, or one piece to an older office
    (and the question alone when everything is held already)."""
    replica, transport, size = run.replica, run.transport, run.sizer.size
    if start > tx_last:
        return run.timed(lambda: post_piece(transport, ChunkRequest(**base)))
    if run.stream:
        frame = max(MIN_FRAME, size // 4)
        last = min(tx_last, start - 1 + frame * push_stream.FRAMES)

        def frames() -> Iterator[list[Change]]:  # read as the body goes out
            for a in range(start, last + 1, frame):
                yield rows(replica, a, min(last, a + frame - 1))

        ask = _pull_frame(run) if last == tx_last else None  # what is new, in the same answer
        try:
            answer = run.timed(
                lambda: push_stream.post(transport, base, frames(), ask and ask[2]),
                last - start + 1,
            )
        except push_stream.OldServer:
            run.stream = False
        else:
            if ask is not None and answer.result is not None and answer.pull is not None:
                pulled = chunked_pull.PullChunkResponse.model_validate(answer.pull)
                run.prefetched = (ask[0], ask[1], pulled)
            return answer
    piece = rows(replica, start, min(tx_last, start - 1 + size))
    return run.timed(lambda: post_piece(transport, ChunkRequest(**base, changes=piece)), len(piece))


def _pull_frame(run: Any) -> tuple[int, int, bytes]:
    """(cursor, limit, the request's JSON) of the first pull piece, asked with the pieces."""
    replica = run.replica
    cursor, limit = device_side.cursor(replica), max(1, min(run.sizer.size, chunked_pull.MAX))
    request = chunked_pull.PullChunkRequest(
        schema_name=replica.schema.name, schema_version=replica.schema.version,
        device_id=replica.device_id, cursor=cursor, limit=limit, offset=0, size=limit,
        written=device_side.written(replica),
    )  # fmt: skip
    frame = request.model_dump_json().encode()
    riding = run.riding.field() if run.riding is not None else None
    if riding is not None:  # the exchange rides along if the frame stays a pull frame
        with_it = request.model_copy(update={"counters": riding}).model_dump_json().encode()
        frame = with_it if len(with_it) <= push_stream.PULL_FRAME else frame
    return cursor, limit, frame


def _announce(transport: HttpTransport, cut: LinkCut, cuts: int) -> None:
    """A streamed body was cut: say so (the question goes at once), or give up."""
    retries = getattr(transport, "retries", 0)
    if cuts > retries:
        raise ServerUnreachable(
            f"the connection to the sync server at {transport.url} was {cut.kind} {cuts} times"
        )
    notify = getattr(transport, "notify", None)
    if notify:
        notify(RetryNotice(cut.kind, 0.0, cuts, retries, transport.url))
