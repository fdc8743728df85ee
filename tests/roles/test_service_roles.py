"""Roles in the services layer: every role × the actions that matter, refused or done.

One database holds a client and an employer made by a supervisor; each test opens it as
another role (the same file, another config), as a script or a tampered screen would.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from kenttä.config import Config
from kenttä.services.clients import assessments, notes, plans
from kenttä.services.clients import core as clients
from kenttä.services.context import Workspace
from kenttä.services.employers import core as employers
from kenttä.services.employers import placements, visits
from kenttä.services.roles import PERMISSIONS, PermissionDenied, allowed, own_scopes, role_of
from kenttä.services.sync import status as sync_status
from kenttä.services.transfer import csv_import, export
from kenttä.store.db import open_store

TODAY = date(2026, 3, 2)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "roles.db"
    ws = as_role(path, "supervisor")
    client = clients.create_client(ws, first_name="Testi", last_name="Asiakas", scope="kuopio")
    clients.create_client(ws, first_name="Testi", last_name="Lappilainen", scope="lappi")
    employer = employers.create_employer(ws, name="Testi Oy", scope="kuopio")
    notes.add_note(ws, client.id, "tapaaminen: työkokeilu sovittu")
    plans.add_step(ws, client.id, description="työkokeilu", due_date=TODAY, today=TODAY)
    ws.store.replica.set_state("ids", json.dumps({"client": client.id, "employer": employer.id}))
    ws.close()
    yield path


def as_role(path: Path, role: str, **state: str) -> Workspace:
    ws = Workspace(open_store(path), Config(user=f"testi.{role}", role=role, scope="kuopio"))
    with ws.store.replica.db.transaction():
        for key, value in state.items():
            ws.store.replica.set_state(key, value)
    return ws


def ids(ws: Workspace) -> dict[str, str]:
    return json.loads(ws.store.replica.state("ids") or "{}")


def lappi_client(ws: Workspace) -> str:
    row = ws.store.conn.execute("SELECT id FROM clients WHERE scope = 'lappi'").fetchone()
    return str(row[0])


# action -> a call doing it on the fixture's data
CALLS: dict[str, Callable[[Workspace], Any]] = {
    "create_client": lambda ws: clients.create_client(ws, first_name="Uusi", last_name="Asiakas"),
    "update_client": lambda ws: clients.update_client(ws, ids(ws)["client"], phone="040 100 0001"),
    "set_status": lambda ws: clients.set_status(ws, ids(ws)["client"], "participating"),
    "record_exit": lambda ws: clients.record_exit(
        ws, ids(ws)["client"], exit_date=TODAY, outcome="job"
    ),
    "get_client": lambda ws: clients.get_client(ws, ids(ws)["client"]),
    "list_clients": lambda ws: clients.list_clients(ws, query="Asiakas"),
    "client_card": lambda ws: clients.client_card(ws, ids(ws)["client"], today=TODAY),
    "add_note": lambda ws: notes.add_note(ws, ids(ws)["client"], "puhelu"),
    "list_notes": lambda ws: notes.list_notes(ws, ids(ws)["client"]),
    "save_assessment": lambda ws: assessments.save_assessment(
        ws, ids(ws)["client"], assessed_on=TODAY, ratings={"motivation": 4}
    ),
    "latest_assessment": lambda ws: assessments.latest(ws, ids(ws)["client"]),
    "save_plan": lambda ws: plans.save_plan(ws, ids(ws)["client"], goal="työ", today=TODAY),
    "plan_of": lambda ws: plans.plan_of(ws, ids(ws)["client"]),
    "add_placement": lambda ws: placements.add_placement(
        ws,
        client_id=ids(ws)["client"],
        employer_id=ids(ws)["employer"],
        kind="work_trial",
        start_date=TODAY,
    ),
    "create_employer": lambda ws: employers.create_employer(ws, name="Toinen Oy"),
    "set_sponsor": lambda ws: employers.set_sponsor(ws, ids(ws)["employer"], True),
    "log_visit": lambda ws: visits.log_visit(
        ws, employer_id=ids(ws)["employer"], visited_on=TODAY, purpose="needs_analysis"
    ),
    "export": lambda ws: export.write(ws, "employers", io.StringIO()),
    "export_rows": lambda ws: list(export.rows(ws, "employers")),
    "import_clients": lambda ws: csv_import.import_csv(
        ws, "clients", b"first_name,last_name\nTesti,Tuotu\n"
    ),
    "import_employers": lambda ws: csv_import.import_csv(ws, "employers", b"name\nTuotu Oy\n"),
    "open_lappi_client": lambda ws: clients.get_client(ws, lappi_client(ws)),
}
ALLOWED: dict[str, set[str]] = {
    "coach": set(CALLS) - {"export", "export_rows", "open_lappi_client"},
    "coordinator": {
        "get_client",
        "list_clients",
        "client_card",
        "add_placement",
        "create_employer",
        "set_sponsor",
        "log_visit",
        "import_employers",
    },
    "supervisor": set(CALLS),
}
ENROLLED = {"enrolled_scopes": '["kuopio"]'}  # scopes bind once the office enrolled the laptop


@pytest.mark.parametrize("action", sorted(CALLS))
@pytest.mark.parametrize("role", ["coach", "coordinator", "supervisor"])
def test_each_role_and_action(db: Path, role: str, action: str) -> None:
    ws = as_role(db, role, **ENROLLED)
    try:
        before = ws.store.conn.execute("SELECT count(*) FROM _changes").fetchone()[0]
        if action in ALLOWED[role]:
            CALLS[action](ws)
            return
        with pytest.raises(PermissionDenied) as refused:
            CALLS[action](ws)
        message = str(refused.value)
        assert "\n" not in message and role in message and "Testi" not in message
        after = ws.store.conn.execute("SELECT count(*) FROM _changes").fetchone()[0]
        assert after == before  # nothing written, not even an audit event
    finally:
        ws.close()


def test_a_coordinator_sees_the_summary_without_casework(db: Path) -> None:
    ws = as_role(db, "coordinator")
    try:
        card = clients.client_card(ws, ids(ws)["client"], today=TODAY)
        assert card.client.last_name == "Asiakas"
        assert card.notes == [] and card.plan is None and card.steps == []
        assert card.assessment is None and not card.has_draft
        assert plans.due_steps(ws, until=TODAY) == []  # Today shows no plan steps
        # a word from a note finds nothing for a coordinator; the name still does
        assert clients.list_clients(ws, query="työkokeilu") == []
        assert [r.last_name for r in clients.list_clients(ws, query="Asiakas")] == ["Asiakas"]
    finally:
        ws.close()
    coach = as_role(db, "coach")
    try:
        card = clients.client_card(coach, ids(coach)["client"], today=TODAY)
        assert card.notes and card.steps
        assert plans.due_steps(coach, until=TODAY)
        assert [r.last_name for r in clients.list_clients(coach, query="työkokeilu")] == ["Asiakas"]
    finally:
        coach.close()


def test_the_enrolled_role_counts_not_the_config(db: Path) -> None:
    """Editing the config to say supervisor gains nothing on a laptop enrolled as a coach."""
    ws = as_role(db, "supervisor", enrolled_role="coach", **ENROLLED)
    try:
        assert role_of(ws) == "coach"
        with pytest.raises(PermissionDenied, match="role is coach"):
            export.write(ws, "employers", io.StringIO())
        with pytest.raises(PermissionDenied):
            clients.get_client(ws, lappi_client(ws))
    finally:
        ws.close()


def test_enrolled_scopes_are_the_devices_own(db: Path) -> None:
    ws = as_role(db, "coach", enrolled_role="coach", enrolled_scopes='["kuopio", "lappi"]')
    try:
        assert own_scopes(ws) == {"kuopio", "lappi"}
        assert clients.get_client(ws, lappi_client(ws)).last_name == "Lappilainen"
    finally:
        ws.close()


def test_a_standalone_laptop_holds_only_its_own(db: Path) -> None:
    """Before enrolment (demo, seeded or imported caseload) every scope on it is its own."""
    ws = as_role(db, "coach")
    try:
        assert own_scopes(ws) is None
        assert clients.get_client(ws, lappi_client(ws)).last_name == "Lappilainen"
    finally:
        ws.close()


def test_import_refuses_rows_of_another_scope_line_by_line(db: Path) -> None:
    ws = as_role(db, "coach", **ENROLLED)
    data = b"first_name,last_name,scope\nTesti,Oma,kuopio\nTesti,Vieras,lappi\n"
    try:
        result = csv_import.import_csv(ws, "clients", data)
        assert result.imported == 1
        assert [(e.line, e.reason) for e in result.errors] == [
            (3, "scope: outside this device's scopes")
        ]
    finally:
        ws.close()
    boss = as_role(db, "supervisor", **ENROLLED)
    try:
        assert csv_import.import_csv(boss, "clients", data).errors == []
    finally:
        boss.close()


def test_only_a_supervisor_resolves_a_conflict(db: Path) -> None:
    ws = as_role(db, "coach")
    try:
        with pytest.raises(PermissionDenied, match="resolve conflicts"):
            sync_status.resolve(ws, "no-such-conflict", choose="a")
    finally:
        ws.close()
    boss = as_role(db, "supervisor")
    try:
        with pytest.raises(sync_status.ConflictError):
            sync_status.resolve(boss, "no-such-conflict", choose="a")
    finally:
        boss.close()


def test_the_table_is_sane_for_a_day_in_the_field() -> None:
    assert set(PERMISSIONS) >= {"export_table", "erase_client", "resolve_conflict"}
    for action in ("export_table", "erase_client", "resolve_conflict", "purge"):
        assert not allowed("coach", action) and not allowed("coordinator", action)
    for action in ("view_client", "edit_employer", "record_placement", "import_employers"):
        assert allowed("coordinator", action)
    for action in ("view_notes", "write_note", "edit_client", "record_outcome"):
        assert not allowed("coordinator", action) and allowed("coach", action)
    assert all(allowed("supervisor", action) for action in PERMISSIONS)
