"""Issue 12, seen 2 / build 1: a change's id, device and sequence must be the pushing
device's own (the device comes from its credential).

A push whose change ids are another laptop's next ids is refused, so that laptop keeps
saving and syncing (before: `UNIQUE constraint failed: _changes.change_id` on its every
write once it pulled them). A device that still receives a change in its own name (an
office of an older release) quarantines it instead of applying it.
"""

from __future__ import annotations

import sqlite3

from kenttä_sync.device import state as device_side
from kenttä_sync.device.quarantine import quarantined
from kenttä_sync.ground.changes import Change
from kenttä_sync.transport import protocol

from kenttä.services.clients.core import create_client, get_client, update_client
from kenttä.store.schema import SCHEMA
from tests.security.trust_helpers import Office, client_row, reasons


def test_another_laptops_change_ids_are_refused(office: Office, via: str) -> None:
    victim = office.laptop("victim", "coach", ["kuopio"])
    create_client(victim, first_name="Testi", last_name="Uhri", scope="kuopio")
    office.sync(victim)
    next_seq = int(victim.store.replica.state("device_seq") or 0) + 1
    coach = office.tampered("coach", "coach", ["kuopio"])
    row = client_row("kuopio", "Vieras")
    taken = [
        coach.change("clients", f"c{i}", "insert", value=row, change_id=f"{victim.device_id}:{i}")
        for i in range(next_seq, next_seq + 3)
    ]
    fine = coach.change("clients", "c-own", "insert", value=row)
    result = coach.push([*taken, fine], via)

    assert len(result["rejected"]) == 3
    assert all("change id must be the device's own" in r for r in reasons(result))
    assert office.rows("SELECT id FROM clients WHERE last_name = 'Vieras'") == [("c-own",)]

    office.sync(victim)  # pulls what the office has, then writes and syncs as before
    client = create_client(victim, first_name="Testi", last_name="Jatkaa", scope="kuopio")
    update_client(victim, client.id, phone="0401112222")
    office.sync(victim)
    assert office.rows("SELECT phone FROM clients WHERE id = ?", (client.id,)) == [("0401112222",)]
    assert get_client(victim, "c-own").last_name == "Vieras"  # the honest part arrived


def test_changes_of_another_device_are_refused_whole(office: Office) -> None:
    victim = office.laptop("victim", "coach", ["kuopio"])
    coach = office.tampered("coach", "coach", ["kuopio"])
    forged = coach.change("clients", "c1", "insert", value=client_row("kuopio", "Vieras"))
    forged = forged.model_copy(update={"device_id": victim.device_id})
    body = protocol.PushRequest(
        schema_name=SCHEMA.name, schema_version=SCHEMA.version, device_id=coach.device_id,
        changes=[forged],
    ).model_dump_json()  # fmt: skip
    answer = office.client.post("/v1/sync", content=body, headers={"Authorization": coach.bearer})
    assert answer.status_code == 409  # a device sends only its own sequence
    assert office.rows("SELECT count(*) FROM clients") == [(0,)]


def test_a_pulled_change_in_the_devices_own_name_is_quarantined(office: Office) -> None:
    laptop = office.laptop("laptop", "coach", ["kuopio"])
    replica = laptop.store.replica
    me = replica.device_id
    seq = int(replica.state("device_seq") or 0) + 1
    foreign = Change(
        change_id=f"{me}:{seq}", device_id="elsewhere", device_seq=7, table="clients",
        row_id="c9", column=None, op="insert",
        value=client_row("kuopio", "Vieras"),
        stamp="0000001700000000-00000-elsewhere", tx_id="tx-9", author="x",
    )  # fmt: skip
    device_side.apply_pull(replica, [foreign], device_side.cursor(replica) + 1)

    assert [q["change_id"] for q in quarantined(replica)] == [f"{me}:{seq}"]
    assert (
        laptop.store.conn.execute("SELECT count(*) FROM clients WHERE id = 'c9'").fetchone()[0] == 0
    )
    try:
        create_client(laptop, first_name="Testi", last_name="Oma", scope="kuopio")
    except sqlite3.IntegrityError as exc:  # pragma: no cover - the failure this prevents
        raise AssertionError(f"a local write failed: {exc}") from None
