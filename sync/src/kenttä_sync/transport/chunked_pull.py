"""Pulls of very large transactions, in pieces (`POST /v1/pull-chunk`).

An ordinary pull answers whole transactions, so one transaction of 20,000 changes is one
answer, which a link that drops every few seconds never delivers. Here the device asks for
the pull after `cursor` with `limit` (the same selection as an ordinary pull: whole
transactions, at least `limit` changes unless the log ends) and receives it `size` changes
at a time from `offset`, with the selection's `total` and its new `cursor`. It keeps the
pieces and applies them in one local transaction once it has all `total` (the same
`device.apply_pull` as an ordinary pull), so a transaction arrives whole or not at all.
The pieces are kept on the device as they arrive (`_sync_state`), so a later `kenttä sync`
run asks only for the pieces still missing (`pull_once`).

A selection that reaches `limit` ends at a fixed log position, so every piece of it is cut
from the same changes; a selection shorter than `limit` (the end of the log) comes in one
piece when `size >= limit`. If the office answers another `cursor` or `total` than the first
piece did (its log changed meanwhile), the device starts the selection again. The server
keeps nothing between pieces.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import Field

from kenttä_sync.central.compaction import SnapshotNeeded
from kenttä_sync.central.store import CentralStore, NotEnrolled
from kenttä_sync.device import state as device_side
from kenttä_sync.device.replica import LocalReplica
from kenttä_sync.ground.changes import Change
from kenttä_sync.transport import protocol
from kenttä_sync.transport.chunked_push import version_mismatch
from kenttä_sync.transport.client import HttpTransport, answer_data, post_gzipped

MAX = 5000  # changes per selection and per piece (as an ordinary pull's limit)
MAX_CURSOR = 2**62
RESTARTS = 5


class PullChunkRequest(protocol.Message):
    kind: Literal["pull_chunk"] = "pull_chunk"
    device_id: str
    cursor: int = Field(ge=0, le=MAX_CURSOR)
    limit: int = Field(ge=1, le=MAX)
    offset: int = Field(default=0, ge=0)
    size: int = Field(ge=1, le=MAX)
    written: int | None = Field(default=None, ge=0, le=MAX_CURSOR)  # as in PullRequest
    counters: dict[str, Any] | None = None  # an exchange riding along (`Riding`); optional


class PullChunkResponse(protocol.Message):
    kind: Literal["pull_chunk_result"] = "pull_chunk_result"
    changes: list[Change]
    offset: int
    total: int
    cursor: int
    more: bool
    head: int | None = (
        None  # the office's log head (the device's pull progress needs no /v1/status)
    )
    counters: dict[str, Any] | None = None  # the answer to the request's `counters`


@dataclass
class Riding:
    """A counters exchange (kenttä_sync.counters: the body of `/v1/counters`) that rides on
    the sync's first pull piece instead of a round trip of its own after the sync.

    Every pull piece carries `request` until the office answers one; `answer` is then its
    answer, or None from an office that does not know the field (older than it) or refused
    the exchange: the application then exchanges over `/v1/counters`, which says why."""

    request: dict[str, Any]
    answer: dict[str, Any] | None = None
    done: bool = False  # the office answered a piece that carried the request

    def field(self) -> dict[str, Any] | None:
        return None if self.done else self.request

    def took(self, answer: PullChunkResponse) -> None:
        if not self.done:
            self.done, self.answer = True, answer.counters


Exchange = Callable[[dict[str, Any]], dict[str, Any] | None]


def handle(
    central: CentralStore, device_id: str, data: bytes, exchange: Exchange | None = None
) -> tuple[int, bytes]:
    """The server side of one piece: (HTTP status, protocol answer bytes). A request's
    `counters` is answered by `exchange` after the pull (None: the answer has none)."""
    schema = central.schema
    versions = {"schema_name": schema.name, "schema_version": schema.version}
    try:
        request = PullChunkRequest.model_validate_json(data)
    except ValueError as exc:
        return 400, _error(versions, "bad_request", f"malformed request: {str(exc)[:200]}")
    if (mismatch := version_mismatch(schema, request)) is not None:
        return 409, _error(versions, "version", mismatch)
    if request.device_id != device_id:
        return 403, _error(versions, "not_enrolled", "the request names another device")
    try:
        changes, cursor, more = central.pull(
            device_id, request.cursor, request.limit, request.written
        )
    except NotEnrolled as exc:
        return 403, _error(versions, "not_enrolled", str(exc))
    except SnapshotNeeded as exc:
        return 409, _error(versions, "snapshot", str(exc))
    piece = changes[request.offset : request.offset + request.size]
    answer = PullChunkResponse(
        **versions, changes=piece, offset=request.offset, total=len(changes), cursor=cursor,
        more=more, head=int(central.head()),
    )  # fmt: skip
    if request.counters is not None and exchange is not None:
        answer.counters = exchange(request.counters)
    return 200, answer.model_dump_json().encode()


def _error(versions: dict, code: str, message: str) -> bytes:
    error = protocol.ErrorResponse(**versions, code=code, message=message)  # type: ignore[arg-type]
    return error.model_dump_json().encode()


class OldServer(RuntimeError):
    """The office has no /v1/pull-chunk (an older server): pull the ordinary way."""


def _post(transport: HttpTransport, request: PullChunkRequest) -> PullChunkResponse:
    response = post_gzipped(transport, "/v1/pull-chunk", request.model_dump_json().encode())
    if response.status_code in (404, 405):
        raise OldServer()
    data = answer_data(response, snapshot=True)
    return PullChunkResponse.model_validate(data)


STAGED = "pull_staged"  # _sync_state: the selection being fetched in pieces (JSON)
PIECE = "pull_piece."  # _sync_state: one received piece, by its offset (JSON changes)


def drop_staged(replica: LocalReplica) -> None:
    """Forget the pieces of a large pull kept on this device."""
    with replica.db.transaction():
        replica.conn.execute(
            "DELETE FROM _sync_state WHERE key = ? OR key LIKE ?", (STAGED, PIECE + "%")
        )


def _kept(replica: LocalReplica, cursor: int) -> tuple[int, tuple[int, int] | None, list[Change]]:
    """(limit, (cursor, total) of the office's first answer, changes held from offset 0) of
    a large pull an earlier run left unfinished from `cursor`; (0, None, []) if none."""
    raw = replica.state(STAGED)
    if raw is None:
        return 0, None, []
    meta = json.loads(raw)
    if meta.get("from") != cursor:  # applied since, or the cursor moved: not this pull
        drop_staged(replica)
        return 0, None, []
    held: list[Change] = []
    for key, value in replica.conn.execute(
        "SELECT key, value FROM _sync_state WHERE key LIKE ? ORDER BY key", (PIECE + "%",)
    ).fetchall():
        if int(key[len(PIECE) :]) != len(held):
            break  # a gap: what follows is asked again
        held += [Change.model_validate(c) for c in json.loads(value)]
    return int(meta["limit"]), (int(meta["cursor"]), int(meta["total"])), held


def _keep(
    replica: LocalReplica, cursor: int, limit: int, answer: PullChunkResponse, offset: int
) -> None:
    """Keep one piece of a selection that needs several (one short local transaction)."""
    meta = {"from": cursor, "limit": limit, "cursor": answer.cursor, "total": answer.total}
    data = json.dumps([c.model_dump(mode="json") for c in answer.changes])
    with replica.db.transaction():
        replica.set_state(STAGED, json.dumps(meta))
        replica.set_state(f"{PIECE}{offset:012d}", data)


def pull_once(
    replica: LocalReplica,
    transport: HttpTransport,
    limit: int,
    size: Callable[[], int],
    timed: Callable[[Callable[[], PullChunkResponse]], PullChunkResponse],
    resumed: Callable[[int], None] | None = None,
    first: tuple[int, int, PullChunkResponse] | None = None,
    riding: Riding | None = None,
) -> bool:
    """Pull one selection (whole transactions) in pieces of `size()` changes and apply it
    in one local transaction; returns whether the office has more.

    A selection that needs several pieces is kept on the device as its pieces arrive
    (`pull_staged`, `pull_piece.<offset>` in `_sync_state`), so a run that is cut or ended
    goes on at the next one from the first missing piece (`resumed(changes held)` says
    so); the kept pieces are dropped when the selection is applied, when the office answers
    another selection (its log changed, or the transaction is gone) or asks for a snapshot.
    `first`: (cursor, limit, answer) of the first piece, asked along with a streamed push;
    `riding`: an exchange the pieces carry until the office answers one (`Riding`)."""
    cursor = device_side.cursor(replica)
    written = device_side.written(replica)
    versions = {"schema_name": replica.schema.name, "schema_version": replica.schema.version}
    kept_limit, key, held = _kept(replica, cursor)
    limit = kept_limit or max(1, min(limit, MAX))  # the same selection as the first run's
    if held and resumed:
        resumed(len(held))
    ready = None  # the first piece, already answered with a streamed push (`first`)
    if first is not None and key is None and first[0] == cursor:
        limit, ready = first[1], first[2]
    restarts = 0
    while True:
        request = PullChunkRequest(
            **versions, device_id=replica.device_id, cursor=cursor, limit=limit,
            offset=len(held), size=max(1, min(size(), MAX)), written=written,
            counters=riding.field() if riding is not None else None,
        )  # fmt: skip
        try:
            answer = ready or timed(lambda r=request: _post(transport, r))
        except protocol.SnapshotRequired:
            drop_staged(replica)  # the transaction is gone from the office's log
            raise
        ready = None
        if riding is not None:
            riding.took(answer)
        if key is not None and (answer.cursor, answer.total) != key:
            restarts += 1
            drop_staged(replica)
            if restarts > RESTARTS:
                raise protocol.SyncError("the office's log kept changing under a large pull")
            held, key = [], None
            continue
        key = (answer.cursor, answer.total)
        if len(held) + len(answer.changes) < answer.total:  # more pieces to come: keep it
            _keep(replica, cursor, limit, answer, len(held))
        held += answer.changes
        if len(held) >= answer.total:
            break
        if not answer.changes:
            raise protocol.SyncError("the office sent an empty piece of a large pull")
    with replica.db.transaction():  # applied and forgotten together
        device_side.apply_pull(replica, held, answer.cursor, cursor)
        replica.conn.execute(
            "DELETE FROM _sync_state WHERE key = ? OR key LIKE ?", (STAGED, PIECE + "%")
        )
    return answer.more
