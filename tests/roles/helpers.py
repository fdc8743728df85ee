"""Helpers for the role tests: devices of each role, enrolled over real HTTP (the office app
in-process through FastAPI's TestClient), and a `send` that speaks the sync protocol to it."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from kenttä_sync.ground.changes import PROTOCOL_VERSION
from kenttä_sync.transport.server import enrolment
from kenttä_sync.transport.server.stores import open_central

from kenttä.config import Config
from kenttä.services.context import Workspace
from kenttä.store.db import open_store
from kenttä.store.schema import SCHEMA


def workspace(path: Path, role: str, scope: str = "kuopio") -> Workspace:
    return Workspace(open_store(path), Config(user=f"testi.{role}", role=role, scope=scope))


def code_for(url: str, scopes: list[str], role: str) -> str:
    central = open_central(url, SCHEMA)
    try:
        return enrolment.new_code(central, scopes, role)
    finally:
        central.close()


def enroll(client: TestClient, url: str, ws: Workspace, role: str, scopes: list[str]) -> str:
    """Enrol the device over HTTP and keep what `kenttä enroll` keeps; returns its bearer."""
    answer = client.post(
        "/v1/enroll",
        json={"code": code_for(url, scopes, role), "device_id": ws.device_id,
              "protocol_version": PROTOCOL_VERSION, "schema_name": SCHEMA.name,
              "schema_version": SCHEMA.version},
    )  # fmt: skip
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["role"] == role
    replica = ws.store.replica
    with replica.db.transaction():
        replica.set_state("enrolled_role", body["role"])
        replica.set_state("enrolled_scopes", json.dumps(sorted(body["scopes"])))
    return f"Bearer {ws.device_id}.{body['secret']}"


def sender(client: TestClient, auth: str, statuses: list[int] | None = None) -> Callable:
    """A protocol `send` over HTTP for one device; records each answer's HTTP status."""

    def send(data: bytes) -> bytes:
        answer = client.post(
            "/v1/sync", content=gzip.compress(data),
            headers={"Authorization": auth, "Content-Encoding": "gzip"},
        )  # fmt: skip
        if statuses is not None:
            statuses.append(answer.status_code)
        return answer.content

    return send


def rejected(ws: Workspace) -> list[str]:
    """The office's reasons for this device's refused changes."""
    return [r[0] for r in ws.store.conn.execute("SELECT reason FROM _rejected ORDER BY rowid")]


def central_value(url: str, sql: str, params: tuple = ()) -> list[tuple]:
    central = open_central(url, SCHEMA)
    try:
        return [tuple(r) for r in central.db.execute(sql, params)]
    finally:
        central.close()
