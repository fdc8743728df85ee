"""The office's route for a large transaction streamed in frames (`POST /v1/push-stream`,
`kenttä_sync.transport.push_stream`), added by the app beside pieces' routes.

The body is read as it arrives: each frame completed is one piece of the transaction,
staged at once through the same code as `/v1/push-chunk` (authentication, role checks,
`chunked_push.handle`, its own database transaction), so what arrived whole stays staged
when the link is cut midway. The answer is the last frame's (what the office holds, or
the transaction's result); a frame refused ends the request with that frame's answer.
A last frame that is a pull request (`chunked_pull.PullChunkRequest`) is answered after the
pieces, inside the same answer (`pull`), so a device need not ask again to learn what is new.
400 for a body that is not a stream of frames. Nothing is kept in the process.
"""

# no `from __future__ import annotations` here: FastAPI reads the routes' annotations
import gzip
import json
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from starlette.requests import ClientDisconnect

from kenttä_sync.transport.push_stream import PATH, PULL_FRAME, FrameDecoder, FrameError
from kenttä_sync.transport.server.errors import HttpError, guarded
from kenttä_sync.transport.server.intake import ERRORS, Credentials, authenticate

if TYPE_CHECKING:
    from kenttä_sync.transport.server.stores import StorePool


def add_routes(app: FastAPI, pool: "StorePool", report: Any = None) -> None:
    """`report`: the application's counter figures, for a pull frame's counters exchange."""

    from kenttä_sync.transport.server.pieces import answer_piece

    @app.post(PATH, response_class=Response, responses=ERRORS)
    async def push_stream(request: Request, creds: Credentials) -> Response:
        """The rest of a large transaction in frames (kenttä_sync.transport.push_stream)."""
        await run_in_threadpool(guarded, lambda: _known(pool, creds))  # before any body
        decoder = FrameDecoder()
        last: tuple[int, bytes] | None = None
        pulled: bytes | None = None
        try:
            async for data in request.stream():
                for frame in decoder.feed(data):
                    if last is not None and _is_pull(frame):  # after the pieces: a pull
                        code, answer = await run_in_threadpool(
                            guarded,
                            lambda f=frame: answer_piece(pool, creds, f, "", True, report),
                        )
                        pulled = answer if code == 200 else None  # else: it pulls itself
                        continue
                    last = await run_in_threadpool(
                        guarded, lambda f=frame: answer_piece(pool, creds, f, "")
                    )
                    if last[0] != 200:
                        return Response(last[1], last[0], media_type="application/json")
        except FrameError as exc:
            raise HttpError(400, str(exc)) from None
        except ClientDisconnect:  # cut midway: what arrived whole is staged
            return Response(status_code=400)
        if last is None or not decoder.finished():
            raise HttpError(400, "the body ended before its last frame")
        body = last[1]
        if pulled is not None:
            body = json.dumps({**json.loads(body), "pull": json.loads(pulled)}).encode()
            if "gzip" in request.headers.get("accept-encoding", "") and len(body) > 512:
                body = await run_in_threadpool(gzip.compress, body, 5)
                return Response(body, 200, media_type="application/json",
                                headers={"Content-Encoding": "gzip"})  # fmt: skip
        return Response(body, status_code=last[0], media_type="application/json")


def _known(pool: "StorePool", creds: Any) -> None:
    """401/403 at once for a stranger or a revoked device, before its body is read."""
    with pool.store(keep=(HttpError,)) as central:
        authenticate(central, creds)


def _is_pull(frame: bytes) -> bool:
    """A pull request frame (small; a piece of changes is never read twice here)."""
    if len(frame) > PULL_FRAME:
        return False
    try:
        data = json.loads(frame)
    except ValueError:
        return False
    return isinstance(data, dict) and data.get("kind") == "pull_chunk"
