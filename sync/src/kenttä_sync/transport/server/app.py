"""The office server: a stateless FastAPI app over a central store.

Routes (the OpenAPI spec is served at /openapi.json):

* `POST /v1/enroll` (JSON): exchange a one-time code for a device secret. 401 for a code
  that is unknown, used or expired; 403 for a device id already enrolled (a device id is
  bound to one credential for ever); 409 for a device on another protocol/schema version.
  With the optional `nonce` (the device's random value), the same code, device id and
  nonce get the same secret again once within 15 minutes (a lost reply; enrolment.py).
* `POST /v1/sync`: the body is one `kenttä_sync.transport.protocol` request (JSON bytes, optionally
  `Content-Encoding: gzip`), answered by `protocol.handle`; the answer is gzip-compressed
  when the client accepts it. Protocol errors keep their protocol body with a status:
  400 bad request, 409 version or sequence gap, 403 not enrolled.
* `POST /v1/push-chunk`, `POST /v1/pull-chunk`: transactions too large for one request,
  in pieces (server/pieces.py).
* `POST /v1/snapshot`: a device's first sync, its scopes' rows as they are now, streamed as
  gzip-compressed JSON lines (server/snapshots.py).
* `GET /v1/status`: the authenticated device's enrolment, acknowledged sequence, cursor,
  and the server's protocol/schema versions and log head.
* `POST /v1/counters` (JSON): the device's escrowed counters (`kenttä_sync.counters.bounded`):
  acknowledgements, returns and orders in; acknowledged ids, pending grants and return
  requests out (rule top-ups are made here). Orders (`kenttä_sync.counters.orders`) apply
  only from a device enrolled as a supervisor, whose answer also carries a snapshot (with
  `counter_report`'s figures). 400 for a malformed exchange. The same exchange rides on a
  pull piece's optional `counters` (server/pieces.py), sparing a sync this round trip.

Limits (intake.py, errors.py): bodies over MAX_COMPRESSED bytes (or MAX_BODY once inflated) get 413
naming the limit; invalid fields 422 (or a protocol `bad_request`) naming the field path and
error type only; a pull's limit and cursor are bounded (protocol.MAX_PULL_LIMIT).

Every route but enrolment needs `Authorization: Bearer <device id>.<secret>`: 401 when
missing, malformed or wrong, 403 when the device is revoked or a request names another
device. A push's resolve and erase changes are refused (per transaction, reported in the
push result like an out-of-scope write) unless the device was enrolled as a supervisor
(`enrolment.ROLE_OPS`); a pull carries only the device's enrolled scopes. Nothing is kept
in the process between requests (enrolment, secrets, cursors and revocation live in the
store), so several servers may share one PostgreSQL store. Administration (codes,
revocation, bundles) is done with the CLI on the store, never over HTTP. Errors never
echo request content (it may hold personal data).
"""

from __future__ import annotations

import gzip
import json
import time

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from kenttä_sync.counters.orders import Report
from kenttä_sync.ground.changes import PROTOCOL_VERSION
from kenttä_sync.ground.errortext import field_names, unquoted
from kenttä_sync.ground.schema import SyncSchema
from kenttä_sync.transport import protocol
from kenttä_sync.transport.server import (
    enrolment,
    errors,
    intake,
    openapi,
    pieces,
    snapshots,
    stream,
)
from kenttä_sync.transport.server.errors import ErrorBody, HttpError, failure, guarded, status_of
from kenttä_sync.transport.server.recovery import NONCE_PATTERN
from kenttä_sync.transport.server.stores import StorePool


class EnrollRequest(BaseModel):
    code: str = Field(min_length=1, max_length=64)
    device_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    name: str | None = Field(default=None, max_length=100)
    protocol_version: int
    schema_name: str = Field(max_length=100)
    schema_version: int
    # the device's random value: with it, a lost reply may be fetched again (enrolment.py)
    nonce: str | None = Field(default=None, pattern=f"^{NONCE_PATTERN.pattern}$")


class EnrollResponse(BaseModel):
    device_id: str
    secret: str
    role: str
    scopes: list[str]
    protocol_version: int
    schema_name: str
    schema_version: int
    device_code: str | None = None  # short, unique in the store (voucher numbers carry it)
    server_urls: list[str] | None = None  # the office's URLs to try in order (optional)


class StatusResponse(BaseModel):
    device_id: str
    role: str
    scopes: list[str]
    acked_seq: int
    cursor: int
    head: int
    protocol_version: int
    schema_name: str
    schema_version: int
    server_time: int


