"""Issue 12, seen 5 / build 3: the office's policy per role and table/column, declared once
in kenttä's sync schema (store/schema.py `POLICIES`), for reads and writes.

A coordinator's laptop receives clients' names and contact data, employers, visits and
placements, never a note, an assessment or a client's other columns; its writes outside
the policy (a note, a client renamed) are refused with a reason the laptop records and
shows. Over HTTP and by bundle, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import date

from kenttä.services.clients.assessments import save_assessment
from kenttä.services.clients.core import create_client, update_client
from kenttä.services.clients.notes import add_note
from kenttä.services.employers.core import create_employer
from kenttä.services.sync import client as sync_client
from tests.security.trust_helpers import Office, local_rejected, reasons

WORDS = "Testimuistiinpano luottamuksellinen"


def _sync(office: Office, ws, via: str) -> None:
    if via == "http":
        office.sync(ws)
    else:
        office.bundle_sync(ws)


def _casework(office: Office) -> str:
    coach = office.laptop("coach", "coach", ["kuopio"])
    client = create_client(
        coach, first_name="Testi", last_name="Asiakas", phone="0401234567",
        benefit_days=600, henkilotunnus="010190-900P", scope="kuopio",
    )  # fmt: skip
    add_note(coach, client.id, WORDS)
    save_assessment(coach, client.id, assessed_on=date(2026, 1, 5), ratings={}, strengths=WORDS)
    create_employer(coach, name="Testi Oy", scope="kuopio")
    office.sync(coach)
    return client.id


def test_a_coordinator_receives_only_what_its_role_may_read(office: Office, via: str) -> None:
    client_id = _casework(office)
    coordinator = office.laptop("coordinator", "coordinator", ["kuopio"])
    _sync(office, coordinator, via)
    conn = coordinator.store.conn

    assert conn.execute("SELECT count(*) FROM notes").fetchone() == (0,)
    assert conn.execute("SELECT count(*) FROM assessments").fetchone() == (0,)
    row = conn.execute(
        "SELECT first_name, last_name, phone, henkilotunnus, benefit_days FROM clients"
        " WHERE id = ?",
        (client_id,),
    ).fetchone()
    assert row == ("Testi", "Asiakas", "0401234567", None, None)
    assert conn.execute("SELECT name FROM employers").fetchall() == [("Testi Oy",)]
    words = conn.execute("SELECT count(*) FROM _changes WHERE value LIKE '%luottamuksellinen%'")
    assert words.fetchone() == (0,)
    coach = office.opened[0]  # the casework laptop: its later changes of columns the
    # coordinator may not read do not arrive either
    update_client(coach, client_id, benefit_days=700, phone="0409999999")
    office.sync(coach)
    _sync(office, coordinator, via)
    assert conn.execute(
        "SELECT phone, benefit_days FROM clients WHERE id = ?", (client_id,)
    ).fetchone() == ("0409999999", None)
    assert conn.execute("SELECT count(*) FROM _changes WHERE col = 'benefit_days'").fetchone() == (
        0,
    )
    # the coach, whose role reads everything, still gets it all back on a fresh laptop
    other = office.laptop("coach2", "coach", ["kuopio"])
    office.sync(other)
    assert other.store.conn.execute("SELECT count(*) FROM notes").fetchone() == (1,)


def test_a_coordinators_writes_outside_its_policy_are_refused(office: Office, via: str) -> None:
    client_id = _casework(office)
    coordinator = office.laptop("coordinator", "coordinator", ["kuopio"])
    _sync(office, coordinator, via)
    replica = coordinator.store.replica
    with replica.transaction(coordinator.user) as tx:  # past the services' own check
        tx.update("clients", client_id, {"last_name": "Uusinimi"})
    with replica.transaction(coordinator.user) as tx:
        tx.insert(
            "notes",
            {"scope": "kuopio", "client_id": client_id, "author": "x", "kind": "meeting",
             "written_at": "2026-01-05T10:00:00", "body": "Testi"},
        )  # fmt: skip
    employer = create_employer(coordinator, name="Koordinaattorin Oy", scope="kuopio")
    _sync(office, coordinator, via)

    reasons = local_rejected(coordinator)
    assert "a coordinator's device may not write clients" in reasons
    assert "a coordinator's device may not write notes" in reasons
    assert office.rows("SELECT last_name FROM clients WHERE id = ?", (client_id,)) == [("Asiakas",)]
    assert office.rows("SELECT count(*) FROM notes") == [(1,)]
    assert office.rows("SELECT name FROM employers WHERE id = ?", (employer.id,)) == [
        ("Koordinaattorin Oy",)
    ]  # what the role may write applies
    shown = sync_client.refused(coordinator)  # what `kenttä sync` lists as refused
    assert {r["table"] for r in shown} == {"clients", "notes"}


def test_a_final_voucher_status_only_by_a_role_that_writes_vouchers(
    office: Office, via: str
) -> None:
    coach = office.tampered("coach", "coach", ["kuopio"])
    voucher = {
        "scope": "kuopio", "number": "KUO-TEST-1", "client_id": "c1", "service_code": "coaching",
        "value_cents": 10000, "issued_on": "2026-01-05", "valid_until": "2026-03-05",
        "status": "issued", "issued_by": "testi.coach",
    }  # fmt: skip
    assert (
        coach.push([coach.change("vouchers", "v1", "insert", value=voucher)], via)["rejected"] == []
    )
    coordinator = office.tampered("coordinator", "coordinator", ["kuopio"])
    result = coordinator.push(
        [coordinator.change("vouchers", "v1", "update", "status", "cancelled")], via
    )
    assert reasons(result) == ["a coordinator's device may not write vouchers"]
    assert office.rows("SELECT status FROM vouchers") == [("issued",)]
    result = coach.push([coach.change("vouchers", "v1", "update", "status", "cancelled")], via)
    assert result["rejected"] == []
    assert office.rows("SELECT status FROM vouchers") == [("cancelled",)]
