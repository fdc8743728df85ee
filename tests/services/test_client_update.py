"""Correcting a client's details: validated as on creation, only changed columns written."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from kenttä.config import Config
from kenttä.domain.identifiers import expected_check_character
from kenttä.services.clients import core as clients
from kenttä.services.clients.core import ClientError
from kenttä.services.context import Workspace
from kenttä.services.privacy import audit, erasure
from kenttä.services.roles import PermissionDenied
from kenttä.store.db import open_store
from tests.ui.caseload import build_caseload, synthetic_hetu


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    store = open_store(tmp_path / "update.db")
    workspace = Workspace(store, Config(user="testi.valmentaja", scope="kuopio", role="coach"))
    workspace.ids = build_caseload(workspace, clients_count=4)  # type: ignore[attr-defined]
    yield workspace
    store.close()


def as_role(ws: Workspace, role: str) -> Workspace:
    """The same database seen by another person (a supervisor, a coordinator)."""
    return Workspace(ws.store, Config(user=f"testi.{role}", scope="kuopio", role=role))


def last_seq(ws: Workspace) -> int:
    return ws.store.conn.execute("SELECT coalesce(max(seq), 0) FROM _changes").fetchone()[0]


def logged_since(ws: Workspace, seq: int) -> list[tuple[str, str, str | None, str]]:
    return ws.store.conn.execute(
        "SELECT tbl, row_id, col, tx_id FROM _changes WHERE seq > ? ORDER BY seq", (seq,)
    ).fetchall()


def a_client(ws: Workspace, index: int = 0) -> str:
    return ws.ids["clients"][index]  # type: ignore[attr-defined]


def test_an_edit_writes_only_the_changed_columns_in_one_transaction(ws: Workspace) -> None:
    client_id = a_client(ws)
    before = clients.get_client(ws, client_id)
    seq = last_seq(ws)
    updated = clients.update_client(
        ws,
        client_id,
        first_name=before.first_name,  # given but unchanged: not written
        last_name=before.last_name,
        phone="040 999 1234",
        email="testi@example.invalid",
        status=before.status,
    )
    assert updated.phone == "040 999 1234" and updated.email == "testi@example.invalid"
    rows = logged_since(ws, seq)
    client_cols = sorted(col for tbl, row_id, col, _ in rows if tbl == "clients")
    assert client_cols == ["email", "phone"]
    assert all(row_id == client_id for tbl, row_id, _, _ in rows if tbl == "clients")
    assert {tbl for tbl, *_ in rows} == {"clients", "audit_events"}
    assert len({tx for *_, tx in rows}) == 1  # the change and its audit event together
    stored = clients.get_client(ws, client_id)
    assert (stored.phone, stored.email, stored.first_name) == (
        "040 999 1234",
        "testi@example.invalid",
        before.first_name,
    )


def test_an_edit_is_audited_by_column_names_only(ws: Workspace) -> None:
    client_id = a_client(ws)
    clients.update_client(ws, client_id, phone="040 999 1234", postal_code="70100")
    event = audit.events_for(ws, "clients", client_id)[-1]
    assert event["action"] == "change"
    assert event["actor"] == "testi.valmentaja"
    assert set(event["detail"].split(",")) == {"phone", "postal_code"}
    assert "040" not in event["detail"]


def test_nothing_changed_writes_nothing(ws: Workspace) -> None:
    client_id = a_client(ws)
    current = clients.get_client(ws, client_id)
    seq = last_seq(ws)
    clients.update_client(ws, client_id, phone=current.phone, status=current.status)
    assert logged_since(ws, seq) == []


def test_a_wrong_check_character_is_refused_naming_the_expected_one(ws: Workspace) -> None:
    client_id = a_client(ws)
    good = synthetic_hetu(date(1985, 6, 7), 977)
    expected = expected_check_character(good)
    wrong = good[:-1] + ("X" if expected != "X" else "Y")
    seq = last_seq(ws)
    with pytest.raises(ClientError) as caught:
        clients.update_client(ws, client_id, henkilotunnus=wrong, phone="040 111 2222")
    error = caught.value
    assert error.code == "hetu_check" and error.field == "henkilotunnus"
    message = str(error)
    assert f"should be {expected}" in message
    assert "\n" not in message
    assert wrong not in message and good[:10] not in message  # no personal data
    assert error.__cause__ is None and error.__suppress_context__  # no input in a traceback
    assert logged_since(ws, seq) == []
    assert clients.get_client(ws, client_id).phone != "040 111 2222"


def test_other_invalid_values_are_refused_in_one_line(ws: Workspace) -> None:
    client_id = a_client(ws)
    seq = last_seq(ws)
    for changes, code, field in (
        ({"first_name": ""}, "invalid_field", "first_name"),
        ({"municipality": "999"}, "municipality_unknown", "municipality"),
        ({"postal_code": "701"}, "postal_code", "postal_code"),
        ({"phone": "040 abc"}, "phone", "phone"),
        ({"phone": "0401"}, "phone", "phone"),
        ({"scope": "lappi"}, "fixed_field", "scope"),
    ):
        with pytest.raises(ClientError) as caught:
            clients.update_client(ws, client_id, **changes)
        assert (caught.value.code, caught.value.field) == (code, field)
        assert "\n" not in str(caught.value)
    assert logged_since(ws, seq) == []


def test_a_phone_number_is_checked_on_creation_and_change_as_import_checks_it(
    ws: Workspace,
) -> None:
    """Issue 14: one rule (`validate_phone`) for a typed and an imported phone number; a
    number stored before the rule is not checked again when another field changes."""
    seq = last_seq(ws)
    with pytest.raises(ClientError) as caught:
        clients.create_client(ws, first_name="Testi", last_name="Puhelin", phone="040 abc")
    assert (caught.value.code, caught.value.field) == ("phone", "phone")
    assert "040" not in str(caught.value)  # the value is never repeated
    assert logged_since(ws, seq) == []
    created = clients.create_client(
        ws, first_name="Testi", last_name="Puhelin", phone=" +358 (40) 123-4567 "
    )
    assert created.phone == "+358 (40) 123-4567"
    with ws.store.replica.transaction(ws.user) as tx:  # a number from before the rule
        tx.update("clients", created.id, {"phone": "040 1"})
    assert clients.update_client(ws, created.id, last_name="Puhelinen").phone == "040 1"


def test_a_henkilotunnus_another_live_client_has_is_refused(ws: Workspace) -> None:
    first, second = a_client(ws, 0), a_client(ws, 1)
    taken = clients.get_client(ws, second).henkilotunnus
    assert taken
    seq = last_seq(ws)
    with pytest.raises(ClientError) as caught:
        clients.update_client(ws, first, henkilotunnus=taken.lower(), phone="040 111 2222")
    assert caught.value.code == "duplicate_hetu"
    assert caught.value.field == "henkilotunnus"
    assert taken not in str(caught.value)
    assert logged_since(ws, seq) == []


def test_a_henkilotunnus_of_an_erased_client_may_be_reused(ws: Workspace) -> None:
    first, second = a_client(ws, 0), a_client(ws, 1)
    taken = clients.get_client(ws, second).henkilotunnus
    erasure.erase_client(as_role(ws, "supervisor"), second)
    updated = clients.update_client(ws, first, henkilotunnus=taken)
    assert updated.henkilotunnus == taken


def test_a_new_henkilotunnus_brings_its_birth_date_and_sex(ws: Workspace) -> None:
    client_id = a_client(ws)
    new = synthetic_hetu(date(1988, 2, 29), 944)  # even individual number: female
    updated = clients.update_client(ws, client_id, henkilotunnus=new)
    assert updated.birth_date == date(1988, 2, 29)
    assert (updated.sex, updated.gender) == ("female", "woman")
    stored = clients.get_client(ws, client_id)
    assert (stored.henkilotunnus, stored.birth_date) == (new, date(1988, 2, 29))


def test_an_erased_or_deleted_client_is_not_found(ws: Workspace) -> None:
    erased, deleted = a_client(ws, 0), a_client(ws, 1)
    erasure.erase_client(as_role(ws, "supervisor"), erased)
    with ws.store.replica.transaction(ws.user) as tx:
        tx.delete("clients", deleted)
    seq = last_seq(ws)
    for client_id in (erased, deleted):
        with pytest.raises(ClientError) as caught:
            clients.update_client(ws, client_id, phone="040 111 2222")
        assert caught.value.code == "not_found"
    assert logged_since(ws, seq) == []


def test_a_client_outside_the_devices_scopes_is_refused(ws: Workspace) -> None:
    outside = clients.create_client(ws, first_name="Testi", last_name="Lappilainen", scope="lappi")
    with ws.store.replica.db.transaction():  # the office enrolled this laptop for kuopio only
        ws.store.replica.set_state("enrolled_role", "coach")
        ws.store.replica.set_state("enrolled_scopes", '["kuopio"]')
    seq = last_seq(ws)
    with pytest.raises(PermissionDenied):
        clients.update_client(ws, outside.id, phone="040 111 2222")
    assert logged_since(ws, seq) == []


def test_a_coordinator_may_not_change_a_client(ws: Workspace) -> None:
    seq = last_seq(ws)
    with pytest.raises(PermissionDenied) as caught:
        clients.update_client(as_role(ws, "coordinator"), a_client(ws), phone="040 111 2222")
    assert caught.value.action == "edit_client"
    assert logged_since(ws, seq) == []
