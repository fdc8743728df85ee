"""What group attendance and teams refuse, and what each write leaves behind."""

from __future__ import annotations

from datetime import date

import pytest

from kenttä.config import Config
from kenttä.services import groups
from kenttä.services.clients import core as clients
from kenttä.services.clients import plans, team
from kenttä.services.context import Workspace
from kenttä.services.groups import GroupError
from kenttä.services.roles import PermissionDenied
from kenttä.services.today import today_summary

DAY = date(2026, 3, 16)


@pytest.fixture
def coach(store) -> Workspace:
    return Workspace(store, Config(user="testi.valmentaja", role="coach", scope="kuopio"))


def _count(ws: Workspace, table: str) -> int:
    return ws.store.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def _session(ws: Workspace):
    group = groups.create_group(ws, name="Ryhmä", place="Kirjasto")
    return groups.create_session(ws, group.id, held_on=DAY, topic="CV")


def test_marking_twice_writes_one_note_and_undoing_corrects_it(coach):
    person = clients.create_client(coach, first_name="Testi", last_name="Yksi")
    row = groups.add_attendee(coach, _session(coach).id, person.id)
    note = groups.set_present(coach, row.id, True)
    assert groups.set_present(coach, row.id, True) is None  # already present: nothing new
    assert _count(coach, "notes") == 1
    correction = groups.set_present(coach, row.id, False)
    rows = dict(coach.store.conn.execute("SELECT id, corrects FROM notes").fetchall())
    assert rows == {note: None, correction: note}  # the mark's note, and its correction
    audits = coach.store.conn.execute(
        "SELECT record_table, action, detail FROM audit_events"
        " WHERE record_table IN ('notes', 'group_attendance') ORDER BY at, id"
    ).fetchall()
    assert ("group_attendance", "change", "present") in audits
    assert ("notes", "create", "group") in audits


def test_a_client_attends_a_session_once(coach):
    person = clients.create_client(coach, first_name="Testi", last_name="Kaksi")
    session = _session(coach)
    groups.add_attendee(coach, session.id, person.id)
    with pytest.raises(GroupError) as info:
        groups.add_attendee(coach, session.id, person.id)
    assert info.value.code == "attendee_already"
    assert _count(coach, "group_attendance") == 1


def test_a_session_needs_a_topic_and_a_live_group(coach):
    group = groups.create_group(coach, name="Ryhmä")
    with pytest.raises(GroupError) as info:
        groups.create_session(coach, group.id, held_on=DAY, topic="  ")
    assert info.value.code == "group_invalid"
    with pytest.raises(GroupError) as info:
        groups.create_session(coach, "no-such-group", held_on=DAY, topic="CV")
    assert info.value.code == "no_group"
    assert _count(coach, "group_sessions") == 0


def test_a_coordinator_neither_reads_nor_writes_group_coaching(coach, store):
    session = _session(coach)
    coordinator = Workspace(store, Config(user="testi.koord", role="coordinator", scope="kuopio"))
    with pytest.raises(PermissionDenied):
        groups.attendees_of(coordinator, session.id)
    with pytest.raises(PermissionDenied):
        groups.create_group(coordinator, name="Ryhmä")


def test_team_refusals_leave_nothing_behind(coach):
    person = clients.create_client(coach, first_name="Testi", last_name="Kolme")
    team.add_member(coach, person.id, "liisa.psykologi", "psychologist")
    for user, role, code in (
        ("liisa.psykologi", "nurse", "team_already"),
        ("  ", "nurse", "team_no_user"),
        ("pekka.th", "astrologer", "team_bad_role"),
    ):
        with pytest.raises(team.TeamError) as info:
            team.add_member(coach, person.id, user, role)
        assert info.value.code == code
    with pytest.raises(team.TeamError) as info:
        team.remove_member(coach, person.id, "pekka.th")
    assert info.value.code == "team_not_member"
    assert _count(coach, "client_team") == 1


def test_a_coworker_has_the_client_on_today_and_among_assessors(coach, store):
    person = clients.create_client(
        coach, first_name="Testi", last_name="Neljä", owner="testi.valmentaja"
    )
    plans.save_plan(coach, person.id, goal="Työ", today=DAY)
    plans.add_step(coach, person.id, description="CV", due_date=DAY, today=DAY)
    assert today_summary(coach, today=DAY, owner="liisa.psykologi").steps_due == []
    team.add_member(coach, person.id, "liisa.psykologi", "psychologist")
    due = today_summary(coach, today=DAY, owner="liisa.psykologi").steps_due
    assert [s["client_id"] for s in due] == [person.id]
    assert team.assessors_of(coach, person.id) == ["testi.valmentaja", "liisa.psykologi"]
    team.remove_member(coach, person.id, "liisa.psykologi")
    assert today_summary(coach, today=DAY, owner="liisa.psykologi").steps_due == []


def test_a_laptop_upgraded_from_schema_4_keeps_groups_and_teams(tmp_path):
    from kenttä.store.db import open_store

    old = open_store(tmp_path / "old.db", target_version=4)
    person_id = "01900000-0000-7000-8000-000000000004"
    with old.conn:  # a client as a schema-4 laptop holds it (today's model has more columns)
        old.conn.execute(
            "INSERT INTO clients (id, scope, first_name, last_name, _stamp)"
            " VALUES (?, 'kuopio', 'Testi', 'Vanha', '0')",
            (person_id,),
        )
    old.close()
    new = open_store(tmp_path / "old.db")
    ws = Workspace(new, Config(user="testi.valmentaja", role="coach", scope="kuopio"))
    indexes = {r[0] for r in new.conn.execute("SELECT name FROM sqlite_master")}
    assert {"_ix_group_attendance_client_id", "_ix_client_team_client_id"} <= indexes
    row = groups.add_attendee(ws, _session(ws).id, person_id)
    assert groups.set_present(ws, row.id, True) is not None
    team.add_member(ws, person_id, "liisa.psykologi", "nurse")
    assert [m["user"] for m in team.team_of(ws, person_id)] == ["liisa.psykologi"]
    new.close()
