"""Resumable pushes at the office: a transaction larger than one request, in pieces.

A device whose oldest unacknowledged transaction is bigger than one request sends it in
pieces (`ChunkRequest`): each carries a contiguous run of the transaction's changes (by
device sequence) and the transaction's whole range (`tx_first`..`tx_last`). The office
stages the pieces in the central store (`_staged_chunks`, keyed by the authenticated device
and the transaction id; SQLite and PostgreSQL alike, so any server process sharing the store
may take the next piece) and answers with the ranges it holds. When the held ranges cover the
whole transaction, it is applied through the same `protocol.push` as an ordinary push (every
check of a push applies), in one database transaction with the removal of its pieces: the
transaction is applied whole or not at all. Pieces may have any size (the device adapts them
to its link) and may overlap; a piece already held is harmless.

A device that was cut asks with an empty piece (`changes` empty) which ranges the office
holds, and resumes at the first missing sequence. A device stages one transaction at a time:
a piece of another transaction drops what it had staged before. Staged pieces of a revoked
device, or older than `MAX_AGE` seconds, are dropped (`purge`, run with every piece).
"""

from __future__ import annotations

import json
import time
from typing import Any, Literal

from pydantic import Field

from kenttä_sync.central.store import CentralStore
from kenttä_sync.ground.changes import PROTOCOL_VERSION, Change
from kenttä_sync.ground.schema import SyncSchema
from kenttä_sync.transport import protocol

MAX_AGE = 7 * 24 * 3600
MAX_TX_CHANGES = 1_000_000  # one transaction, whole
MAX_PIECES = 20_000  # staged pieces of one transaction
_DDL = """
CREATE TABLE IF NOT EXISTS _staged_chunks (
  device_id TEXT NOT NULL, tx_id TEXT NOT NULL, first_seq BIGINT NOT NULL,
  last_seq BIGINT NOT NULL, tx_first BIGINT NOT NULL, tx_last BIGINT NOT NULL,
  data TEXT NOT NULL, created BIGINT NOT NULL,
  PRIMARY KEY (device_id, tx_id, first_seq, last_seq)
);
CREATE INDEX IF NOT EXISTS _staged_chunks_created ON _staged_chunks (created)
"""


class ChunkRequest(protocol.Message):
    kind: Literal["push_chunk"] = "push_chunk"
    device_id: str
    tx_id: str = Field(min_length=1, max_length=100)
    tx_first: int = Field(ge=1)
    tx_last: int = Field(ge=1)
    changes: list[Change] = Field(default_factory=list)  # empty: "what do you hold?"


class ChunkResponse(protocol.Message):
    kind: Literal["chunk_result"] = "chunk_result"
    held: list[tuple[int, int]] = Field(default_factory=list)  # merged (first, last) ranges
    result: protocol.PushResponse | None = None  # set once the transaction was applied
    # a streamed push may end with a pull piece (push_stream): its answer, right after
    pull: dict[str, Any] | None = None


class ChunkError(ValueError):
    """A piece that cannot be staged (the message names why; never its content)."""


def install(central: CentralStore) -> None:
    with central.db.transaction():
        central.db.script(_DDL)


def purge(central: CentralStore, now: int | None = None) -> None:
    """Drop staged pieces older than a week, and those of revoked devices."""
    now = int(time.time()) if now is None else now
    central.db.execute("DELETE FROM _staged_chunks WHERE created < ?", (now - MAX_AGE,))
    central.db.execute(
        "DELETE FROM _staged_chunks WHERE device_id IN"
        " (SELECT device_id FROM _device_auth WHERE revoked_at IS NOT NULL)"
    )


def _merged(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for first, last in sorted(ranges):
        if out and first <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], last))
        else:
            out.append((first, last))
    return out


def _check_piece(request: ChunkRequest, device_id: str) -> None:
    if request.tx_last < request.tx_first:
        raise ChunkError("the transaction's range is empty")
    if request.tx_last - request.tx_first + 1 > MAX_TX_CHANGES:
        raise ChunkError(f"a transaction may hold at most {MAX_TX_CHANGES} changes")
    seqs = [c.device_seq for c in request.changes]
    if seqs and seqs != list(range(seqs[0], seqs[0] + len(seqs))):
        raise ChunkError("a piece must be a contiguous run of device sequences")
    if seqs and (seqs[0] < request.tx_first or seqs[-1] > request.tx_last):
        raise ChunkError("a piece lies outside its transaction's range")
    if any(c.device_id != device_id or c.tx_id != request.tx_id for c in request.changes):
        raise ChunkError("every change of a piece must be the device's, of the named transaction")


