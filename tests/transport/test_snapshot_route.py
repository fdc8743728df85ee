"""First sync by snapshot over HTTP (`POST /v1/snapshot`): a fresh laptop receives its
scope's rows as they are now, with the search index built once, then the log; the role's
read policy applies; a laptop behind a compacted part of the office's log recovers through
a snapshot, and a change it made before its first sync is kept."""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from kenttä_sync.device.snapshot import decode
from kenttä_sync.ground.changes import PROTOCOL_VERSION
from kenttä_sync.ground.export import canonical_export
from kenttä_sync.transport import protocol
from kenttä_sync.transport.link import LinkTransport
from kenttä_sync.transport.server.app import create_app
from kenttä_sync.transport.server.stores import open_central

from kenttä.domain.models import Client
from kenttä.services.sync import client as sync_client
from kenttä.store.fts import search_notes
from kenttä.store.schema import COORDINATOR_CLIENT_COLUMNS, SCHEMA
from tests.transport.helpers import bulk_clients, canonical, enrol_code, workspace

URL = "http://testserver"
HETU = "010190-900P"  # synthetic (individual number 900)
WORD = "porotilakäynti"


def in_process(app: Any) -> type[LinkTransport]:
    """A LinkTransport whose requests go to `app` in this process."""

    class InProcess(LinkTransport):
        def __init__(self, url: str, *args: Any, **kwargs: Any) -> None:
            kwargs.pop("verify", None)
            super().__init__(url, *args, sleep=lambda _s: None, **kwargs)
            headers = dict(self.client.headers)
            self.client.close()
            self.client = TestClient(app, base_url=self.url, headers=headers)

    return InProcess


def _enrol(db: Path, url: str, code: str, transport: Any = None) -> None:
    ws = workspace(db)
    try:
        options = {"transport": transport} if transport else {}
        sync_client.enroll(ws, url, code, **options)
    finally:
        ws.close()


def _sync(db: Path, transport: Any = None, **options: Any) -> Any:
    ws = workspace(db)
    try:
        if transport:
            options["transport"] = transport
        return sync_client.sync(ws, **options)
    finally:
        ws.close()


def _add_client(db: Path, scope: str = "kuopio", hetu: str | None = None) -> str:
    """A client with a note holding WORD; returns the note's id."""
    ws = workspace(db, scope=scope)
    try:
        client = Client(first_name="Testi", last_name="Paikallinen", scope=scope, consent=True)
        with ws.store.replica.transaction(ws.user) as tx:
            row = client.to_row()
            if hetu:
                row["henkilotunnus"] = hetu
            client_id = tx.insert("clients", row)
            return tx.insert(
                "notes",
                {"client_id": client_id, "author": "testi", "kind": "meeting", "scope": scope,
                 "body": f"{WORD} sovittu", "written_at": "2026-01-05T10:00:00+00:00"},
            )  # fmt: skip
    finally:
        ws.close()


def _office(tmp_path: Path, store_url: str, transport: Any = None, url: str = URL) -> Path:
    """A coach's laptop in kuopio and oulu that has synced clients and notes of both."""
    db = tmp_path / "office_laptop.db"
    bulk_clients(db, "kuopio", 40, 2, tx_clients=20)
    bulk_clients(db, "oulu", 5, 1)
    _enrol(db, url, enrol_code(store_url, ["kuopio", "oulu"]), transport)
    _sync(db, transport)
    return db


def _search(db: Path, text: str) -> list[str]:
    ws = workspace(db)
    try:
        return search_notes(ws.store.replica.conn, text)
    finally:
        ws.close()


@pytest.mark.slow
def test_a_fresh_laptop_syncs_by_snapshot_from_a_real_server(
    tmp_path: Path, store_url: str, server: Any
) -> None:
    srv = server(store_url)
    a = tmp_path / "a.db"
    bulk_clients(a, "kuopio", 40, 2, tx_clients=20)
    bulk_clients(a, "oulu", 5, 1)
    note = _add_client(a)
    _enrol(a, srv.url, enrol_code(store_url, ["kuopio", "oulu"]))
    _sync(a)
    fresh = tmp_path / "fresh.db"
    _enrol(fresh, srv.url, enrol_code(store_url, ["kuopio"]))
    summary = _sync(fresh)
    assert summary.snapshot_rows >= 41 + 81  # clients and notes of kuopio, by snapshot
    assert canonical(fresh, None) == canonical(a, ["kuopio"])  # exactly its scope
    assert _search(fresh, WORD) == [note]  # the search index was built
    assert "rows by snapshot" in sync_client.describe(summary)
    assert _sync(fresh).snapshot_rows == 0  # later syncs pull the log


def test_the_log_after_the_snapshot_position_follows(tmp_path: Path, sqlite_store_url: str) -> None:
    transport = in_process(create_app(sqlite_store_url, SCHEMA))
    a = _office(tmp_path, sqlite_store_url, transport)
    fresh = tmp_path / "fresh.db"
    _enrol(fresh, URL, enrol_code(sqlite_store_url, ["kuopio"]), transport)
    first = _sync(fresh, transport)
    assert first.snapshot_rows > 0
    note = _add_client(a)
    _sync(a, transport)
    later = _sync(fresh, transport)
    assert later.snapshot_rows == 0 and later.pulled > 0
    assert canonical(fresh, None) == canonical(a, ["kuopio"])
    assert _search(fresh, WORD) == [note]  # a note pulled after the snapshot is indexed


def _post(client: TestClient, device: dict[str, Any], body: dict[str, Any]) -> Any:
    return client.post(
        "/v1/snapshot",
        content=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {device['device_id']}.{device['secret']}"},
    )


