"""A large transaction in one streamed request (`POST /v1/push-stream`), for links with long
latency that drop every few seconds.

Pieces sent one request each (`kenttä_sync.transport.chunked_push`) wait a round trip per
piece: at 300 ms each way that is as long as the data of a 20 KB piece itself. Here the
device sends the rest of the transaction as one body of *frames*, each an ordinary
`ChunkRequest` piece: a 4-byte big-endian length and its JSON, the whole body one gzip
stream flushed after every frame (`Z_SYNC_FLUSH`), so it compresses as one text and the
office can read each frame as soon as its last byte arrives. The office stages every frame
as it comes (the same `chunked_push.stage`, its own database transaction) and answers
after the last one with the last frame's answer (what it holds, or the transaction's
result once it was whole and applied).

When the link is cut mid-body, the frames that arrived whole stay staged. The device does
not send the same body again: it asks what the office holds (an empty piece, one round
trip) and streams again from the first missing change. An office without the route (404)
gets pieces one request each.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator
from typing import Any

from kenttä_sync.ground.changes import Change
from kenttä_sync.transport import protocol
from kenttä_sync.transport.chunked_push import ChunkRequest, ChunkResponse
from kenttä_sync.transport.client import HttpTransport, answer_data

PATH = "/v1/push-stream"
MAX_FRAME = 16 * 1024 * 1024  # bytes of one frame's JSON
FRAMES = 40  # frames per request at most
PULL_FRAME = 4096  # bytes of a pull frame's JSON at most (a larger frame is a piece)
_LEVEL = 9  # once per body; as small as one gzip of the whole (the bad link's baseline)


class OldServer(RuntimeError):
    """The office has no /v1/push-stream: send pieces one request each."""


class FrameError(ValueError):
    """A body that is not a stream of frames (the message names why, never content)."""


def encoded(frames: Iterable[bytes]) -> Iterator[bytes]:
    """One gzip stream of length-prefixed frames, flushed after each (made as it is sent,
    so the first frame is on the line while the later ones are still being encoded)."""
    packer = zlib.compressobj(_LEVEL, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    for frame in frames:
        yield packer.compress(len(frame).to_bytes(4, "big") + frame) + packer.flush(
            zlib.Z_SYNC_FLUSH
        )
    yield packer.flush()


def encode(frames: Iterable[bytes]) -> bytes:
    return b"".join(encoded(frames))


class FrameDecoder:
    """The office's side: feed the body as it arrives, get the frames completed so far."""

    def __init__(self) -> None:
        self.inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self.buffer = bytearray()

    def feed(self, data: bytes) -> list[bytes]:
        frames: list[bytes] = []
        pending = data
        while True:
            try:
                self.buffer += self.inflater.decompress(pending, MAX_FRAME)
            except zlib.error:
                raise FrameError("the body is not a valid gzip stream") from None
            pending = self.inflater.unconsumed_tail
            while len(self.buffer) >= 4:
                size = int.from_bytes(self.buffer[:4], "big")
                if size > MAX_FRAME:
                    raise FrameError(f"a frame may hold at most {MAX_FRAME} bytes")
                if len(self.buffer) < 4 + size:
                    break
                frames.append(bytes(self.buffer[4 : 4 + size]))
                del self.buffer[: 4 + size]
            if not pending:
                return frames

    def finished(self) -> bool:
        """Whether the body ended cleanly (the gzip stream closed, no partial frame)."""
        return self.inflater.eof and not self.buffer


def post(
    transport: HttpTransport, base: dict[str, Any], pieces: Iterable[list[Change]],
    pull: bytes | None = None,
) -> ChunkResponse:  # fmt: skip
    """Stream `pieces` (each a frame; then `pull`, a PullChunkRequest's JSON, if given) in
    one request; the last piece's answer (with the pull's). A cut raises
    `kenttä_sync.transport.link.LinkCut` (on a LinkTransport: not sent again as it is)."""
    from kenttä_sync.transport.link import LinkTransport

    def frames() -> Iterator[bytes]:
        for piece in pieces:
            yield ChunkRequest(**base, changes=piece).model_dump_json().encode()
        if pull is not None:  # answered after the pieces, in the same answer
            yield pull

    body: Iterable[bytes] | bytes
    if isinstance(transport, LinkTransport):  # never sent twice: made as it goes out

        def counted() -> Iterator[bytes]:
            for part in encoded(frames()):
                transport.bytes_sent += len(part)
                yield part

        body, once = counted(), {"resend": False}
    else:  # a plain HttpTransport may send it again after a failure
        body, once = encode(frames()), {}
        transport.bytes_sent += len(body)
    response = transport._request(
        "POST", PATH, content=body, headers={"Content-Type": "application/octet-stream"}, **once
    )
    if response.status_code in (404, 405):
        raise OldServer()
    data = answer_data(response)
    if "detail" in data:
        raise protocol.SyncError(f"the server answered {str(data['detail'])[:300]}")
    return ChunkResponse.model_validate(data)
