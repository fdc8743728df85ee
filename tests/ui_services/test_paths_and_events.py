"""Issue 16, points 3, 6 and 8 as services: a placement path and the outcome it ends in,
the sponsor's start date (set, kept, cleared; a sponsor-agreement visit), information
events with client attendees."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from kenttä.services.clients import core as clients
from kenttä.services.employers import core as employers
from kenttä.services.employers import events, paths, placements, visits
from kenttä.services.privacy.erasure import erase_client
from kenttä.services.roles import PermissionDenied
from tests.ui.caseload import TODAY

START = TODAY - timedelta(days=200)


def _path(ws, client_id: str) -> list[str]:
    """Work trial → wage-subsidised job (another employer) → job; the placements' ids."""
    e = ws.ids["employers"]
    trial = placements.add_placement(
        ws, client_id=client_id, employer_id=e[1], kind="work_trial",
        start_date=START, end_date=START + timedelta(days=60),
    )  # fmt: skip
    subsidy = placements.add_placement(
        ws, client_id=client_id, employer_id=e[1], kind="wage_subsidised_job",
        start_date=START + timedelta(days=61), end_date=START + timedelta(days=150),
        follows=trial.id,
    )  # fmt: skip
    job = placements.add_placement(
        ws, client_id=client_id, employer_id=e[3], kind="job",
        start_date=START + timedelta(days=151), follows=subsidy.id,
    )  # fmt: skip
    return [trial.id, subsidy.id, job.id]


def test_work_trial_wage_subsidy_job_is_one_path_that_ends_in_job(ws):
    client_id = ws.ids["clients"][5]
    ids = _path(ws, client_id)
    found = paths.paths_for_client(ws, client_id)
    assert len(found) == 1
    assert [s["id"] for s in found[0].steps] == ids
    assert found[0].kinds == ["work_trial", "wage_subsidised_job", "job"]
    assert found[0].outcome(TODAY) == "job"
    assert paths.outcome_from_paths(ws, client_id, TODAY) == "job"
    # the path's end feeds the exit: the outcome it suggests is the one recorded
    suggested = paths.outcome_from_paths(ws, client_id, TODAY)
    clients.record_exit(ws, client_id, exit_date=TODAY, outcome=suggested)
    assert clients.get_client(ws, client_id).outcome == "job"


def test_the_employer_card_shows_the_whole_path_of_a_step_there(ws):
    client_id = ws.ids["clients"][5]
    ids = _path(ws, client_id)
    card = employers.employer_card(ws, ws.ids["employers"][3])  # only the job is here
    (path,) = [p for p in card.paths if p.first["client_id"] == client_id]
    assert [s["id"] for s in path.steps] == ids
    first_employer = employers.employer_card(ws, ws.ids["employers"][1])
    assert [[s["id"] for s in p.steps] for p in first_employer.paths if p.last["id"] in ids] == [
        ids
    ]


def test_a_path_that_ended_suggests_no_outcome(ws):
    client_id = ws.ids["clients"][5]
    placements.add_placement(
        ws, client_id=client_id, employer_id=ws.ids["employers"][1], kind="work_trial",
        start_date=START, end_date=START + timedelta(days=30),
    )  # fmt: skip
    assert paths.outcome_from_paths(ws, client_id, TODAY) is None
    assert paths.outcome_from_paths(ws, client_id, START + timedelta(days=10)) == "other_service"


def test_a_next_step_that_cannot_be_is_refused_and_nothing_is_written(ws):
    mine, other = ws.ids["clients"][5], ws.ids["clients"][6]
    trial_id = _path(ws, mine)[0]
    count = ws.store.conn.execute("SELECT count(*) FROM placements").fetchone()
    cases = [
        (dict(client_id=other, follows=trial_id), "not one of this client's"),
        (dict(client_id=mine, follows=trial_id), "already has a next step"),
        (dict(client_id=mine, follows="nope"), "not one of this client's"),
        (dict(client_id=mine, learning_periods=[{"start": START, "end": START}]), "apprentice"),
    ]
    for kwargs, reason in cases:
        with pytest.raises(ValueError, match=reason):
            placements.add_placement(
                ws, employer_id=ws.ids["employers"][0], kind="job", start_date=TODAY, **kwargs
            )
    last = placements.for_client(ws, mine)[0]["id"]
    with pytest.raises(ValueError, match="cannot start before"):
        placements.add_placement(
            ws, client_id=mine, employer_id=ws.ids["employers"][0], kind="job",
            start_date=START, follows=last,
        )  # fmt: skip
    assert ws.store.conn.execute("SELECT count(*) FROM placements").fetchone() == count


def test_a_supported_apprenticeship_keeps_learning_periods_and_the_association(ws):
    client_id = ws.ids["clients"][5]
    association = employers.create_employer(ws, name="Työpaja ry", kind="association")
    p = placements.add_placement(
        ws, client_id=client_id, employer_id=ws.ids["employers"][2], kind="apprenticeship",
        start_date=START, employed_by=association.id,
        learning_periods=[{"start": "2026-02-01", "end": "2026-02-28"}],
    )  # fmt: skip
    (row,) = [r for r in placements.for_client(ws, client_id) if r["id"] == p.id]
    assert row["learning_periods"] == [{"start": "2026-02-01", "end": "2026-02-28"}]
    assert (row["employed_by"], row["employed_by_name"]) == (association.id, "Työpaja ry")
    assert paths.associations(ws) == [(association.id, "Työpaja ry")]


