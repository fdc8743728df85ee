"""Role tests on the server: a coach's device cannot pull another scope or act as supervisor.

The office app runs in-process (FastAPI TestClient, real HTTP requests through the ASGI
app); devices are real local stores that sync with the sync protocol. A device is made to
"act as supervisor" by writing the change straight through the sync module's transaction
(what a tampered laptop or an edited config could do): the server must refuse it anyway.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from kenttä_sync.transport import protocol
from kenttä_sync.transport.server import create_app, enrolment

from kenttä.services.clients.core import create_client
from kenttä.services.context import Workspace
from kenttä.services.sync import status as sync_status
from kenttä.store.schema import SCHEMA
from tests.roles.helpers import central_value, enroll, rejected, sender, workspace


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:{tmp_path / 'central.db'}"


@pytest.fixture
def client(url: str) -> Iterator[TestClient]:
    with TestClient(create_app(url, SCHEMA)) as test_client:
        yield test_client


class Office:
    """Devices enrolled with one office; `sync(ws)` pushes and pulls everything."""

    def __init__(self, client: TestClient, url: str, folder: Path) -> None:
        self.client, self.url, self.folder = client, url, folder
        self.sends: dict[str, object] = {}
        self.statuses: list[int] = []
        self.opened: list[Workspace] = []

    def device(self, name: str, role: str, scopes: list[str]) -> Workspace:
        ws = workspace(self.folder / f"{name}.db", role, scope=scopes[0])
        auth = enroll(self.client, self.url, ws, role, scopes)
        self.sends[ws.device_id] = sender(self.client, auth, self.statuses)
        self.opened.append(ws)
        return ws

    def sync(self, *devices: Workspace) -> None:
        for ws in devices:
            protocol.sync(ws.store.replica, self.sends[ws.device_id])  # type: ignore[arg-type]

    def close(self) -> None:
        for ws in self.opened:
            ws.close()


@pytest.fixture
def office(client: TestClient, url: str, tmp_path: Path) -> Iterator[Office]:
    made = Office(client, url, tmp_path)
    yield made
    made.close()


def _conflict(office: Office, a: Workspace, b: Workspace) -> tuple[str, str]:
    """Two devices change one client's phone concurrently; returns (client id, conflict id)."""
    client_id = create_client(
        a, first_name="Testi", last_name="Ristiriita", phone="040 100 0001"
    ).id
    office.sync(a, b)
    for ws, phone in ((a, "0402"), (b, "0403")):
        with ws.store.replica.transaction(ws.user) as tx:
            tx.update("clients", client_id, {"phone": phone})
    office.sync(a, b, a)
    found = central_value(office.url, "SELECT id FROM _conflicts WHERE resolved_stamp IS NULL")
    assert len(found) == 1
    conflict_id = found[0][0]
    for ws in (a, b):
        assert [c.id for c in sync_status.conflicts(ws)] == [conflict_id]
    return client_id, conflict_id


def test_a_coach_pulls_only_its_scope(office: Office) -> None:
    boss = office.device("boss", "supervisor", ["kuopio", "lappi"])
    coach = office.device("coach", "coach", ["kuopio"])
    create_client(boss, first_name="Testi", last_name="Kuopio", scope="kuopio")
    create_client(boss, first_name="Testi", last_name="Lappi", scope="lappi")
    office.sync(boss, coach)
    names = coach.store.conn.execute("SELECT last_name, scope FROM clients").fetchall()
    assert names == [("Kuopio", "kuopio")]
    scopes = {r[0] for r in coach.store.conn.execute("SELECT DISTINCT scope FROM audit_events")}
    assert scopes <= {"kuopio"}  # nothing of lappi arrives, not even its audit trail
    assert set(office.statuses) == {200}


def test_a_coach_cannot_write_into_another_scope(office: Office) -> None:
    coach = office.device("coach", "coach", ["kuopio"])
    with coach.store.replica.transaction(coach.user) as tx:  # past the services' check
        tx.insert("clients", {"first_name": "Testi", "last_name": "Lappi", "scope": "lappi"})
    office.sync(coach)
    assert rejected(coach) and all("outside this device's scopes" in r for r in rejected(coach))
    assert central_value(office.url, "SELECT count(*) FROM clients") == [(0,)]


