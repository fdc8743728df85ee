"""How the office server answers and logs what went wrong, without request values.

* `HttpError(status, detail)`: a refusal with a one-line reason (`{"detail": …}`).
* Validation errors (422) name the field path and error type only (kenttä_sync.ground.errortext).
* 413: a body over the server's limit, with the limit named.
* A client that goes away mid-request (`ClientDisconnect`, e.g. a cut upload) is one log
  line; an unexpected exception is one log line naming its type and where it was raised
  (never its message: a database error may quote the values it refused) and a 500.
* `guarded(work)`: a database that is busy or gone becomes a 503 (the client retries).
"""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kenttä_sync.ground.errortext import describe
from kenttä_sync.ground.schema import SyncSchema
from kenttä_sync.transport import protocol

logger = logging.getLogger("kenttä_sync.transport.server")
T = TypeVar("T")
_STATUS = {
    "bad_request": 400, "version": 409, "sequence_gap": 409, "not_enrolled": 403, "snapshot": 409,
}  # fmt: skip
_QUERY_PARTS = frozenset({"body", "query", "header", "path", "cookie"})


class ErrorBody(BaseModel):
    detail: str


class HttpError(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


def _where(exc: BaseException) -> str:
    """'module.py:line' of the innermost frame (no values, no message)."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return "?"
    last = frames[-1]
    return f"{last.filename.rsplit('/', 1)[-1]}:{last.lineno}"


def install(app: FastAPI, known_fields: frozenset[str], max_body: int) -> None:
    """The exception handlers and the containment middleware of the server app."""
    known = known_fields | _QUERY_PARTS

    @app.exception_handler(HttpError)
    async def _http_error(request: Request, exc: HttpError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return JSONResponse({"detail": exc.detail}, status_code=exc.status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        text = describe(exc.errors(), known)  # never the input: it may hold personal data
        return JSONResponse({"detail": f"invalid request: {text}"}, status_code=422)

    @app.exception_handler(HTTPException)
    async def _starlette(request: Request, exc: HTTPException) -> JSONResponse:
        if exc.status_code == 413:
            detail = f"the request body is larger than the office accepts ({max_body} bytes)"
        else:
            detail = exc.detail if isinstance(exc.detail, str) else "request refused"
        return JSONResponse({"detail": detail}, status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))  # fmt: skip

    @app.exception_handler(ClientDisconnect)
    async def _gone(request: Request, exc: ClientDisconnect) -> JSONResponse:
        logger.warning("client went away during %s %s", request.method, request.url.path)
        return JSONResponse({"detail": "client disconnected"}, status_code=400)

    app.add_middleware(Contained, max_body=max_body)


class BodyTooLarge(HTTPException):
    def __init__(self) -> None:
        super().__init__(413, "request body too large")


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _send_json(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})  # fmt: skip
    await send({"type": "http.response.body", "body": body})


class Contained:
    """Bodies over `max_body` bytes get a 413 with the limit named (declared too large: at
    once, unread). Any exception a route lets out: one log line and a 500 (if nothing was
    sent yet); uvicorn's traceback (with the exception's message) never reaches the log."""

    def __init__(self, app: ASGIApp, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _declared_length(scope)
        if declared is not None and declared > self.max_body:
            detail = f"the request body is larger than the office accepts ({self.max_body} bytes)"
            await _send_json(send, 413, detail)
            return
        started = False
        seen = 0

        async def receiving() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise BodyTooLarge
            return message

        async def sending(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receiving, sending)
        except ClientDisconnect:
            logger.warning("client went away during %s %s", scope["method"], scope["path"])
        except Exception as exc:
            logger.error(
                "request failed: internal error (%s at %s) during %s %s",
                type(exc).__name__, _where(exc), scope["method"], scope["path"],
            )  # fmt: skip
            if not started:
                await _send_json(send, 500, "internal error at the office")


def is_unavailable(exc: BaseException) -> bool:
    """An OperationalError of sqlite3 or psycopg (busy, deadlock, lost connection …), or
    no free connection in the pool."""
    from kenttä_sync.transport.server.stores import PoolBusy

    if isinstance(exc, PoolBusy):
        return True
    return any(c.__name__ == "OperationalError" for c in type(exc).__mro__)


def guarded(work: Callable[[], T]) -> T:
    """Run `work`; a database that is busy or gone becomes a 503 (the client retries)."""
    try:
        return work()
    except HttpError:
        raise
    except Exception as exc:
        if is_unavailable(exc):
            logger.warning("request failed: database unavailable (%s)", type(exc).__name__)
            raise HttpError(503, "the database is busy or unavailable; try again") from None
        raise


def failure(schema: SyncSchema, exc: Exception) -> tuple[int, bytes]:
    """A request the store could not process. A busy or lost database is 503 (the client
    retries); anything else (e.g. a value of the wrong type for its column, which the
    central store does not refuse per change yet) is a 400 protocol error. The database
    transaction was rolled back either way; the message names only the exception type."""
    name = type(exc).__name__
    if is_unavailable(exc):
        logger.warning("sync request failed: database unavailable (%s)", name)
        return 503, b'{"detail": "the database is busy or unavailable; try again"}'
    logger.warning("sync request refused: the store could not apply it (%s)", name)
    body = protocol.ErrorResponse(
        schema_name=schema.name, schema_version=schema.version, code="bad_request",
        message=f"the office could not apply this request ({name}); nothing was applied",
    )  # fmt: skip
    return 400, body.model_dump_json().encode()


def status_of(answer: bytes) -> int:
    """The HTTP status of a protocol answer (an error answer is small; others are 200)."""
    if len(answer) > 8192:
        return 200
    try:
        parsed: Any = json.loads(answer)
    except ValueError:
        return 200
    if not isinstance(parsed, dict) or parsed.get("kind") != "error":
        return 200
    return _STATUS.get(parsed.get("code"), 400)
