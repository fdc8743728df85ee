"""The device's HTTP client: gzip bodies, bearer credentials, retries with exponential
backoff, a plain ServerUnreachable, AuthError on 401/403 (httpx MockTransport, no network)."""

from __future__ import annotations

import gzip

import httpx
import pytest
from kenttä_sync.transport.client import AuthError, HttpTransport, ServerUnreachable


def transport_with(handler, retries: int = 4) -> tuple[HttpTransport, list[float]]:
    slept: list[float] = []
    http = HttpTransport(
        "http://127.0.0.1:9", "dev1", "s3cret", retries=retries, backoff=0.5, sleep=slept.append
    )
    http.client = httpx.Client(
        base_url=http.url, headers=http.client.headers, transport=httpx.MockTransport(handler)
    )
    return http, slept


def test_bodies_are_gzipped_and_credentials_sent() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=b'{"ok":1}')

    http, slept = transport_with(handler)
    assert http.send(b'{"kind":"pull"}') == b'{"ok":1}'
    request = seen[0]
    assert request.headers["authorization"] == "Bearer dev1.s3cret"
    assert request.headers["content-encoding"] == "gzip"
    assert gzip.decompress(request.content) == b'{"kind":"pull"}'
    assert slept == [] and http.bytes_sent == len(request.content)


def test_failures_are_retried_with_growing_waits() -> None:
    answers = iter([503, 500, 429, 200])

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(next(answers), content=b"{}")

    http, slept = transport_with(handler)
    assert http.send(b"{}") == b"{}"
    assert len(slept) == 3
    for attempt, delay in enumerate(slept):  # 0.5·2^n with jitter in [½, 1]
        assert 0.5 * 2**attempt / 2 <= delay <= 0.5 * 2**attempt


def test_an_unreachable_server_is_said_plainly() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    http, slept = transport_with(handler, retries=2)
    with pytest.raises(
        ServerUnreachable,
        match=r"cannot reach the sync server at http://127\.0\.0\.1:9: cannot connect",
    ):
        http.send(b"{}")
    assert len(slept) == 2


def test_refused_credentials_are_not_retried() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(403, json={"detail": "this device's enrolment was revoked"})

    http, slept = transport_with(handler)
    with pytest.raises(AuthError, match="revoked") as caught:
        http.send(b"{}")
    assert caught.value.status == 403 and slept == []