@pytest.mark.parametrize("role", ["coach", "coordinator"])
def test_only_a_supervisor_device_may_push_a_resolve(office: Office, role: str) -> None:
    a = office.device("a", "coach", ["kuopio"])
    b = office.device("b", "coach", ["kuopio"])
    other = office.device("other", role, ["kuopio"]) if role != "coach" else a
    if other is not a:
        office.sync(other)
    client_id, conflict_id = _conflict(office, a, b)
    office.sync(other)
    winner = central_value(office.url, "SELECT phone FROM clients WHERE id = ?", (client_id,))

    with other.store.replica.transaction(other.user) as tx:  # acting as a supervisor
        tx.resolve(conflict_id, choose="a")
    office.sync(other)
    reasons = rejected(other)
    assert reasons and all(f"a {role}'s device may not push resolve" in r for r in reasons)
    assert central_value(
        office.url, "SELECT resolved_stamp FROM _conflicts WHERE id = ?", (conflict_id,)
    ) == [(None,)]
    assert (
        central_value(office.url, "SELECT phone FROM clients WHERE id = ?", (client_id,)) == winner
    )
    assert set(office.statuses) == {200}  # refused per change, reported in the push result

    boss = office.device("boss", "supervisor", ["kuopio"])
    office.sync(boss)
    assert [c.id for c in sync_status.conflicts(boss)] == [conflict_id]
    kept = central_value(office.url, "SELECT value_a FROM _conflicts WHERE id = ?", (conflict_id,))
    kept_phone = json.loads(kept[0][0])  # `a` is the lower stamp: the value that lost
    assert [(kept_phone,)] != winner
    sync_status.resolve(boss, conflict_id, choose="a")
    office.sync(boss)
    assert rejected(boss) == []
    assert central_value(
        office.url, "SELECT resolved_by FROM _conflicts WHERE id = ?", (conflict_id,)
    ) == [("testi.supervisor",)]
    phone_sql = "SELECT phone FROM clients WHERE id = ?"
    assert central_value(office.url, phone_sql, (client_id,)) == [(kept_phone,)]
    office.sync(b)
    assert sync_status.conflicts(b) == []
    assert b.store.conn.execute(phone_sql, (client_id,)).fetchone() == (kept_phone,)


@pytest.mark.parametrize("role", ["coach", "coordinator"])
def test_only_a_supervisor_device_may_push_an_erasure(office: Office, role: str) -> None:
    boss = office.device("boss", "supervisor", ["kuopio"])
    other = office.device("other", role, ["kuopio"])
    client_id = create_client(boss, first_name="Testi", last_name="Poisto", phone="040 100 0001").id
    office.sync(boss, other)

    with other.store.replica.transaction(other.user) as tx:  # acting as a supervisor
        tx.erase("clients", client_id)
    office.sync(other)
    assert any(f"a {role}'s device may not push erase" in r for r in rejected(other))
    assert central_value(
        office.url, "SELECT last_name, _erased FROM clients WHERE id = ?", (client_id,)
    ) == [("Poisto", None)]

    from kenttä.services.privacy.erasure import erase_client

    assert erase_client(boss, client_id)
    office.sync(boss)
    assert rejected(boss) == []
    erased = central_value(office.url, "SELECT _erased FROM clients WHERE id = ?", (client_id,))
    assert erased and erased[0][0] is not None


def test_the_refusal_keeps_the_rest_of_the_push(office: Office) -> None:
    """Only the transaction holding the refused op is refused; later work still arrives."""
    boss = office.device("boss", "supervisor", ["kuopio"])
    coach = office.device("coach", "coach", ["kuopio"])
    client_id = create_client(boss, first_name="Testi", last_name="Poisto").id
    office.sync(boss, coach)
    with coach.store.replica.transaction(coach.user) as tx:
        tx.erase("clients", client_id)
    create_client(coach, first_name="Testi", last_name="Uusi")
    office.sync(coach)
    names = central_value(office.url, "SELECT last_name FROM clients ORDER BY last_name")
    assert names == [("Poisto",), ("Uusi",)]


def test_role_refusal_table() -> None:
    for role in ("coach", "coordinator"):
        for op in ("resolve", "erase"):
            assert enrolment.role_refusal(role, op)
        for op in ("insert", "update", "delete"):
            assert enrolment.role_refusal(role, op) is None
    for op in ("insert", "update", "delete", "resolve", "erase"):
        assert enrolment.role_refusal("supervisor", op) is None


def test_a_pooled_store_forgets_the_role(client: TestClient, url: str, tmp_path: Path) -> None:
    office = Office(client, url, tmp_path)
    coach = office.device("coach", "coach", ["kuopio"])
    create_client(coach, first_name="Testi", last_name="Asiakas")
    office.sync(coach)
    pool = client.app.state.pool  # type: ignore[attr-defined]
    for central in pool._all:
        assert "_check" not in vars(central)
    office.close()


def test_a_coach_bundle_cannot_carry_an_erasure(office: Office, tmp_path: Path) -> None:
    """The USB-bundle path checks roles as the HTTP path does."""
    from kenttä_sync.transport import bundle
    from kenttä_sync.transport.server.stores import open_central

    boss = office.device("boss", "supervisor", ["kuopio"])
    coach = workspace(tmp_path / "coach-usb.db", "coach", scope="kuopio")
    office.opened.append(coach)
    secret = enroll(office.client, office.url, coach, "coach", ["kuopio"]).split(".", 1)[1]
    client_id = create_client(boss, first_name="Testi", last_name="Nippu", phone="040 100 0001").id
    office.sync(boss)
    with coach.store.replica.transaction(coach.user) as tx:  # a tampered laptop
        tx.insert("clients", {"id": client_id, "first_name": "x", "last_name": "y"})
    with coach.store.replica.transaction(coach.user) as tx:
        tx.erase("clients", client_id)

    _, data = bundle.export_bundle(
        coach.store.replica, enrolment.bundle_key(secret, coach.device_id)
    )
    central = open_central(office.url, SCHEMA)
    try:
        result = bundle.import_bundle(central, data)
    finally:
        central.close()
    assert any("a coach's device may not push erase" in r.reason for r in result.rejected)
    assert central_value(
        office.url, "SELECT last_name, _erased FROM clients WHERE id = ?", (client_id,)
    ) == [("Nippu", None)]
