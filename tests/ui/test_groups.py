"""Group coaching and client teams by keyboard (issue 15 points 4 and 7), proved by the
database: a group, a session and three attendees made by keys, attendance marked with Space
and each attendee's timeline holding the group note; a co-worker added on the card and the
client then on that co-worker's Today and in their "my clients" list; the session at 80×24.
"""

from __future__ import annotations

import json

import pytest

from kenttä.config import Config
from kenttä.services import groups
from kenttä.services.clients import ClientFilters, list_clients
from kenttä.services.context import Workspace
from tests.ui.caseload import TODAY
from tests.ui.conftest import settle
from tests.ui.screens_i18n import fixed_zone
from tests.ui.writes import SIZE, open_client, records, screen_name, tab_to, tables_changed

ATTENDEES = (("Heikkinen Aino", 0), ("Korhonen Eero", 1), ("Laitinen Helmi", 2))
HELMI = 2  # a plan step due in two days, owner testi.valmentaja


def _group_notes(ws, client_id: str) -> list[tuple[str, str, str]]:
    return ws.store.conn.execute(
        "SELECT kind, body, written_at FROM notes WHERE client_id = ? AND kind = 'group'",
        (client_id,),
    ).fetchall()


async def test_attendance_marked_by_keys_writes_a_group_note_on_each_timeline(make_app):
    app = make_app()
    ws = app.ws
    before = records(ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        assert screen_name(pilot) == "GroupsScreen"
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"Tiistairyhmä", "tab", *"TOPI", "tab", *"Kirjasto")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("enter")  # the new group's sessions
        await settle(pilot)
        assert screen_name(pilot) == "GroupSessionsScreen"
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("tab", *"Työnhaku verkossa", "ctrl+s")
        await settle(pilot)
        assert screen_name(pilot) == "GroupSessionScreen"
        for name, _ in ATTENDEES:
            await pilot.press("a")
            await settle(pilot)
            await pilot.press(*name)
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
        table = app.screen.query_one("#attendees-table")
        assert table.row_count == 3
        table.move_cursor(row=0)
        await pilot.press("space")
        await settle(pilot)
        await pilot.press("down", "space")
        await settle(pilot)
        await pilot.press("down", "space")
        await settle(pilot)
    after = records(ws)
    # one group, one session, three attendance rows and three notes: nothing else
    assert tables_changed(before, after) == {"notes": 3}
    (group,) = groups.list_groups(ws)
    assert (group["name"], group["programme"], group["place"]) == (
        "Tiistairyhmä",
        "TOPI",
        "Kirjasto",
    )
    (session,) = groups.sessions_of(ws, group["id"])
    assert (session["topic"], session["held_on"], session["place"]) == (
        "Työnhaku verkossa",
        TODAY.isoformat(),
        "Kirjasto",
    )
    attendees = groups.attendees_of(ws, session["id"])
    assert {a["client_id"] for a in attendees} == {ws.ids["clients"][i] for _, i in ATTENDEES}
    assert all(a["present"] for a in attendees)
    for _, index in ATTENDEES:
        client_id = ws.ids["clients"][index]
        (note,) = _group_notes(ws, client_id)
        assert note[0] == "group"
        assert note[1].startswith("Tiistairyhmä: Työnhaku verkossa · Kirjasto")
        assert note[2].startswith(TODAY.isoformat())
        marked = next(a for a in attendees if a["client_id"] == client_id)
        assert marked["note_id"] is not None
    # nobody else got a group note
    assert ws.store.conn.execute("SELECT count(*) FROM notes WHERE kind = 'group'").fetchone() == (
        3,
    )


def _coworker(ws) -> Workspace:
    """The same laptop's database as a psychologist (a coach's role) sees it."""
    return Workspace(ws.store, Config(user="liisa.psykologi", scope="kuopio", role="coach"))


async def _today_client_ids(app) -> set[str]:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert screen_name(pilot) == "TodayScreen"
        assert app.screen.mine_only  # a coach's Today is their own clients
        options = app.screen.query_one("#today-list")
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
    return {i.split(":")[1] for i in ids if i and i.startswith("client:")}