def stage(central: CentralStore, device_id: str, request: ChunkRequest) -> ChunkResponse:
    """Stage one piece (or answer what is held); apply the transaction once it is whole."""
    versions = {"schema_name": central.schema.name, "schema_version": central.schema.version}
    _check_piece(request, device_id)
    db = central.db
    with db.transaction():
        purge(central)
        dev = central._enrolled(device_id)
        if request.tx_last <= dev.acked_seq:  # applied already (a lost answer)
            db.execute("DELETE FROM _staged_chunks WHERE device_id = ?", (device_id,))
            done = protocol.PushResponse(**versions, acked_seq=dev.acked_seq)
            return ChunkResponse(**versions, held=[], result=done)
        if request.tx_first != dev.acked_seq + 1:
            raise protocol_gap(device_id, dev.acked_seq)
        db.execute(
            "DELETE FROM _staged_chunks WHERE device_id = ? AND (tx_id <> ? OR tx_first <> ?"
            " OR tx_last <> ?)",
            (device_id, request.tx_id, request.tx_first, request.tx_last),
        )
        if request.changes:
            pieces = db.execute(
                "SELECT count(*) FROM _staged_chunks WHERE device_id = ?", (device_id,)
            )[0][0]
            if int(pieces) >= MAX_PIECES:
                raise ChunkError("too many pieces staged for one transaction")
            data = json.dumps([c.model_dump(mode="json") for c in request.changes])
            db.execute(
                "INSERT INTO _staged_chunks (device_id, tx_id, first_seq, last_seq, tx_first,"
                " tx_last, data, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (device_id, tx_id, first_seq, last_seq) DO NOTHING",
                (device_id, request.tx_id, request.changes[0].device_seq,
                 request.changes[-1].device_seq, request.tx_first, request.tx_last, data,
                 int(time.time())),
            )  # fmt: skip
        held = _merged(
            [
                (int(a), int(b))
                for a, b in db.execute(
                    "SELECT first_seq, last_seq FROM _staged_chunks WHERE device_id = ?",
                    (device_id,),
                )
            ]
        )
        if held != [(request.tx_first, request.tx_last)]:
            return ChunkResponse(**versions, held=held)
        changes = _assembled(central, device_id, request.tx_first, request.tx_last)
        result = protocol.push(central, device_id, changes)  # joins this transaction
        db.execute("DELETE FROM _staged_chunks WHERE device_id = ?", (device_id,))
        return ChunkResponse(**versions, held=[], result=result)


def _assembled(central: CentralStore, device_id: str, first: int, last: int) -> list[Change]:
    by_seq: dict[int, Change] = {}
    for (data,) in central.db.execute(
        "SELECT data FROM _staged_chunks WHERE device_id = ? ORDER BY first_seq", (device_id,)
    ):
        for raw in json.loads(data):
            change = Change.model_validate(raw)
            by_seq.setdefault(change.device_seq, change)
    return [by_seq[s] for s in range(first, last + 1)]


def protocol_gap(device_id: str, acked: int) -> Exception:
    from kenttä_sync.central.store import SequenceGap

    return SequenceGap(f"expected change {acked + 1} of device {device_id}; resend from it")


def version_mismatch(schema: SyncSchema, request: protocol.Message) -> str | None:
    """Why a piece's request speaks another protocol or schema, or None when it does not."""
    if request.protocol_version == PROTOCOL_VERSION and (
        request.schema_name, request.schema_version
    ) == (schema.name, schema.version):  # fmt: skip
        return None
    return (
        f"this server speaks sync protocol {PROTOCOL_VERSION} with schema {schema.name} "
        f"version {schema.version}; the device sent protocol {request.protocol_version}, "
        f"schema {request.schema_name} version {request.schema_version}"
    )


def handle(central: CentralStore, device_id: str, data: bytes) -> tuple[int, bytes]:
    """The server side of one piece: (HTTP status, protocol answer bytes)."""
    schema = central.schema
    try:
        request = ChunkRequest.model_validate_json(data)
    except ValueError as exc:
        return 400, _error(central, "bad_request", f"malformed piece: {str(exc)[:200]}")
    if (mismatch := version_mismatch(schema, request)) is not None:
        return 409, _error(central, "version", mismatch)
    from kenttä_sync.central.store import NotEnrolled, SequenceGap

    if request.device_id != device_id:
        return 403, _error(central, "not_enrolled", "the piece names another device")
    try:
        return 200, stage(central, device_id, request).model_dump_json().encode()
    except ChunkError as exc:
        return 400, _error(central, "bad_request", str(exc))
    except SequenceGap as exc:
        return 409, _error(central, "sequence_gap", str(exc))
    except NotEnrolled as exc:
        return 403, _error(central, "not_enrolled", str(exc))


def _error(central: CentralStore, code: str, message: str) -> bytes:
    schema = central.schema
    error = protocol.ErrorResponse(
        schema_name=schema.name, schema_version=schema.version, code=code, message=message
    )  # type: ignore[arg-type]
    return error.model_dump_json().encode()
