"""Enrolment binds a device id to one credential for ever, and a lost enrolment reply is
recoverable once, only by the device that sent the first redeem (issue 12, Build 2 /
What was seen 3). Over HTTP (the app in-process) on both central stores."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from kenttä_sync.ground.changes import PROTOCOL_VERSION
from kenttä_sync.transport.client import HttpTransport, ServerUnreachable
from kenttä_sync.transport.server import create_app, enrolment, recovery
from kenttä_sync.transport.server.stores import open_central

from tests.transport.helpers import workspace

NONCE = "n" * 20 + "0123456789abcdefghijkl"  # 42 URL-safe characters
OTHER_NONCE = "m" * 20 + "0123456789abcdefghijkl"


@pytest.fixture
def client(store_url: str) -> Iterator[TestClient]:
    from kenttä.store.schema import SCHEMA

    with TestClient(create_app(store_url, SCHEMA)) as test_client:
        yield test_client


def new_code(url: str, scopes: tuple[str, ...] = ("kuopio",)) -> str:
    from kenttä.store.schema import SCHEMA

    central = open_central(url, SCHEMA)
    try:
        return enrolment.new_code(central, scopes, "coach")
    finally:
        central.close()


def body(code: str, device_id: str, nonce: str | None = NONCE) -> dict[str, Any]:
    from kenttä.store.schema import SCHEMA

    out = {"code": code, "device_id": device_id, "protocol_version": PROTOCOL_VERSION,
           "schema_name": SCHEMA.name, "schema_version": SCHEMA.version}  # fmt: skip
    if nonce is not None:
        out["nonce"] = nonce
    return out


def works(client: TestClient, device_id: str, secret: str) -> bool:
    answer = client.get("/v1/status", headers={"Authorization": f"Bearer {device_id}.{secret}"})
    return answer.status_code == 200 and answer.json()["device_id"] == device_id


def test_a_code_redeemed_with_an_enrolled_device_id_is_refused(
    client: TestClient, store_url: str
) -> None:
    first = client.post("/v1/enroll", json=body(new_code(store_url), "laptop1"))
    assert first.status_code == 200
    secret = first.json()["secret"]

    spare = new_code(store_url)
    taken = client.post("/v1/enroll", json=body(spare, "laptop1", OTHER_NONCE))
    assert taken.status_code == 403
    detail = taken.json()["detail"]
    assert "already enrolled" in detail and "\n" not in detail
    assert works(client, "laptop1", secret)  # the real laptop keeps working
    # the refused attempt did not spend the spare code
    assert client.post("/v1/enroll", json=body(spare, "laptop2")).status_code == 200


def test_a_lost_reply_is_fetched_again_once_with_the_same_code_device_and_nonce(
    client: TestClient, store_url: str
) -> None:
    code = new_code(store_url)
    first = client.post("/v1/enroll", json=body(code, "laptop1"))
    assert first.status_code == 200  # … and the reply is lost on the way

    again = client.post("/v1/enroll", json=body(code, "laptop1"))
    assert again.status_code == 200
    assert again.json()["secret"] == first.json()["secret"]
    assert works(client, "laptop1", again.json()["secret"])
    assert client.post("/v1/enroll", json=body(code, "laptop1")).status_code == 401  # once


@pytest.mark.parametrize(
    "replay",
    [{"device_id": "intruder"}, {"nonce": OTHER_NONCE}, {"nonce": None}],
    ids=["other-device", "other-nonce", "no-nonce"],
)
def test_a_replay_by_anyone_else_is_refused_and_leaves_the_device_its_retry(
    client: TestClient, store_url: str, replay: dict[str, Any]
) -> None:
    code = new_code(store_url)
    first = client.post("/v1/enroll", json=body(code, "laptop1"))
    assert first.status_code == 200

    refused = client.post("/v1/enroll", json={**body(code, "laptop1"), **replay})
    assert refused.status_code == 401
    assert "secret" not in refused.json()
    again = client.post("/v1/enroll", json=body(code, "laptop1"))
    assert again.status_code == 200 and works(client, "laptop1", again.json()["secret"])


def test_after_the_window_the_retry_is_refused(
    client: TestClient, store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = new_code(store_url)
    first = client.post("/v1/enroll", json=body(code, "laptop1"))
    assert first.status_code == 200

    later = enrolment._now() + recovery.RETRY_SECONDS + 1
    monkeypatch.setattr(enrolment, "_now", lambda: later)
    assert client.post("/v1/enroll", json=body(code, "laptop1")).status_code == 401
    assert works(client, "laptop1", first.json()["secret"])


def test_a_revoked_device_cannot_fetch_its_credential_again(
    client: TestClient, store_url: str
) -> None:
    from kenttä.store.schema import SCHEMA

    code = new_code(store_url)
    assert client.post("/v1/enroll", json=body(code, "laptop1")).status_code == 200
    central = open_central(store_url, SCHEMA)
    try:
        assert enrolment.revoke(central, "laptop1")
    finally:
        central.close()
    assert client.post("/v1/enroll", json=body(code, "laptop1")).status_code == 401


class _LostReply(HttpTransport):
    """The device's client over the in-process app; the first enrolment reached the
    office, but its reply was lost (every retry failed too)."""

    def __init__(self, app_client: TestClient, lost: list[int], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lost = lost
        self.client.close()
        self.client = app_client

    def close(self) -> None:  # the test's client stays open
        pass

    def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        response = super()._request(method, path, **kwargs)
        if self.lost[0]:
            self.lost[0] -= 1
            raise ServerUnreachable("cannot reach the sync server: the connection was cut")
        return response


def test_kentta_enroll_again_after_a_lost_reply_gets_the_same_credential(
    client: TestClient, store_url: str, tmp_path: Path
) -> None:
    from kenttä.services.sync import client as sync_client

    ws = workspace(tmp_path / "laptop.db")
    try:
        code = new_code(store_url)
        lost = [1]  # replies to lose

        def transport(*args: Any, **kwargs: Any) -> HttpTransport:
            return _LostReply(client, lost, *args, **kwargs)

        with pytest.raises(ServerUnreachable):
            sync_client.enroll(ws, "http://office", code, transport=transport)
        assert sync_client.enrolment(ws) is None
        found = sync_client.enroll(ws, "http://office", code, transport=transport)
        assert works(client, ws.device_id, found.secret)
        assert ws.store.replica.state("enrol_nonce") is None  # kept only while needed
    finally:
        ws.close()