def test_sponsor_since_is_set_kept_and_cleared(ws):
    employer_id = ws.ids["employers"][1]
    day = date(2026, 2, 1)
    assert employers.set_sponsor(ws, employer_id, True, since=day).sponsor_since == day
    again = employers.set_sponsor(ws, employer_id, True, since=date(2026, 3, 1))
    assert again.sponsor_since == day  # the agreement began then; setting again keeps it
    cleared = employers.set_sponsor(ws, employer_id, False)
    assert (cleared.sponsor, cleared.sponsor_since) == (False, None)


def test_a_sponsor_agreement_visit_makes_a_sponsor_since_the_visit(ws):
    employer_id = ws.ids["employers"][2]
    visit = visits.log_visit(
        ws, employer_id=employer_id, visited_on=date(2026, 2, 10), purpose="sponsor_agreement"
    )
    e = employers.get_employer(ws, employer_id)
    assert (e.sponsor, e.sponsor_since) == (True, date(2026, 2, 10))
    # one transaction: the visit and the employer change share it
    txs = ws.store.conn.execute(
        "SELECT DISTINCT tx_id FROM _changes WHERE row_id IN (?, ?) AND tbl != 'audit_events'"
        " AND stamp >= (SELECT min(stamp) FROM _changes WHERE row_id = ?)",
        (visit.id, employer_id, visit.id),
    ).fetchall()
    assert len(txs) == 1
    visits.log_visit(ws, employer_id=employer_id, visited_on=date(2026, 3, 1), purpose="follow_up")
    assert employers.get_employer(ws, employer_id).sponsor_since == date(2026, 2, 10)


def test_an_event_with_client_attendees(ws):
    a, b = ws.ids["clients"][0], ws.ids["clients"][1]
    school = employers.create_employer(ws, name="Kuopion ammattiopisto", kind="school")
    event = events.add_event(
        ws, held_on=date(2026, 2, 5), place="Auditorio", organisers=["Testi", " "],
        attended=40, client_ids=[a, b, a], employer_id=school.id,
    )  # fmt: skip
    (listed,) = events.list_events(ws)
    assert (listed["id"], listed["attended"], listed["clients"]) == (event.id, 40, 2)
    assert (listed["host"], listed["organisers"]) == ("Kuopion ammattiopisto", ["Testi"])
    detail = events.event_detail(ws, event.id)
    assert {x["client_id"] for x in detail["attendees"]} == {a, b}
    assert events.schools(ws) == [(school.id, "Kuopion ammattiopisto")]


def test_an_event_listing_more_clients_than_attended_is_refused_whole(ws):
    before = ws.store.conn.execute("SELECT count(*) FROM _changes").fetchone()
    with pytest.raises(ValueError, match="2 clients are listed"):
        events.add_event(
            ws, held_on=TODAY, place="Koulu", attended=1, client_ids=ws.ids["clients"][:2]
        )
    assert ws.store.conn.execute("SELECT count(*) FROM _changes").fetchone() == before


def test_erasing_a_client_removes_them_from_events(ws):
    ws.config.role = "supervisor"
    a, b = ws.ids["clients"][0], ws.ids["clients"][1]
    event = events.add_event(ws, held_on=TODAY, place="Koulu", attended=2, client_ids=[a, b])
    erase_client(ws, a)
    assert [x["client_id"] for x in events.event_detail(ws, event.id)["attendees"]] == [b]
    assert events.list_events(ws)[0]["clients"] == 1


def test_a_coordinator_records_events_but_a_coach_sets_no_targets(ws):
    from kenttä.services.reports import targets

    ws.config.role = "coordinator"
    events.add_event(ws, held_on=TODAY, place="Messut", attended=12)
    ws.config.role = "coach"
    with pytest.raises(PermissionDenied):
        targets.set_targets(ws, "TOPI", {"participants": 10})


def test_events_on_the_command_line(ws, tmp_path):
    import json

    from click.testing import CliRunner

    from kenttä.cli import cli

    path = str(ws.store.path)
    client_id = ws.ids["clients"][0]
    runner = CliRunner()
    added = runner.invoke(
        cli,
        ["--db", path, "events", "add", "--date", "2026-02-05", "--place", "Lukio",
         "--attended", "30", "--organiser", "Testi", "--client", client_id, "--json"],
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    event_id = json.loads(added.stdout)["id"]
    listed = json.loads(runner.invoke(cli, ["--db", path, "events", "list", "--json"]).stdout)
    assert [(e["id"], e["attended"], e["clients"]) for e in listed] == [(event_id, 30, 1)]
    bad = runner.invoke(
        cli, ["--db", path, "events", "add", "--date", "2026-02-05", "--place", " "]
    )
    assert bad.exit_code == 1 and bad.output.strip() == "kenttä: Anna paikka"  # fi: the default
