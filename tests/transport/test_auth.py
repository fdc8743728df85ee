"""Authentication and authorisation over HTTP (the app in-process, no network): no, invalid
and revoked credentials, another device's id, scopes on pull and push, versions."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from kenttä_sync.ground.changes import PROTOCOL_VERSION
from kenttä_sync.transport.protocol import PullRequest, VersionMismatch
from kenttä_sync.transport.server import create_app, enrolment
from kenttä_sync.transport.server.stores import open_central


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:{tmp_path / 'central.db'}"


@pytest.fixture
def client(url: str) -> Iterator[TestClient]:
    from kenttä.store.schema import SCHEMA

    with TestClient(create_app(url, SCHEMA)) as test_client:
        yield test_client


def _admin(url: str):
    from kenttä.store.schema import SCHEMA

    return open_central(url, SCHEMA)


def code_for(url: str, scopes: list[str], role: str = "coach") -> str:
    central = _admin(url)
    try:
        return enrolment.new_code(central, scopes, role)
    finally:
        central.close()


def enroll(client: TestClient, url: str, device_id: str, scopes: list[str]) -> str:
    from kenttä.store.schema import SCHEMA

    answer = client.post(
        "/v1/enroll",
        json={"code": code_for(url, scopes), "device_id": device_id,
              "protocol_version": PROTOCOL_VERSION, "schema_name": SCHEMA.name,
              "schema_version": SCHEMA.version},
    )  # fmt: skip
    assert answer.status_code == 200, answer.text
    assert answer.json()["scopes"] == sorted(scopes)
    return f"Bearer {device_id}.{answer.json()['secret']}"


def pull_body(device_id: str, **over: Any) -> bytes:
    from kenttä.store.schema import SCHEMA

    fields = {"schema_name": SCHEMA.name, "schema_version": SCHEMA.version,
              "device_id": device_id, **over}  # fmt: skip
    return PullRequest(**fields).model_dump_json().encode()


def test_enrolment_codes_are_one_time(client: TestClient, url: str) -> None:
    from kenttä.store.schema import SCHEMA

    code = code_for(url, ["kuopio"])
    body = {"code": code, "device_id": "dev1", "protocol_version": PROTOCOL_VERSION,
            "schema_name": SCHEMA.name, "schema_version": SCHEMA.version}  # fmt: skip
    assert client.post("/v1/enroll", json=body).status_code == 200
    again = client.post("/v1/enroll", json={**body, "device_id": "dev2"})
    assert again.status_code == 401 and "already used" in again.json()["detail"]
    wrong = client.post("/v1/enroll", json={**body, "code": "AAAAA-BBBBB-CCCCC"})
    assert wrong.status_code == 401


def test_enrolment_names_the_version_needed(client: TestClient, url: str) -> None:
    from kenttä.store.schema import SCHEMA

    body = {"code": code_for(url, ["kuopio"]), "device_id": "old",
            "protocol_version": PROTOCOL_VERSION, "schema_name": SCHEMA.name,
            "schema_version": SCHEMA.version - 1}  # fmt: skip
    answer = client.post("/v1/enroll", json=body)
    assert answer.status_code == 409
    assert f"schema {SCHEMA.name} version {SCHEMA.version}" in answer.json()["detail"]
    # the code was not spent by the refused attempt
    assert (
        client.post("/v1/enroll", json={**body, "schema_version": SCHEMA.version}).status_code
        == 200
    )


@pytest.mark.parametrize(
    "header",
    [None, "", "Bearer", "Bearer ", "Basic abc", "Bearer nodot", "Bearer dev1.wrong",
     "Bearer unknown.secret", "Bearer .x", "Bearer " + "x" * 500],
)  # fmt: skip
def test_missing_or_invalid_credentials_get_401_and_no_data(
    client: TestClient, url: str, header: str | None
) -> None:
    enroll(client, url, "dev1", ["kuopio"])
    headers = {} if header is None else {"Authorization": header}
    for method, path, body in (("GET", "/v1/status", None),
                               ("POST", "/v1/sync", pull_body("dev1"))):  # fmt: skip
        answer = client.request(method, path, content=body, headers=headers)
        assert answer.status_code == 401
        assert answer.headers["www-authenticate"] == "Bearer"
        assert set(answer.json()) == {"detail"}


def test_a_revoked_device_is_refused_and_its_data_kept(client: TestClient, url: str) -> None:
    auth = enroll(client, url, "dev1", ["kuopio"])
    assert client.get("/v1/status", headers={"Authorization": auth}).status_code == 200
    central = _admin(url)
    before = central.head()
    assert enrolment.revoke(central, "dev1")
    central.close()
    for method, path, body in (("GET", "/v1/status", None),
                               ("POST", "/v1/sync", pull_body("dev1"))):  # fmt: skip
        answer = client.request(method, path, content=body, headers={"Authorization": auth})
        assert answer.status_code == 403 and "revoked" in answer.json()["detail"]
    central = _admin(url)
    assert central.head() == before
    assert [d.revoked_at is not None for d in enrolment.devices(central)] == [True]
    central.close()


def test_a_device_cannot_act_for_another(client: TestClient, url: str) -> None:
    auth = enroll(client, url, "dev1", ["kuopio"])
    enroll(client, url, "dev2", ["lappi"])
    answer = client.post("/v1/sync", content=pull_body("dev2"), headers={"Authorization": auth})
    assert answer.status_code == 403 and "another device" in answer.json()["detail"]


def test_pulls_are_filtered_and_out_of_scope_writes_refused(tmp_path: Path, client, url) -> None:
    """Scopes over HTTP: what kuopio writes reaches kuopio only; a write in lappi is refused
    and reported back per change."""
    from kenttä_sync.transport import protocol

    from kenttä.services.clients.core import create_client
    from tests.transport.helpers import workspace

    def send_as(auth: str):
        def send(data: bytes) -> bytes:
            answer = client.post(
                "/v1/sync", content=gzip.compress(data),
                headers={"Authorization": auth, "Content-Encoding": "gzip"},
            )  # fmt: skip
            assert answer.status_code in (200, 400, 409)
            return answer.content

        return send

    writer = workspace(tmp_path / "w.db")
    reader_k, reader_l = workspace(tmp_path / "k.db"), workspace(tmp_path / "l.db")
    auth_w = enroll(client, url, writer.device_id, ["kuopio"])
    auth_k = enroll(client, url, reader_k.device_id, ["kuopio"])
    auth_l = enroll(client, url, reader_l.device_id, ["lappi"])
    create_client(writer, first_name="Testi", last_name="Kuopio")
    writer.config.scope = "lappi"
    create_client(writer, first_name="Testi", last_name="Lappi")
    protocol.sync(writer.store.replica, send_as(auth_w))
    reasons = writer.store.conn.execute("SELECT reason FROM _rejected").fetchall()
    assert reasons and all("outside this device's scopes" in r[0] for r in reasons)
    protocol.sync(reader_k.store.replica, send_as(auth_k))
    protocol.sync(reader_l.store.replica, send_as(auth_l))
    kuopio = reader_k.store.conn.execute("SELECT last_name FROM clients").fetchall()
    lappi = reader_l.store.conn.execute("SELECT last_name FROM clients").fetchall()
    assert kuopio == [("Kuopio",)] and lappi == []
    for ws in (writer, reader_k, reader_l):
        ws.close()


def test_a_device_on_another_version_is_told_which_it_needs(client, url) -> None:
    from kenttä_sync.transport.protocol import _answer

    from kenttä.store.schema import SCHEMA

    auth = enroll(client, url, "dev1", ["kuopio"])
    for over, needed in (({"schema_version": SCHEMA.version + 1}, f"version {SCHEMA.version}"),
                         ({"protocol_version": 99}, f"protocol version {PROTOCOL_VERSION}")):  # fmt: skip
        answer = client.post(
            "/v1/sync", content=pull_body("dev1", **over), headers={"Authorization": auth}
        )
        assert answer.status_code == 409
        assert json.loads(answer.content)["code"] == "version"
        with pytest.raises(VersionMismatch, match=needed):
            _answer(SCHEMA, answer.content)


def test_status_and_gzip_answers(client: TestClient, url: str) -> None:
    auth = enroll(client, url, "dev1", ["kuopio", "lappi"])
    status = client.get("/v1/status", headers={"Authorization": auth}).json()
    assert status["scopes"] == ["kuopio", "lappi"] and status["role"] == "coach"
    assert status["protocol_version"] == PROTOCOL_VERSION
    bomb = gzip.compress(b"{" * 10)
    answer = client.post(
        "/v1/sync", content=bomb[:-4], headers={"Authorization": auth, "Content-Encoding": "gzip"}
    )
    assert answer.status_code == 400
