"""Protocol messages (versioned pydantic models) and push/pull as functions over stores.

A transport only carries bytes: the device encodes a request (`PushRequest`/`PullRequest`
`.model_dump_json()`), the server passes the bytes to `handle(central, data)` and returns
what it answers. Every message carries `protocol_version` and the schema's name and version;
a peer on another version gets an `ErrorResponse` naming the version it needs, which the
device side raises as `VersionMismatch` (nothing is applied or lost: the changes stay in
the device's log until a compatible sync).

Limits: a pull asks for 1…MAX_PULL_LIMIT changes from a cursor in 0…MAX_CURSOR; anything
else is a `bad_request` naming the field (a device asking for more gets batches of
MAX_PULL_LIMIT). Error messages name fields and error types, never the values sent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Literal

from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from kenttä_sync.central.compaction import SnapshotNeeded
from kenttä_sync.central.store import CentralStore, NotEnrolled, SequenceGap
from kenttä_sync.device import state as device_side
from kenttä_sync.device.replica import LocalReplica
from kenttä_sync.ground.changes import PROTOCOL_VERSION, Change
from kenttä_sync.ground.errortext import describe_validation, field_names
from kenttä_sync.ground.schema import SyncSchema


class VersionMismatch(RuntimeError):
    """The peer speaks another protocol or schema version."""


class SyncError(RuntimeError):
    """The central store refused a request (not enrolled, sequence gap, …)."""


class SnapshotRequired(SyncError):
    """The office compacted its log past this device's cursor: take a snapshot first."""


MAX_PULL_LIMIT = 5000
MAX_CURSOR = 2**62


class Message(BaseModel):
    protocol_version: int = PROTOCOL_VERSION
    schema_name: str
    schema_version: int


class Rejection(BaseModel):
    change_id: str
    tx_id: str
    reason: str


class PushRequest(Message):
    kind: Literal["push"] = "push"
    device_id: str
    changes: list[Change]


class PushResponse(Message):
    kind: Literal["push_result"] = "push_result"
    acked_seq: int
    applied: int = 0
    rejected: list[Rejection] = Field(default_factory=list)


class PullRequest(Message):
    kind: Literal["pull"] = "pull"
    device_id: str
    cursor: int = Field(default=0, ge=0, le=MAX_CURSOR)
    limit: int = Field(default=1000, ge=1, le=MAX_PULL_LIMIT)
    # the device's last own change when it asked (optional; lets the office compact its log)
    written: int | None = Field(default=None, ge=0, le=MAX_CURSOR)


class PullResponse(Message):
    kind: Literal["pull_result"] = "pull_result"
    changes: list[Change]
    cursor: int
    more: bool


class ErrorResponse(Message):
    kind: Literal["error"] = "error"
    code: Literal["version", "not_enrolled", "sequence_gap", "bad_request", "snapshot"]
    message: str


Request = Annotated[PushRequest | PullRequest, Field(discriminator="kind")]
Response = Annotated[PushResponse | PullResponse | ErrorResponse, Field(discriminator="kind")]
_requests: TypeAdapter[PushRequest | PullRequest] = TypeAdapter(Request)
_responses: TypeAdapter[PushResponse | PullResponse | ErrorResponse] = TypeAdapter(Response)
FIELDS = field_names(PushRequest, PullRequest, Change) | {"push", "pull"}


def _versions(schema: SyncSchema) -> dict:
    return {"schema_name": schema.name, "schema_version": schema.version}


# -- functions over stores ------------------------------------------------------------------
def push(central: CentralStore, device_id: str, changes: list[Change]) -> PushResponse:
    """Apply a device's unacknowledged changes at the central store."""
    result = central.push(device_id, changes)
    return PushResponse(
        **_versions(central.schema),
        acked_seq=result.acked_seq,
        applied=result.applied,
        rejected=[Rejection(change_id=c, tx_id=t, reason=r) for c, t, r in result.rejected],
    )


def pull(
    central: CentralStore,
    device_id: str,
    cursor: int,
    limit: int = 1000,
    written: int | None = None,
) -> PullResponse:
    """Changes after the device's cursor within its scopes (whole transactions)."""
    changes, new_cursor, more = central.pull(device_id, cursor, limit, written)
    return PullResponse(**_versions(central.schema), changes=changes, cursor=new_cursor, more=more)