def create_app(
    store_url: str, schema: SyncSchema, pool_size: int | None = None,
    counter_report: Report | None = None, office_urls: list[str] | None = None,
) -> FastAPI:  # fmt: skip
    """The server app over the central store at `store_url` (created/installed if new).
    `counter_report(db)`: the application's figures over its counters, sent to devices that
    may give counter orders (see kenttä_sync.counters.orders). `office_urls`: every URL the
    office serves on, named in enrolment answers so a device can fail over."""
    pool = StorePool(store_url, schema, pool_size)
    app = FastAPI(
        title="kenttä office sync server",
        version=f"protocol {PROTOCOL_VERSION}",
        docs_url=None,
        redoc_url=None,
        max_body_size=None,  # errors.Contained limits bodies (413 with a reason)
        telemetry={"tracing": False, "metrics": False, "logs": False,
                   "operation_spans": False, "auto_configure": False},
    )  # fmt: skip
    app.state.pool = pool

    errors.install(
        app, field_names(EnrollRequest) | protocol.FIELDS | snapshots.FIELDS, intake.MAX_COMPRESSED
    )
    openapi.describe(app)

    @app.post(
        "/v1/enroll",
        response_model=EnrollResponse,
        responses={
            **intake.ERRORS,
            403: {"model": ErrorBody, "description": "the device id is already enrolled"},
            409: {"model": ErrorBody, "description": "version mismatch"},
        },
    )
    async def enroll(body: EnrollRequest) -> EnrollResponse:
        """Exchange a one-time enrolment code for this device's secret."""
        if body.protocol_version != PROTOCOL_VERSION or (body.schema_name, body.schema_version) != (
            schema.name, schema.version,
        ):  # fmt: skip
            raise HttpError(
                409,
                f"this server needs sync protocol version {PROTOCOL_VERSION} and schema "
                f"{schema.name} version {schema.version}; the device has protocol "
                f"{body.protocol_version}, "
                f"{'schema ' + schema.name if body.schema_name == schema.name else 'another schema'}"
                f" version {body.schema_version}",
            )

        def work() -> EnrollResponse:
            with pool.store(keep=(HttpError,)) as central:
                try:
                    secret, dev = enrolment.redeem(
                        central, body.code, body.device_id, body.name, body.nonce
                    )
                except enrolment.DeviceIdTaken as exc:
                    raise HttpError(403, str(exc)) from None
                except enrolment.EnrolmentError as exc:
                    raise HttpError(401, str(exc)) from None
                code = enrolment.device_code(central, dev.device_id)
            return EnrollResponse(
                device_id=dev.device_id, secret=secret, role=dev.role, scopes=list(dev.scopes),
                protocol_version=PROTOCOL_VERSION, schema_name=schema.name,
                schema_version=schema.version, device_code=code, server_urls=office_urls,
            )  # fmt: skip

        return await run_in_threadpool(guarded, work)

    @app.get("/v1/status", response_model=StatusResponse, responses=intake.ERRORS)
    async def status(creds: intake.Credentials) -> StatusResponse:
        """The authenticated device's enrolment and sync position."""

        def work() -> StatusResponse:
            with pool.store(keep=(HttpError,)) as central:
                dev = intake.authenticate(central, creds)
                head = central.head()
            return StatusResponse(
                device_id=dev.device_id, role=dev.role, scopes=list(dev.scopes),
                acked_seq=dev.acked_seq, cursor=dev.cursor, head=int(head),
                protocol_version=PROTOCOL_VERSION, schema_name=schema.name,
                schema_version=schema.version, server_time=int(time.time()),
            )  # fmt: skip

        return await run_in_threadpool(guarded, work)

    @app.post(
        "/v1/sync",
        response_class=Response,
        responses={
            **intake.ERRORS,
            200: {"content": {"application/json": {}}, "description": "a protocol response"},
            400: {"content": {"application/json": {}}, "description": "malformed request"},
            409: {"content": {"application/json": {}}, "description": "version or sequence"},
        },
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": {"type": "object"}},
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
                },
            }
        },
    )
    async def sync(request: Request, creds: intake.Credentials) -> Response:
        """One push or pull request of the sync protocol (kenttä_sync.transport.protocol)."""
        raw = await request.body()
        gzip_ok = "gzip" in request.headers.get("accept-encoding", "")
        encoding = request.headers.get("content-encoding", "")

        def work() -> tuple[int, bytes, dict[str, str]]:
            code, answer = answer_of()
            if gzip_ok and len(answer) > 512:  # compressed here, off the event loop
                return code, gzip.compress(answer, compresslevel=5), {"Content-Encoding": "gzip"}
            return code, answer, {}

        def answer_of() -> tuple[int, bytes]:
            try:
                with pool.store(keep=(HttpError,)) as central:
                    dev = intake.authenticate(central, creds)
                    data = intake.decompress(raw, encoding)
                    try:
                        claimed = json.loads(data).get("device_id")
                    except (ValueError, AttributeError, RecursionError):
                        claimed = None
                    if isinstance(claimed, str) and claimed != dev.device_id:
                        raise HttpError(403, "the request names another device")
                    with enrolment.role_checked(central, dev.role):
                        answer = protocol.handle(central, data)
            except HttpError:
                raise
            except Exception as exc:  # the connection was retired by the pool
                return failure(schema, exc)
            return status_of(answer), answer

        code, answer, headers = await run_in_threadpool(work)
        return Response(answer, status_code=code, media_type="application/json", headers=headers)

    pieces.add_routes(app, pool, counter_report)  # /v1/push-chunk, /v1/pull-chunk
    stream.add_routes(app, pool, counter_report)  # /v1/push-stream: the pieces, in frames
    snapshots.add_routes(app, pool)  # /v1/snapshot

    @app.post("/v1/counters", responses=intake.ERRORS)
    async def counter_exchange(request: Request, creds: intake.Credentials) -> JSONResponse:
        """Bounded counters (kenttä_sync.counters.bounded): {acks, returns} in, {acked,
        returns_done, returns_refused, grants, requests} out, for the authenticated device."""
        raw = await request.body()

        def work() -> JSONResponse:
            from kenttä_sync import counters

            with pool.store(keep=(HttpError,)) as central:
                dev = intake.authenticate(central, creds)
                today = time.strftime("%Y-%m-%d", time.gmtime())
                try:
                    answer = counters.handle(
                        central.db, dev.device_id, raw, today, role=dev.role,
                        report=counter_report,
                    )  # fmt: skip
                except counters.CounterError as exc:
                    raise HttpError(400, unquoted(str(exc))) from None
            return JSONResponse(answer)

        return await run_in_threadpool(guarded, work)

    return app
