"""Request limits at the office server (issue 12, Build 5 / What was seen 4): a pull's limit
and cursor, body sizes, JSON depth; no request holds a worker unbounded; SIGTERM stops a
real `kenttä server run` within seconds even with requests in flight."""

from __future__ import annotations

import gzip
import signal
import socket
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from kenttä_sync.central import log as central_log
from kenttä_sync.ground.changes import PROTOCOL_VERSION
from kenttä_sync.transport.protocol import MAX_PULL_LIMIT
from kenttä_sync.transport.server import create_app, enrolment
from kenttä_sync.transport.server import intake as server_intake
from kenttä_sync.transport.server.stores import open_central

from tests.transport.helpers import HOST, Server


def _schema() -> Any:
    from kenttä.store.schema import SCHEMA

    return SCHEMA


def enrol(client: Any, url: str, device_id: str = "dev1") -> dict[str, str]:
    central = open_central(url, _schema())
    try:
        code = enrolment.new_code(central, ["kuopio"], "coach")
    finally:
        central.close()
    answer = client.post(
        "/v1/enroll",
        json={"code": code, "device_id": device_id, "protocol_version": PROTOCOL_VERSION,
              "schema_name": _schema().name, "schema_version": _schema().version},
    )  # fmt: skip
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {device_id}.{answer.json()['secret']}"}


def pull(device_id: str = "dev1", **fields: Any) -> dict[str, Any]:
    return {"kind": "pull", "protocol_version": PROTOCOL_VERSION, "schema_name": _schema().name,
            "schema_version": _schema().version, "device_id": device_id, **fields}  # fmt: skip


@pytest.fixture
def client(store_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(store_url, _schema())) as test_client:
        yield test_client


@pytest.mark.parametrize(
    ("fields", "named"),
    [({"limit": -1}, "limit"), ({"limit": 0}, "limit"), ({"limit": MAX_PULL_LIMIT + 1}, "limit"),
     ({"cursor": -1}, "cursor"), ({"cursor": 2**63}, "cursor")],
)  # fmt: skip
def test_a_pull_out_of_bounds_gets_400_with_a_one_line_reason(
    client: TestClient, store_url: str, fields: dict[str, Any], named: str
) -> None:
    auth = enrol(client, store_url)
    answer = client.post("/v1/sync", json=pull(**fields), headers=auth)
    assert answer.status_code == 400
    message = answer.json()["message"]
    assert answer.json()["code"] == "bad_request"
    assert f"pull.{named}" in message and "\n" not in message
    ok = client.post("/v1/sync", json=pull(limit=MAX_PULL_LIMIT), headers=auth)
    assert ok.status_code == 200 and ok.json()["kind"] == "pull_result"


def test_the_store_refuses_a_pull_limit_that_would_never_end(store_url: str) -> None:
    central = open_central(store_url, _schema())
    try:
        central.register_device("dev1", ["kuopio"])
        for limit, cursor in ((-1, 0), (0, 0), (10, -1)):
            with pytest.raises(ValueError, match="limit of at least 1"):
                central_log.pull(central, "dev1", cursor, limit)
    finally:
        central.close()


def test_a_body_over_the_limit_gets_413_with_a_reason(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(server_intake, "MAX_COMPRESSED", 4096)
    monkeypatch.setattr(server_intake, "MAX_BODY", 64 * 1024)
    with TestClient(create_app(store_url, _schema())) as client:
        auth = enrol(client, store_url)
        big = client.post("/v1/sync", content=b" " * 5000, headers=auth)
        assert big.status_code == 413
        assert "larger than the office accepts" in big.json()["detail"]
        bomb = gzip.compress(b" " * (200 * 1024))  # small on the wire, big once inflated
        assert len(bomb) < 4096
        inflated = client.post(
            "/v1/sync", content=bomb, headers={**auth, "Content-Encoding": "gzip"}
        )
        assert inflated.status_code == 413
        assert "too large once decompressed" in inflated.json()["detail"]
        assert client.post("/v1/sync", json=pull(), headers=auth).status_code == 200


@pytest.mark.parametrize("depth", [1000, 100_000])
def test_deeply_nested_json_is_a_400_not_a_crash(
    client: TestClient, store_url: str, depth: int
) -> None:
    auth = enrol(client, store_url)
    nested = "[" * depth + "]" * depth
    for body in (nested, '{"kind": "push", "changes": ' + nested + "}"):
        answer = client.post("/v1/sync", content=body.encode(), headers=auth)
        assert answer.status_code == 400
        assert answer.json()["code"] == "bad_request"
    counters = client.post("/v1/counters", content=nested.encode(), headers=auth)
    assert counters.status_code == 400
    assert client.get("/v1/status", headers=auth).status_code == 200


def _partial_upload(port: int) -> socket.socket:
    """A connection that sent headers and part of a large body, and waits."""
    sock = socket.create_connection((HOST, port), timeout=10)
    sock.sendall(
        b"POST /v1/sync HTTP/1.1\r\nHost: office\r\nContent-Type: application/json\r\n"
        b"Content-Length: 1000000\r\n\r\n" + b" " * 1000
    )
    return sock


@pytest.mark.slow
def test_sigterm_stops_a_real_server_with_requests_in_flight(tmp_path: Path) -> None:
    db = tmp_path / "central.db"
    url = f"sqlite:{db}"
    srv = Server(url, log=tmp_path / "server.log").start()
    try:
        auth = enrol(httpx.Client(base_url=srv.url), url)
        # a writer holds the store: a pull (which records the device's cursor) waits on it
        blocker = sqlite3.connect(db, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")
        waiting: list[Any] = []

        def stuck_pull() -> None:
            try:
                waiting.append(httpx.post(f"{srv.url}/v1/sync", json=pull(), headers=auth,
                                          timeout=120))  # fmt: skip
            except httpx.HTTPError as exc:
                waiting.append(exc)

        threads = [threading.Thread(target=stuck_pull, daemon=True) for _ in range(2)]
        for thread in threads:
            thread.start()
        uploads = [_partial_upload(srv.port) for _ in range(2)]
        time.sleep(1.0)  # let the requests reach the server
        assert srv.proc is not None and srv.proc.poll() is None
        srv.proc.send_signal(signal.SIGTERM)
        try:
            code = srv.proc.wait(timeout=10)  # a bound, not a measurement: ~3 s grace
        except subprocess.TimeoutExpired:
            pytest.fail("the server did not stop on SIGTERM with requests in flight")
        assert code in (0, -signal.SIGTERM)  # uvicorn re-raises the signal once stopped
        blocker.execute("ROLLBACK")
        blocker.close()
        for sock in uploads:
            sock.close()
    finally:
        srv.kill()