def handle(central: CentralStore, data: bytes) -> bytes:
    """The server side: one request in bytes, one response out."""
    schema = central.schema
    try:
        request = _requests.validate_json(data)
    except ValidationError as exc:
        return _error(
            schema, "bad_request", f"malformed request: {describe_validation(exc, FIELDS)}"
        )
    except ValueError:
        return _error(schema, "bad_request", "malformed request: the body is not a JSON request")
    if request.protocol_version != PROTOCOL_VERSION:
        return _error(
            schema,
            "version",
            f"this server speaks sync protocol version {PROTOCOL_VERSION}, "
            f"the device sent {request.protocol_version}: update to a release with "
            f"protocol version {PROTOCOL_VERSION}",
        )
    if (request.schema_name, request.schema_version) != (schema.name, schema.version):
        return _error(
            schema,
            "version",
            f"this server needs schema {schema.name} version {schema.version}, the device has "
            f"{_named(request.schema_name, schema)} version {request.schema_version}",
        )
    try:
        if isinstance(request, PushRequest):
            response: BaseModel = push(central, request.device_id, request.changes)
        else:
            response = pull(
                central, request.device_id, request.cursor, request.limit, request.written
            )
    except NotEnrolled as exc:
        return _error(schema, "not_enrolled", str(exc))
    except SequenceGap as exc:
        return _error(schema, "sequence_gap", str(exc))
    except SnapshotNeeded as exc:  # (or a late duplicate of an old pull: no one reads it)
        return _error(schema, "snapshot", str(exc))
    return response.model_dump_json().encode()


def _named(name: str, schema: SyncSchema) -> str:
    """The peer's schema name if it is this schema's (a request value is never echoed)."""
    return f"schema {name}" if name == schema.name else "another schema"


def _error(schema: SyncSchema, code: str, message: str) -> bytes:
    return ErrorResponse(**_versions(schema), code=code, message=message).model_dump_json().encode()


# -- the device side ------------------------------------------------------------------------
def _answer(schema: SyncSchema, data: bytes) -> PushResponse | PullResponse:
    response = _responses.validate_json(data)
    if isinstance(response, ErrorResponse):
        if response.code == "version":
            raise VersionMismatch(response.message)
        if response.code == "snapshot":
            raise SnapshotRequired(f"{response.code}: {response.message}")
        raise SyncError(f"{response.code}: {response.message}")
    if response.protocol_version != PROTOCOL_VERSION or response.schema_version != schema.version:
        raise VersionMismatch(
            f"the server answered with protocol {response.protocol_version}, schema version "
            f"{response.schema_version}; this device needs protocol {PROTOCOL_VERSION}, "
            f"schema version {schema.version}"
        )
    return response


def push_once(replica: LocalReplica, send: Callable[[bytes], bytes], limit: int = 1000) -> int:
    """Push one batch of unacknowledged changes; returns how many were sent."""
    changes = device_side.pending(replica, limit)
    if not changes:
        return 0
    request = PushRequest(**_versions(replica.schema), device_id=replica.device_id, changes=changes)
    response = _answer(replica.schema, send(request.model_dump_json().encode()))
    assert isinstance(response, PushResponse)
    device_side.record_push(
        replica, response.acked_seq, [(r.change_id, r.tx_id, r.reason) for r in response.rejected]
    )
    return len(changes)


def pull_once(replica: LocalReplica, send: Callable[[bytes], bytes], limit: int = 1000) -> bool:
    """Pull and apply one batch; returns whether the server has more."""
    request = PullRequest(
        **_versions(replica.schema),
        device_id=replica.device_id,
        cursor=device_side.cursor(replica),
        limit=max(1, min(limit, MAX_PULL_LIMIT)),
        written=device_side.written(replica),
    )
    response = _answer(replica.schema, send(request.model_dump_json().encode()))
    assert isinstance(response, PullResponse)
    device_side.apply_pull(replica, response.changes, response.cursor, request.cursor)
    return response.more


def sync(replica: LocalReplica, send: Callable[[bytes], bytes], limit: int = 1000) -> None:
    """Push everything, then pull everything (each in batches)."""
    while push_once(replica, send, limit):
        pass
    while pull_once(replica, send, limit):
        pass


def in_process(central: CentralStore) -> Callable[[bytes], bytes]:
    """A `send` that hands the bytes straight to `handle` (tests, single-machine use)."""
    return lambda data: handle(central, data)
