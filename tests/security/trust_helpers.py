"""An office (the real server app in-process: real HTTP requests through FastAPI's
TestClient) with honest kenttä laptops and a tampered one that hand-makes its pushes, over
HTTP or in a USB bundle imported the way `kenttä server import-bundle` does."""

from __future__ import annotations

import gzip
import json
import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from kenttä_sync.ground.changes import Change
from kenttä_sync.ground.hlc import Stamp
from kenttä_sync.ground.ids import uuid7
from kenttä_sync.transport import bundle, protocol
from kenttä_sync.transport.server import create_app, enrolment
from kenttä_sync.transport.server.stores import open_central

from kenttä.services.context import Workspace
from kenttä.store.schema import SCHEMA
from tests.roles.helpers import enroll, sender, workspace
from tests.transport.helpers import kentta


class Tampered:
    """An enrolled laptop whose pushes are made by hand (what an edited client could send)."""

    def __init__(self, office: Office, ws: Workspace, bearer: str, role: str) -> None:
        self.office, self.ws, self.bearer, self.role = office, ws, bearer, role
        self.device_id = ws.device_id
        self.secret = bearer.split(".", 1)[1]
        self.seq = office.status(bearer)["acked_seq"]
        self._tick = 0

    def change(
        self, table: str, row_id: str, op: str, column: str | None = None, value: Any = None,
        tx: str | None = None, change_id: str | None = None,
    ) -> Change:  # fmt: skip
        """The next change of this device (its own id unless `change_id` says otherwise)."""
        self.seq += 1
        self._tick += 1
        stamp = Stamp(int(time.time() * 1000), self._tick, self.device_id).encode()
        return Change(
            change_id=change_id or Change.make_id(self.device_id, self.seq),
            device_id=self.device_id, device_seq=self.seq, table=table, row_id=row_id,
            column=column, op=op, value=value, stamp=stamp, tx_id=tx or uuid7(),
            author="testi.tampered",
        )  # fmt: skip

    def push(self, changes: list[Change], via: str) -> dict[str, Any]:
        """Push the changes over HTTP or in a bundle (imported in-process, or by `kenttä
        server import-bundle` for via="cli"); returns the push result as a dict
        (`rejected`: [{change_id, tx_id, reason}])."""
        request = protocol.PushRequest(
            schema_name=SCHEMA.name, schema_version=SCHEMA.version, device_id=self.device_id,
            changes=changes,
        )  # fmt: skip
        payload = json.dumps(request.model_dump()).encode()  # as written: NaN stays NaN
        if via == "http":
            answer = self.office.client.post(
                "/v1/sync", content=gzip.compress(payload),
                headers={"Authorization": self.bearer, "Content-Encoding": "gzip"},
            )  # fmt: skip
            assert answer.status_code == 200, answer.text
            return answer.json()
        key = enrolment.bundle_key(self.secret, self.device_id)
        first = changes[0].device_seq if changes else self.seq
        _, data = bundle.pack(bundle.TO_OFFICE, self.device_id, key, payload, first, self.seq, 0)
        if via == "cli":  # the office's own command, in its own process
            path = self.office.folder / f"{uuid7()}.bundle"
            path.write_bytes(data)
            done = kentta(
                "server", "import-bundle", "--store", self.office.url, str(path), "--json"
            )
            answer = json.loads(done.stdout)
            return {**answer, "rejected": answer["refused"]}
        central = open_central(self.office.url, SCHEMA)
        try:
            result = bundle.import_bundle(central, data)
        finally:
            central.close()
        return {
            "acked_seq": result.acked_seq, "applied": result.applied,
            "rejected": [r.model_dump() for r in result.rejected],
        }  # fmt: skip


class Office:
    def __init__(self, url: str, folder: Path) -> None:
        self.url, self.folder = url, folder
        self.client = TestClient(create_app(url, SCHEMA))
        self.client.__enter__()
        self.sends: dict[str, Any] = {}
        self.bearers: dict[str, str] = {}
        self.statuses: list[int] = []
        self.opened: list[Workspace] = []

    def laptop(self, name: str, role: str, scopes: list[str]) -> Workspace:
        """An honest laptop, enrolled over HTTP."""
        ws, bearer = self._enrol(name, role, scopes)
        self.sends[ws.device_id] = sender(self.client, bearer, self.statuses)
        return ws

    def tampered(self, name: str, role: str, scopes: list[str]) -> Tampered:
        ws, bearer = self._enrol(name, role, scopes)
        return Tampered(self, ws, bearer, role)

    def _enrol(self, name: str, role: str, scopes: list[str]) -> tuple[Workspace, str]:
        ws = workspace(self.folder / f"{name}.db", role, scope=scopes[0])
        self.opened.append(ws)
        bearer = enroll(self.client, self.url, ws, role, scopes)
        self.bearers[ws.device_id] = bearer
        return ws, bearer

    def status(self, bearer: str) -> dict[str, Any]:
        answer = self.client.get("/v1/status", headers={"Authorization": bearer})
        assert answer.status_code == 200, answer.text
        return answer.json()

    def sync(self, *laptops: Workspace) -> None:
        for ws in laptops:
            protocol.sync(ws.store.replica, self.sends[ws.device_id])

    def bundle_sync(self, ws: Workspace) -> bundle.ImportResult:
        """Sync by USB bundle: export, import at the office (as `kenttä server
        import-bundle` does), import the office's reply on the laptop."""
        secret = self.bearers[ws.device_id].split(".", 1)[1]
        key = enrolment.bundle_key(secret, ws.device_id)
        _, data = bundle.export_bundle(ws.store.replica, key)
        central = open_central(self.url, SCHEMA)
        try:
            result = bundle.import_bundle(central, data, reply=True)
        finally:
            central.close()
        assert result.reply is not None
        bundle.import_reply(ws.store.replica, key, result.reply)
        return result

    def rows(self, sql: str, params: tuple = ()) -> list[tuple]:
        central = open_central(self.url, SCHEMA)
        try:
            return [tuple(r) for r in central.db.execute(sql, params)]
        finally:
            central.close()

    def close(self) -> None:
        self.client.__exit__(None, None, None)
        for ws in self.opened:
            ws.close()


def reasons(result: dict[str, Any]) -> list[str]:
    return [r["reason"] for r in result["rejected"]]


def local_rejected(ws: Workspace) -> list[str]:
    return [r[0] for r in ws.store.conn.execute("SELECT reason FROM _rejected ORDER BY rowid")]


def dumps(value: Any) -> str:
    return json.dumps(value)


def client_row(scope: str, last_name: str, **more: Any) -> dict[str, Any]:
    """A client row as a laptop pushes it (the columns the office requires, and `more`)."""
    return {
        "scope": scope, "first_name": "Testi", "last_name": last_name, "language": "fi",
        "status": "contacted", "consent": 0, **more,
    }  # fmt: skip
