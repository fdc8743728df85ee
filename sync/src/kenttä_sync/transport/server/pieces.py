"""The office's routes for transactions in pieces (added to the app by `add_routes`).

* `POST /v1/push-chunk`: one piece of a transaction too large for one request
  (`kenttä_sync.transport.chunked_push`): staged in the central store, applied whole through the ordinary
  push (and the role checks of /v1/sync) when the last piece arrives.
* `POST /v1/pull-chunk`: an ordinary pull selection answered a piece at a time
  (`kenttä_sync.transport.chunked_pull`). A piece's optional `counters` (the body of
  `/v1/counters`) is exchanged after the pull and answered in the piece's `counters`, so a
  sync spares that round trip; a refused exchange leaves it out (the device asks
  `/v1/counters`, which says why).
* `POST /v1/push-stream`: pieces of a push streamed in one request (server/stream.py).

Bodies as for /v1/sync (JSON, optionally gzip); answers are protocol messages (errors keep
their protocol body: 400 bad request, 409 version or sequence gap, 403 another device);
authentication, 401/403 and 503 as for every route. Nothing is kept in the process.
"""

# no `from __future__ import annotations` here: FastAPI reads the routes' annotations
import gzip
import time
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from kenttä_sync.transport import chunked_pull
from kenttä_sync.transport import chunked_push as chunked
from kenttä_sync.transport.server import enrolment
from kenttä_sync.transport.server.errors import HttpError, failure, guarded
from kenttä_sync.transport.server.intake import ERRORS, Credentials, authenticate, decompress

if TYPE_CHECKING:
    from kenttä_sync.transport.server.stores import StorePool


def add_routes(app: FastAPI, pool: "StorePool", report: Any = None) -> None:
    """`report`: the application's counter figures (create_app's `counter_report`)."""

    @app.post("/v1/push-chunk", response_class=Response, responses=ERRORS)
    async def push_chunk(request: Request, creds: Credentials) -> Response:
        """A piece of a transaction too large for one request (kenttä_sync.transport.chunked_push)."""
        raw, encoding = await request.body(), request.headers.get("content-encoding", "")
        code, answer = await run_in_threadpool(
            guarded, lambda: answer_piece(pool, creds, raw, encoding)
        )
        return Response(answer, status_code=code, media_type="application/json")

    @app.post("/v1/pull-chunk", response_class=Response, responses=ERRORS)
    async def pull_chunk(request: Request, creds: Credentials) -> Response:
        """A pull answered in pieces (kenttä_sync.transport.chunked_pull)."""
        raw, encoding = await request.body(), request.headers.get("content-encoding", "")
        gzip_ok = "gzip" in request.headers.get("accept-encoding", "")
        code, answer = await run_in_threadpool(
            guarded, lambda: answer_piece(pool, creds, raw, encoding, pull=True, report=report)
        )
        if gzip_ok and len(answer) > 512:
            answer = await run_in_threadpool(gzip.compress, answer, 5)
            return Response(answer, code, media_type="application/json",
                            headers={"Content-Encoding": "gzip"})  # fmt: skip
        return Response(answer, status_code=code, media_type="application/json")


def answer_piece(
    pool: "StorePool", creds: Any, raw: bytes, encoding: str, pull: bool = False,
    report: Any = None,
) -> tuple[int, bytes]:  # fmt: skip
    """Authenticate, then stage a piece of a push (the same role checks and failures as
    /v1/sync), or answer a piece of a pull (and the counters exchange it carries)."""
    try:
        with pool.store(keep=(HttpError,)) as central:
            dev = authenticate(central, creds)
            data = decompress(raw, encoding)
            with enrolment.role_checked(central, dev.role):  # reads filtered, writes checked
                if pull:
                    exchange = counters_exchange(central, dev, report)
                    return chunked_pull.handle(central, dev.device_id, data, exchange)
                return chunked.handle(central, dev.device_id, data)
    except HttpError:
        raise
    except Exception as exc:  # rolled back; the connection was retired by the pool
        return failure(pool.schema, exc)


def counters_exchange(central: Any, dev: Any, report: Any) -> "chunked_pull.Exchange":
    """The counters exchange a pull piece carries, as `/v1/counters` makes it (its role,
    today's date, the report); None when it fails (its own transaction rolled back): the
    pull is answered all the same and the device asks `/v1/counters`, which says why."""
    from kenttä_sync import counters

    def exchange(body: dict) -> dict | None:
        today = time.strftime("%Y-%m-%d", time.gmtime())
        try:
            return counters.exchange(
                central.db, dev.device_id, body, today, role=dev.role, report=report
            )
        except Exception:  # never fails the pull it rode on (it did not before it rode)
            return None

    return exchange
