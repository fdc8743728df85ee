"""Error text never carries request values (issue 12, Build 6 / What was seen 7): a
henkilötunnus sent in a wrong place comes back neither in the answer nor in the server's
log; a client that goes away during an upload is one log line, not a traceback. Against a
real `kenttä server run` on both central stores."""

from __future__ import annotations

import socket
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from kenttä_sync.ground.changes import PROTOCOL_VERSION

from tests.transport.helpers import HOST, enrol_code


def synthetic_hetu(ddmmyy: str = "010190", individual: int = 923) -> str:
    """A henkilötunnus with a valid check character (individual number 900–999)."""
    number = int(f"{ddmmyy}{individual:03d}")
    return f"{ddmmyy}-{individual:03d}{'0123456789ABCDEFHJKLMNPRSTUVWXY'[number % 31]}"


HETU = synthetic_hetu()


def _schema() -> Any:
    from kenttä.store.schema import SCHEMA

    return SCHEMA


def _message(**over: Any) -> dict[str, Any]:
    return {"protocol_version": PROTOCOL_VERSION, "schema_name": _schema().name,
            "schema_version": _schema().version, "device_id": "dev1", **over}  # fmt: skip


def _change(**over: Any) -> dict[str, Any]:
    return {"change_id": "dev1:1", "device_id": "dev1", "device_seq": 1, "table": "clients",
            "row_id": "r1", "column": None, "op": "insert", "value": {}, "stamp": "s",
            "tx_id": "t1", "author": "a", **over}  # fmt: skip


def bad_requests() -> list[tuple[str, str, Any]]:
    """(method, path, JSON body) that each put the henkilötunnus where it does not belong."""
    sync = "/v1/sync"
    return [
        ("POST", sync, _message(kind="pull", limit=HETU)),
        ("POST", sync, _message(kind="pull", cursor=[HETU])),
        ("POST", sync, _message(kind=HETU)),
        ("POST", sync, _message(kind="push", changes=[_change(device_seq=HETU)])),
        ("POST", sync, _message(kind="push", changes=[_change(op=HETU)])),
        ("POST", sync, _message(kind="push", changes=[{HETU: 1}])),
        ("POST", sync, _message(kind="push", changes={HETU: _change()})),
        ("POST", sync, _message(kind="pull", schema_name=HETU)),
        ("POST", sync, _message(kind="pull", protocol_version=HETU)),
        ("POST", sync, HETU),
        ("POST", "/v1/counters", {"acks": HETU, "returns": []}),
        ("POST", "/v1/counters", {"acks": [HETU], "returns": [HETU]}),
        ("POST", "/v1/enroll", {"code": HETU, "device_id": "x", "protocol_version": 1,
                                "schema_name": HETU, "schema_version": 1}),
        ("POST", "/v1/enroll", {"code": HETU * 10, "device_id": f"{HETU}.", "name": HETU * 20,
                                "protocol_version": HETU, "schema_name": _schema().name,
                                "schema_version": _schema().version, "nonce": HETU}),
        ("POST", "/v1/enroll", {"code": "A", "device_id": {HETU: HETU}, "nonce": [HETU]}),
    ]  # fmt: skip


@pytest.mark.slow
def test_no_answer_and_no_log_line_carries_a_value_sent(
    server: Any, store_url: str, tmp_path: Path
) -> None:
    srv = server(store_url)
    with httpx.Client(base_url=srv.url, timeout=30) as http:
        code = enrol_code(store_url, ["kuopio"])
        enrolled = http.post("/v1/enroll", json={
            "code": code, "device_id": "dev1", "protocol_version": PROTOCOL_VERSION,
            "schema_name": _schema().name, "schema_version": _schema().version})  # fmt: skip
        assert enrolled.status_code == 200
        auth = {"Authorization": f"Bearer dev1.{enrolled.json()['secret']}"}
        answers = []
        for method, path, body in bad_requests():
            answer = http.request(method, path, json=body, headers=auth)
            answers.append((path, answer))
        # credentials themselves hold the value
        answers.append(("/v1/status", http.get("/v1/status",
                                               headers={"Authorization": f"Bearer {HETU}.x"})))  # fmt: skip
    for path, answer in answers:
        assert 400 <= answer.status_code < 500, (path, answer.status_code)
        text = answer.text
        assert HETU not in text and HETU[:6] not in text, (path, text)
        detail = answer.json().get("detail") or answer.json().get("message")
        assert isinstance(detail, str) and detail and "\n" not in detail, (path, text)
    srv.stop()
    log = srv.log.read_text(encoding="utf-8", errors="replace")
    assert HETU not in log and HETU[:6] not in log


def test_a_validation_error_names_the_field_and_the_error_type() -> None:
    from fastapi.testclient import TestClient
    from kenttä_sync.transport.server import create_app

    with TestClient(create_app("sqlite::memory:", _schema())) as client:
        answer = client.post("/v1/enroll", json={"code": HETU, "device_id": "x",
                                                  "protocol_version": HETU})  # fmt: skip
    assert answer.status_code == 422
    detail = answer.json()["detail"]
    assert "body.protocol_version (int_parsing)" in detail
    assert "body.schema_name (missing)" in detail
    assert HETU not in detail


def _cut_upload(port: int, path: str, body: bytes) -> None:
    """Headers announcing a large body, part of it, then the connection closes."""
    with socket.create_connection((HOST, port), timeout=10) as sock:
        sock.sendall(
            f"POST {path} HTTP/1.1\r\nHost: office\r\nContent-Type: application/json\r\n"
            f"Content-Length: 5000000\r\n\r\n".encode()
            + body
        )
        time.sleep(0.3)


@pytest.mark.slow
def test_a_client_gone_during_an_upload_is_one_log_line(tmp_path: Path, server: Any) -> None:
    srv = server(f"sqlite:{tmp_path / 'central.db'}")
    for path in ("/v1/sync", "/v1/enroll", "/v1/counters"):
        _cut_upload(srv.port, path, b'{"kind": "push", "changes": [' + b" " * 20000)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:  # wait for the server to notice (bounded)
        lines = srv.log.read_text(encoding="utf-8", errors="replace").splitlines()
        if sum("client went away" in line for line in lines) >= 2:
            break
        time.sleep(0.1)
    assert httpx.get(f"{srv.url}/openapi.json", timeout=10).status_code == 200
    srv.stop()
    lines = [ln for ln in srv.log.read_text(encoding="utf-8").splitlines() if ln.strip()]
    assert not any("Traceback" in line or "Exception" in line for line in lines), lines
    gone = [line for line in lines if "client went away" in line]
    assert 2 <= len(gone) <= 3 and len(lines) <= 4, lines  # `serving …` and one line each


def test_a_counter_refusal_leaves_out_the_values_it_quotes() -> None:
    from kenttä_sync.ground.errortext import unquoted

    text = unquoted(f"no counter {HETU!r} for\nthis device")
    assert HETU not in text and text == "no counter '…' for this device"
