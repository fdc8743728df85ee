"""Segments are synced (issue 15 point 8): a supervisor's list reaches the coaches' laptops,
a coach's choice of segment reaches the office, and only a supervisor's device may change
the list (the office refuses a coach's write of it, whatever the laptop's services do)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from kenttä_sync.transport.server import create_app

from kenttä.services.clients import segments
from kenttä.services.clients.core import create_client, get_client
from kenttä.services.clients.screening import Screening
from kenttä.services.clients.screening_rows import screen_clients
from kenttä.services.roles import PermissionDenied
from kenttä.store.schema import SCHEMA
from tests.roles.helpers import central_value, rejected
from tests.roles.test_server_roles import Office


@pytest.fixture
def office(tmp_path: Path) -> Iterator[Office]:
    url = f"sqlite:{tmp_path / 'central.db'}"
    with TestClient(create_app(url, SCHEMA)) as client:
        made = Office(client, url, tmp_path)
        yield made
        made.close()


def test_the_list_and_a_clients_segment_travel_by_sync(office: Office) -> None:
    boss = office.device("boss", "supervisor", ["kuopio"])
    coach = office.device("coach", "coach", ["kuopio"])
    segments.add_segment(boss, "youth", "Nuoret", "Unga", "Young people")
    segments.add_segment(boss, "old", "Vanha")
    segments.retire_segment(boss, "old", on=date(2026, 1, 1))
    office.sync(boss, coach)
    assert [s.code for s in segments.list_segments(coach)] == ["youth"]
    client_id = create_client(coach, first_name="Testi", last_name="Segmentti").id
    segments.set_segment(coach, client_id, "youth")
    office.sync(coach, boss)
    assert get_client(boss, client_id).segment == "youth"
    found = screen_clients(boss, Screening(segment="youth"))
    assert [r.id for r in found] == [client_id]
    assert set(office.statuses) == {200}


def test_a_coach_laptop_cannot_change_the_list(office: Office) -> None:
    coach = office.device("coach", "coach", ["kuopio"])
    with pytest.raises(PermissionDenied):
        segments.add_segment(coach, "mine", "Oma")
    with coach.store.replica.transaction(coach.user) as tx:  # past the services' check
        tx.insert("segments", {"code": "mine", "name_fi": "Oma", "scope": "kuopio"})
    office.sync(coach)
    assert rejected(coach)
    assert central_value(office.url, "SELECT count(*) FROM segments") == [(0,)]
