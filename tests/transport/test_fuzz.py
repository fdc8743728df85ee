"""A hypothesis fuzzer over every route of the served OpenAPI spec (schemathesis-like, in
process, no network): random and malformed bodies, encodings and credentials, and valid
protocol requests with fields replaced by random values. No request may get a 5xx;
requests without valid credentials get 401/403 and no data."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kenttä_sync.ground.changes import PROTOCOL_VERSION
from kenttä_sync.transport.server import create_app, enrolment
from kenttä_sync.transport.server.stores import open_central

from kenttä.store.schema import SCHEMA

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False)
    | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)  # fmt: skip


class _Served(dict):
    def __repr__(self) -> str:  # keep hypothesis' failure reports short
        return "<served app>"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    url = f"sqlite:{tmp_path_factory.mktemp('fuzz') / 'central.db'}"
    central = open_central(url, SCHEMA)
    auths = {}
    for device_id, scopes in (("fuzz1", ["kuopio"]), ("fuzz2", ["lappi"])):
        secret, _ = enrolment.redeem(
            central, enrolment.new_code(central, scopes, "coach"), device_id
        )
        auths[device_id] = f"Bearer {device_id}.{secret}"
    central.close()
    with TestClient(create_app(url, SCHEMA), raise_server_exceptions=False) as client:
        spec = client.get("/openapi.json").json()
        ops = [(method.upper(), path) for path, item in spec["paths"].items() for method in item]
        yield _Served(client=client, ops=ops, auths=auths, schema=SCHEMA)


def _valid_requests(schema: Any) -> list[dict[str, Any]]:
    base = {"protocol_version": PROTOCOL_VERSION, "schema_name": schema.name,
            "schema_version": schema.version, "device_id": "fuzz1"}  # fmt: skip
    change = {"change_id": "fuzz1:1", "device_id": "fuzz1", "device_seq": 1, "table": "clients",
              "row_id": "01900000-0000-7000-8000-000000000001", "column": None, "op": "insert",
              "value": {"first_name": "Testi", "last_name": "Fuzz", "scope": "kuopio"},
              "stamp": "0001795342922445-00000-fuzz1", "prev_stamp": None, "tx_id": "t1",
              "author": "fuzz"}  # fmt: skip
    update = {**change, "change_id": "fuzz1:2", "device_seq": 2, "column": "phone",
              "op": "update", "value": "040", "prev_stamp": change["stamp"],
              "stamp": "0001795342922446-00000-fuzz1"}  # fmt: skip
    return [
        {**base, "kind": "pull", "cursor": 0, "limit": 10},
        {**base, "kind": "push", "changes": [change]},
        {**base, "kind": "push", "changes": [change, update]},
        {
            **base,
            "kind": "push_chunk",
            "tx_id": "t1",
            "tx_first": 1,
            "tx_last": 2,
            "changes": [change],
        },
        {**base, "kind": "pull_chunk", "cursor": 0, "limit": 10, "offset": 0, "size": 5},
    ]


@st.composite
def mutated(draw: st.DrawFn) -> dict[str, Any]:
    request = json.loads(json.dumps(draw(st.sampled_from(_valid_requests(SCHEMA)))))
    for _ in range(draw(st.integers(0, 3))):
        target = request
        changes = request.get("changes")
        if (
            isinstance(changes, list)
            and changes
            and isinstance(changes[0], dict)
            and draw(st.booleans())
        ):
            target = changes[0]
            if isinstance(target.get("value"), dict) and draw(st.booleans()):
                target = target["value"]
        key = draw(st.sampled_from([*target.keys(), "extra"]))
        if draw(st.booleans()):
            target[key] = draw(json_values)
        else:
            target.pop(key, None)
    return request


@st.composite
def bodies(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["binary", "json", "mutated", "mutated", "mutated"]))
    if kind == "binary":
        return draw(st.binary(max_size=300))
    if kind == "json":
        return json.dumps(draw(json_values)).encode()
    return json.dumps(draw(mutated())).encode()


AUTH_KINDS = ["none", "garbage", "wrong_secret", "valid", "other_device"]


@settings(max_examples=500, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_no_route_answers_5xx(served: dict[str, Any], data: st.DataObject) -> None:
    client: TestClient = served["client"]
    method, path = data.draw(st.sampled_from(served["ops"]))
    auth_kind = data.draw(st.sampled_from(AUTH_KINDS))
    auths = served["auths"]
    headers: dict[str, str] = {}
    if auth_kind == "garbage":
        headers["Authorization"] = data.draw(st.text(st.characters(codec="ascii"), max_size=60))
    elif auth_kind == "wrong_secret":
        headers["Authorization"] = "Bearer fuzz1." + data.draw(st.text("abcXYZ019-_", max_size=43))
    elif auth_kind in ("valid", "other_device"):
        headers["Authorization"] = auths["fuzz1"]
    body = data.draw(bodies())
    if auth_kind == "other_device":
        body = body.replace(b'"fuzz1"', b'"fuzz2"')
    encoding = data.draw(st.sampled_from(["", "gzip", "gzip", "identity", "br", "gzip;q=1"]))
    if encoding:
        headers["Content-Encoding"] = encoding
        if encoding == "gzip" and data.draw(st.booleans()):
            body = gzip.compress(body)
    content_type = data.draw(
        st.sampled_from(["application/json", "application/octet-stream", "text/plain", ""])
    )
    if content_type:
        headers["Content-Type"] = content_type
    if method == "GET":
        answer = client.get(path, headers=headers)
    else:
        answer = client.request(method, path, content=body, headers=headers)
    assert answer.status_code < 500, (method, path, auth_kind, answer.text[:300])
    if path in (
        "/v1/sync",
        "/v1/status",
        "/v1/push-chunk",
        "/v1/pull-chunk",
        "/v1/snapshot",
    ) and auth_kind in (
        "none",
        "garbage",
        "wrong_secret",
    ):
        assert answer.status_code in (401, 403)
        assert set(answer.json()) == {"detail"}
    if auth_kind == "other_device" and path == "/v1/sync" and answer.status_code == 200:
        assert json.loads(answer.content).get("kind") != "pull_result" or b'"fuzz2"' not in body


def test_unknown_routes_and_methods_are_not_5xx(served: dict[str, Any]) -> None:
    client: TestClient = served["client"]
    for method, path in (("GET", "/v1/sync"), ("DELETE", "/v1/status"), ("GET", "/admin"),
                         ("PUT", "/v1/enroll"), ("GET", "/docs")):  # fmt: skip
        assert client.request(method, path).status_code in (404, 405)


def test_openapi_spec_is_served_with_every_route(served: dict[str, Any]) -> None:
    assert set(served["ops"]) == {
        ("POST", "/v1/enroll"),
        ("POST", "/v1/sync"),
        ("GET", "/v1/status"),
        ("POST", "/v1/counters"),
        ("POST", "/v1/push-chunk"),
        ("POST", "/v1/pull-chunk"),
        ("POST", "/v1/push-stream"),
        ("POST", "/v1/snapshot"),
    }
    spec = served["client"].get("/openapi.json").json()
    assert "HTTPBearer" in spec["components"]["securitySchemes"]


def test_revoked_in_the_middle_of_fuzzing_is_403(served: dict[str, Any], tmp_path: Path) -> None:
    """Placed last: revoking fuzz2 must not disturb the other tests."""
    client: TestClient = served["client"]
    answer = client.get("/v1/status", headers={"Authorization": served["auths"]["fuzz2"]})
    assert answer.status_code == 200
