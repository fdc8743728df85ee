"""Group attendance and client teams reach the other laptop (issue 15 points 4 and 7).

Two laptops and a central store (SQLite and PostgreSQL), synced in process with the sync
module's protocol (as tests/privacy/test_erasure_sync.py): attendance marked on one
laptop shows on the other as the attendance rows and a group note on each attendee's
timeline; a co-worker put on a client's team on one laptop finds the client in their
"my clients" list on the other.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from kenttä.config import Config
from kenttä.services import groups
from kenttä.services.clients import ClientFilters, list_clients, list_notes, team
from kenttä.services.clients import core as clients
from kenttä.services.context import Workspace
from kenttä.store.db import open_store
from kenttä.store.schema import SCHEMA

DAY = date(2026, 3, 16)


def _devices(tmp_path: Path, store_url: str):
    from kenttä_sync.transport.protocol import in_process, sync
    from kenttä_sync.transport.server.stores import open_central

    central = open_central(store_url, SCHEMA)
    a = Workspace(
        open_store(tmp_path / "a.db"), Config(user="testi.valmentaja", role="coach", scope="kuopio")
    )
    b = Workspace(
        open_store(tmp_path / "b.db"), Config(user="liisa.psykologi", role="coach", scope="kuopio")
    )
    for ws in (a, b):
        central.register_device(ws.device_id, ["kuopio"])
    send = in_process(central)

    def sync_all() -> None:
        for ws in (a, b, a):
            sync(ws.store.replica, send)

    return central, a, b, sync_all


def test_attendance_marked_on_one_laptop_shows_on_every_timeline_of_the_other(tmp_path, store_url):
    central, a, b, sync_all = _devices(tmp_path, store_url)
    people = [
        clients.create_client(a, first_name=f"Testi{i}", last_name="Ryhmäläinen", owner=a.user)
        for i in range(3)
    ]
    group = groups.create_group(a, name="Tiistairyhmä", place="Kirjasto")
    session = groups.create_session(a, group.id, held_on=DAY, topic="Työnhaku verkossa")
    rows = [groups.add_attendee(a, session.id, p.id) for p in people]
    sync_all()
    # the control: on b the three attend but nobody has been marked, nor has a group note
    assert [x["present"] for x in groups.attendees_of(b, session.id)] == [False] * 3
    assert all(not list_notes(b, p.id) for p in people)

    notes = [groups.set_present(a, row.id, True) for row in rows]
    sync_all()

    on_b = groups.attendees_of(b, session.id)
    assert {x["client_id"] for x in on_b} == {p.id for p in people}
    assert all(x["present"] for x in on_b)
    assert {x["note_id"] for x in on_b} == set(notes)
    for person in people:
        (note,) = list_notes(b, person.id)
        assert note["kind"] == "group"
        assert note["author"] == "testi.valmentaja"
        assert note["body"].startswith("Tiistairyhmä: Työnhaku verkossa · Kirjasto")
    (listed,) = groups.sessions_of(b, group.id)
    assert (listed["attendees"], listed["present"]) == (3, 3)

    # b undoes one mark: the correction reaches a's timeline, the others stay present
    groups.set_present(b, on_b[0]["id"], False)
    sync_all()
    undone = on_b[0]["client_id"]
    timeline = list_notes(a, undone)
    assert [n["corrects"] for n in timeline] == [on_b[0]["note_id"], None]
    present = {x["client_id"]: x["present"] for x in groups.attendees_of(a, session.id)}
    assert present == {p.id: p.id != undone for p in people}
    central.close()
    a.close()
    b.close()


def test_a_coworker_added_on_one_laptop_has_the_client_on_theirs(tmp_path, store_url):
    central, a, b, sync_all = _devices(tmp_path, store_url)
    client = clients.create_client(a, first_name="Testi", last_name="Tiimiläinen", owner=a.user)
    sync_all()
    assert list_clients(b, filters=ClientFilters(owner=b.user)) == []  # the control

    team.add_member(a, client.id, b.user, "psychologist")
    sync_all()
    assert [r.id for r in list_clients(b, filters=ClientFilters(owner=b.user))] == [client.id]

    team.remove_member(a, client.id, b.user)
    sync_all()
    assert list_clients(b, filters=ClientFilters(owner=b.user)) == []
    central.close()
    a.close()
    b.close()