def _request(device_id: str) -> dict[str, Any]:
    return {"protocol_version": PROTOCOL_VERSION, "schema_name": SCHEMA.name,
            "schema_version": SCHEMA.version, "device_id": device_id}  # fmt: skip


def test_a_coordinators_snapshot_follows_the_roles_read_policy(
    tmp_path: Path, sqlite_store_url: str
) -> None:
    app = create_app(sqlite_store_url, SCHEMA)
    transport = in_process(app)
    a = tmp_path / "a.db"
    _add_client(a, hetu=HETU)
    _enrol(a, URL, enrol_code(sqlite_store_url, ["kuopio"]), transport)
    _sync(a, transport)
    with TestClient(app) as client:
        code = enrol_code(sqlite_store_url, ["kuopio"], role="coordinator")
        device = client.post("/v1/enroll", json={
            "code": code, "device_id": "coord1", "protocol_version": PROTOCOL_VERSION,
            "schema_name": SCHEMA.name, "schema_version": SCHEMA.version,
        }).json()  # fmt: skip
        answer = _post(client, device, _request("coord1"))
        assert answer.status_code == 200
        pages = list(decode(io.BytesIO(answer.content)))
    tables = {p["table"] for p in pages[1:]}
    assert "clients" in tables and "notes" not in tables
    clients = [dict(zip(p["columns"], r, strict=True)) for p in pages[1:] for r in p["rows"]
               if p["table"] == "clients"]  # fmt: skip
    assert [c["first_name"] for c in clients] == ["Testi"]
    hidden = [c for c in clients[0] if c not in (*COORDINATOR_CLIENT_COLUMNS, "id", "scope")]
    assert "henkilotunnus" in hidden
    assert all(clients[0][c] is None for c in hidden if not c.startswith("_"))
    assert HETU.encode() not in gzip.decompress(answer.content)
    kept = [p for p in pages[1:] if p["table"] in ("_changes", "_conflicts")]
    assert all(r[p["columns"].index("tbl")] != "notes" for p in kept for r in p["rows"])


def test_the_route_refuses_in_one_line_without_echoing(
    tmp_path: Path, sqlite_store_url: str
) -> None:
    app = create_app(sqlite_store_url, SCHEMA)
    with TestClient(app) as client:
        code = enrol_code(sqlite_store_url, ["kuopio"])
        device = client.post("/v1/enroll", json={
            "code": code, "device_id": "dev1", "protocol_version": PROTOCOL_VERSION,
            "schema_name": SCHEMA.name, "schema_version": SCHEMA.version,
        }).json()  # fmt: skip
        assert client.post("/v1/snapshot", content=b"{}").status_code == 401
        other = _post(client, device, _request("someone-else"))
        assert other.status_code == 403 and "someone-else" not in other.text
        bad = _post(client, device, {**_request("dev1"), "schema_version": "Virtanen"})
        assert bad.status_code == 400 and "Virtanen" not in bad.text
        assert "\n" not in bad.json()["message"]
        old = _post(client, device, {**_request("dev1"), "schema_version": SCHEMA.version - 1})
        assert old.status_code == 409 and old.json()["code"] == "version"


def test_a_laptop_behind_a_compacted_log_recovers_by_snapshot_and_keeps_its_change(
    tmp_path: Path, store_url: str
) -> None:
    transport = in_process(create_app(store_url, SCHEMA))
    a = _office(tmp_path, store_url, transport)
    _sync(a, transport)  # its horizon: everything it pulled
    central = open_central(store_url, SCHEMA)
    try:
        central.compact_log()
    finally:
        central.close()
    late = tmp_path / "late.db"  # enrolled after the compaction: its cursor 0 is behind it
    _enrol(late, URL, enrol_code(store_url, ["kuopio"]), transport)
    with pytest.raises(protocol.SnapshotRequired):
        _sync(late, transport, snapshots=False)  # the log alone cannot serve it
    mine = tmp_path / "mine.db"  # writes before its first sync: not fresh, and not lost
    _enrol(mine, URL, enrol_code(store_url, ["kuopio"]), transport)
    note = _add_client(mine)
    summary = _sync(mine, transport)
    assert summary.snapshot_rows > 0 and summary.waiting == 0
    _sync(a, transport)
    assert canonical(mine, None) == canonical(a, ["kuopio"])
    assert _search(mine, WORD) == [note] and _search(a, WORD) == [note]
    assert _sync(late, transport).snapshot_rows > 0  # a fresh one takes it first
    assert canonical(late, None) == canonical(a, ["kuopio"])
    central = open_central(store_url, SCHEMA)
    try:
        assert canonical(mine, None) == canonical_export(central.db, SCHEMA, ["kuopio"])
    finally:
        central.close()


def test_a_cut_snapshot_download_starts_again_and_nothing_half_loaded_stays(
    tmp_path: Path, sqlite_store_url: str
) -> None:
    app = create_app(sqlite_store_url, SCHEMA)
    transport = in_process(app)
    a = _office(tmp_path, sqlite_store_url, transport)
    cuts = {"left": 1}

    class Cut(transport):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            real = self.client.stream

            @contextmanager
            def stream(method: str, path: str, **kw: Any) -> Iterator[Any]:
                with real(method, path, **kw) as response:
                    if path == "/v1/snapshot" and cuts["left"]:
                        cuts["left"] -= 1
                        raise httpx.ReadError("connection cut")
                    yield response

            self.client.stream = stream  # type: ignore[method-assign]

    fresh = tmp_path / "fresh.db"
    _enrol(fresh, URL, enrol_code(sqlite_store_url, ["kuopio"]), transport)
    summary = _sync(fresh, Cut, retries=2)
    assert cuts["left"] == 0 and summary.snapshot_rows > 0
    assert canonical(fresh, None) == canonical(a, ["kuopio"])
