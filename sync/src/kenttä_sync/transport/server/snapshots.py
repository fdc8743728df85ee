"""The office's route for a device's first sync by snapshot (added by `add_routes`).

* `POST /v1/snapshot`: the body is a `SnapshotRequest` (JSON, optionally gzip), as for
  /v1/sync; the answer (200, `application/gzip`) is the device's snapshot as gzip-compressed
  JSON lines (`kenttä_sync.central.snapshot`: a header with the log position, then pages of
  rows), streamed. Only the authenticated device's enrolled scopes, under its role's read
  policy (`enrolment.role_checked`), as a pull.

The pages are written to a spooled temporary file while the store is borrowed (one read
transaction: a consistent snapshot), then streamed from it once the connection is back in
the pool, so a slow link never holds a database connection or a transaction open, and a
large snapshot is kept on disk, not in memory. Errors are protocol messages (400 bad
request, 409 version, 403 another device or not enrolled); 401/403/503 as for every route.
Nothing is kept in the process after the answer.
"""

# no `from __future__ import annotations` here: FastAPI reads the routes' annotations
import tempfile
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Literal

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response, StreamingResponse
from pydantic import ValidationError

from kenttä_sync.central.snapshot import encode
from kenttä_sync.central.store import NotEnrolled
from kenttä_sync.ground.changes import PROTOCOL_VERSION
from kenttä_sync.ground.errortext import describe_validation, field_names
from kenttä_sync.transport import protocol
from kenttä_sync.transport.server import enrolment
from kenttä_sync.transport.server.errors import HttpError, failure, guarded, status_of
from kenttä_sync.transport.server.intake import ERRORS, Credentials, authenticate, decompress

if TYPE_CHECKING:
    from kenttä_sync.ground.schema import SyncSchema
    from kenttä_sync.transport.server.stores import StorePool

SPOOL = 8 * 1024 * 1024  # a snapshot larger than this (compressed) goes to a temporary file
PIECE = 64 * 1024


class SnapshotRequest(protocol.Message):
    kind: Literal["snapshot"] = "snapshot"
    device_id: str


FIELDS = field_names(SnapshotRequest)


def add_routes(app: FastAPI, pool: "StorePool") -> None:
    @app.post(
        "/v1/snapshot",
        response_class=Response,
        responses={
            **ERRORS,
            200: {"content": {"application/gzip": {}}, "description": "gzip JSON lines"},
            400: {"content": {"application/json": {}}, "description": "malformed request"},
            409: {"content": {"application/json": {}}, "description": "version mismatch"},
        },
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": SnapshotRequest.model_json_schema()}},
            }
        },
    )
    async def snapshot(request: Request, creds: Credentials) -> Response:
        """A device's first sync: its scopes' rows as they are now (gzip JSON lines)."""
        raw, encoding = await request.body(), request.headers.get("content-encoding", "")
        code, answer = await run_in_threadpool(
            guarded, lambda: write_snapshot(pool, creds, raw, encoding)
        )
        if isinstance(answer, bytes):
            return Response(answer, status_code=code, media_type="application/json")
        return StreamingResponse(_pieces(answer), media_type="application/gzip")


def _pieces(spool: IO[bytes]) -> Iterator[bytes]:
    try:
        spool.seek(0)
        while piece := spool.read(PIECE):
            yield piece
    finally:
        spool.close()


def write_snapshot(
    pool: "StorePool", creds: object, raw: bytes, encoding: str
) -> tuple[int, bytes | IO[bytes]]:
    """Authenticate, check the request, and write the device's snapshot to a spooled file
    (returned at its start), or a protocol error answer."""
    try:
        with pool.store(keep=(HttpError,)) as central:
            dev = authenticate(central, creds)
            schema = central.schema
            try:
                request = SnapshotRequest.model_validate_json(decompress(raw, encoding))
            except ValidationError as exc:
                return _error(schema, "bad_request", describe_validation(exc, FIELDS))
            if request.device_id != dev.device_id:
                raise HttpError(403, "the request names another device")
            if request.protocol_version != PROTOCOL_VERSION or (
                request.schema_name, request.schema_version
            ) != (schema.name, schema.version):  # fmt: skip
                return _error(
                    schema, "version",
                    f"this server needs sync protocol version {PROTOCOL_VERSION} and schema "
                    f"{schema.name} version {schema.version}",
                )  # fmt: skip
            spool = tempfile.SpooledTemporaryFile(max_size=SPOOL)  # noqa: SIM115 (streamed)
            try:
                with enrolment.role_checked(central, dev.role):  # the role's read policy
                    encode(central.snapshot(dev.device_id), spool)
            except NotEnrolled as exc:
                spool.close()
                return _error(schema, "not_enrolled", str(exc))
            except BaseException:
                spool.close()
                raise
            return 200, spool
    except HttpError:
        raise
    except Exception as exc:  # rolled back; the connection was retired by the pool
        return failure(pool.schema, exc)


def _error(schema: "SyncSchema", code: str, message: str) -> tuple[int, bytes]:
    if code == "bad_request":
        message = f"malformed request: {message}"
    body = protocol._error(schema, code, message)
    return status_of(body), body
