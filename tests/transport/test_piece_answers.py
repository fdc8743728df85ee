"""The piece routes' requests and answers (push-chunk, pull-chunk, push-stream share one
post and one answer reader in client.py): each goes gzipped to its own path and counts its
bytes, and each route keeps its own reading of a refusal (httpx MockTransport, no network)."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable

import httpx
import pytest
from kenttä_sync.transport import chunked_pull, large_push, protocol, push_stream
from kenttä_sync.transport.chunked_push import ChunkRequest
from kenttä_sync.transport.client import HttpTransport

VERSIONS = {"schema_name": "testapp", "schema_version": 1}
BASE = {**VERSIONS, "device_id": "dev1", "tx_id": "t1", "tx_first": 1, "tx_last": 3}


def _transport(answer: Callable[[httpx.Request], httpx.Response]) -> HttpTransport:
    http = HttpTransport("http://127.0.0.1:9", "dev1", "s3cret", retries=0, sleep=lambda _: None)
    http.client = httpx.Client(
        base_url=http.url, headers=http.client.headers, transport=httpx.MockTransport(answer)
    )
    return http


def _error(code: str) -> httpx.Response:
    body = {**VERSIONS, "kind": "error", "code": code, "message": "the office says no"}
    return httpx.Response(409, content=json.dumps(body).encode())


def _push(http: HttpTransport) -> object:
    return large_push.post_piece(http, ChunkRequest(**BASE))


def _pull(http: HttpTransport) -> object:
    request = chunked_pull.PullChunkRequest(**VERSIONS, device_id="dev1", cursor=0, limit=5, size=5)
    return chunked_pull._post(http, request)


def _stream(http: HttpTransport) -> object:
    return push_stream.post(http, BASE, [[]])


def test_pieces_go_gzipped_to_their_routes_and_count_their_bytes() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == "/v1/pull-chunk":
            body = {**VERSIONS, "kind": "pull_chunk_result", "changes": [], "offset": 0,
                    "total": 0, "cursor": 7, "more": False}  # fmt: skip
        else:
            body = {**VERSIONS, "kind": "chunk_result", "held": [[1, 2]]}
        return httpx.Response(200, content=json.dumps(body).encode())

    http = _transport(answer)
    assert _push(http).held == [(1, 2)]  # type: ignore[attr-defined]
    assert _pull(http).cursor == 7  # type: ignore[attr-defined]
    assert _stream(http).held == [(1, 2)]  # type: ignore[attr-defined]
    assert [r.url.path for r in seen] == ["/v1/push-chunk", "/v1/pull-chunk", "/v1/push-stream"]
    assert json.loads(gzip.decompress(seen[0].content))["tx_id"] == "t1"
    assert json.loads(gzip.decompress(seen[1].content))["cursor"] == 0
    assert [r.headers.get("content-encoding") for r in seen] == ["gzip", "gzip", None]
    assert http.bytes_sent == sum(len(r.content) for r in seen)


@pytest.mark.parametrize("send", [_push, _pull, _stream])
def test_another_version_is_a_version_mismatch_on_every_route(send) -> None:
    with pytest.raises(protocol.VersionMismatch, match="the office says no"):
        send(_transport(lambda _: _error("version")))


def test_only_a_pull_piece_reads_snapshot_as_a_snapshot_request() -> None:
    with pytest.raises(protocol.SnapshotRequired, match=r"^snapshot: the office says no$"):
        _pull(_transport(lambda _: _error("snapshot")))
    for send in (_push, _stream):
        with pytest.raises(protocol.SyncError, match=r"^snapshot: the office says no$") as refused:
            send(_transport(lambda _: _error("snapshot")))
        assert not isinstance(refused.value, protocol.SnapshotRequired)


@pytest.mark.parametrize("send", [_push, _pull, _stream])
def test_any_other_refusal_names_its_code(send) -> None:
    with pytest.raises(protocol.SyncError, match=r"^sequence_gap: the office says no$"):
        send(_transport(lambda _: _error("sequence_gap")))


def test_an_office_without_the_route_is_said_per_route() -> None:
    missing = _transport(lambda _: httpx.Response(404, content=b'{"detail":"Not Found"}'))
    with pytest.raises(protocol.SyncError, match="too old to take it in pieces"):
        _push(missing)
    with pytest.raises(chunked_pull.OldServer):
        _pull(missing)
    with pytest.raises(push_stream.OldServer):
        _stream(missing)