async def test_a_coworker_added_on_the_card_sees_the_client_on_today_and_in_my_clients(
    make_app, caseload_ws
):
    from kenttä.ui.app import KenttaApp

    helmi = caseload_ws.ids["clients"][HELMI]
    liisa = _coworker(caseload_ws)
    # the control: before, the psychologist has no clients and an empty Today
    assert await _today_client_ids(KenttaApp(liisa, today=TODAY)) == set()
    assert list_clients(liisa, filters=ClientFilters(owner="liisa.psykologi")) == []

    app = make_app()
    before = records(app.ws)
    async with app.run_test(size=SIZE) as pilot:
        await open_client(pilot, "Laitinen Helmi")
        await pilot.press("t")
        await settle(pilot)
        assert screen_name(pilot) == "TeamForm"
        await pilot.press(
            *"liisa.psykologi", "ctrl+s"
        )  # the role: psychologist (the first offered)
        await settle(pilot)
        assert screen_name(pilot) == "ClientCardScreen"
        summary = str(app.screen.query_one("#summary-text").render())
        assert "liisa.psykologi (Psykologi)" in summary
    assert records(app.ws) == before  # no client, note or plan changed: only the team
    rows = app.ws.store.conn.execute(
        "SELECT client_id, member, role FROM client_team WHERE _deleted IS NULL"
    ).fetchall()
    assert rows == [(helmi, "liisa.psykologi", "psychologist")]

    assert helmi in await _today_client_ids(KenttaApp(liisa, today=TODAY))
    mine = list_clients(liisa, filters=ClientFilters(owner="liisa.psykologi"))
    assert [row.id for row in mine] == [helmi]


async def test_a_coworker_removed_by_keys_leaves_the_team(make_app, caseload_ws):
    from kenttä.services.clients import team

    helmi = caseload_ws.ids["clients"][HELMI]
    team.add_member(caseload_ws, helmi, "liisa.psykologi", "psychologist")
    team.add_member(caseload_ws, helmi, "pekka.th", "nurse")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_client(pilot, "Laitinen Helmi")
        await pilot.press("t")
        await settle(pilot)
        app.screen.query_one("#team-members").focus()
        await pilot.press("down", "delete")  # the second: pekka.th
        await settle(pilot)
    assert [m["user"] for m in team.team_of(caseload_ws, helmi)] == ["liisa.psykologi"]


def _session_with_three(ws) -> str:
    """A group, one session at TODAY and three attendees, the first two marked present."""
    group = groups.create_group(ws, name="Tiistairyhmä", programme="TOPI", place="Kirjasto")
    session = groups.create_session(ws, group.id, held_on=TODAY, topic="Työnhaku verkossa")
    rows = [groups.add_attendee(ws, session.id, ws.ids["clients"][i]) for _, i in ATTENDEES]
    for row in rows[:2]:
        groups.set_present(ws, row.id, True)
    return session.id


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_snapshot_group_session_80x24(snap_compare, make_app, caseload_ws, monkeypatch, language):
    fixed_zone(monkeypatch)
    _session_with_three(caseload_ws)

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        await pilot.press("enter")  # the group's sessions
        await settle(pilot)
        await pilot.press("enter")  # the session: its attendance
        await settle(pilot)

    assert snap_compare(make_app(language), terminal_size=SIZE, run_before=run_before)


async def test_the_assessment_form_picks_who_took_part_from_the_team(make_app, caseload_ws):
    from kenttä.services.clients import team

    helmi = caseload_ws.ids["clients"][HELMI]
    team.add_member(caseload_ws, helmi, "liisa.psykologi", "psychologist")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_client(pilot, "Laitinen Helmi")
        await pilot.press("a")
        await settle(pilot)
        picks = await tab_to(pilot, "team-assessors")
        assert [str(picks.get_option_at_index(i).prompt) for i in range(picks.option_count)] == [
            "testi.valmentaja",
            "liisa.psykologi",
        ]
        await pilot.press("down", "space")  # liisa.psykologi took part
        await tab_to(pilot, "assessors")
        await pilot.press(*"sosiaalityö")
        await tab_to(pilot, "rate-work_ability")
        await pilot.press("3", "ctrl+s")
        await settle(pilot)
        assert screen_name(pilot) == "ClientCardScreen"
    (assessors,) = app.ws.store.conn.execute(
        "SELECT assessors FROM assessments WHERE client_id = ? ORDER BY id DESC LIMIT 1", (helmi,)
    ).fetchone()
    assert json.loads(assessors) == ["liisa.psykologi", "sosiaalityö"]
