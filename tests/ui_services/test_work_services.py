"""Employers, visits, placements, plans, assessments, Today and sync status."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from kenttä.services import today
from kenttä.services.clients import assessments, plans
from kenttä.services.employers import core as employers
from kenttä.services.employers import follow_ups, placements, visits
from kenttä.services.roles import PermissionDenied
from kenttä.services.sync import status as sync_status
from tests.ui.caseload import TODAY


def test_employer_list_search_and_sponsors(ws) -> None:
    rows = employers.list_employers(ws)
    assert [r.name for r in rows] == sorted(r.name for r in rows)
    assert [r.name for r in employers.list_employers(ws, query="terv")] == ["Tervon Puutyö Ky"]
    assert [r.name for r in employers.list_employers(ws, query="0174")] == ["Kuopion Konepaja Oy"]
    assert [r.name for r in employers.list_employers(ws, sponsor=True)] == ["Kuopion Konepaja Oy"]
    page = employers.list_employers(ws, limit=2)
    more = employers.list_employers(ws, after=page[-1].key, limit=2)
    assert {r.id for r in page}.isdisjoint({r.id for r in more})


def test_sponsor_toggle_and_card(ws) -> None:
    employer_id = ws.ids["employers"][1]
    employers.set_sponsor(ws, employer_id, True)
    card = employers.employer_card(ws, employer_id)
    assert card.employer.sponsor
    assert card.visits and card.next_contact


def test_parse_needs() -> None:
    needs = visits.parse_needs("hitsaaja 2, myyjä; kokki x3", long_term=True)
    assert [(n.occupation, n.headcount, n.long_term) for n in needs] == [
        ("hitsaaja", 2, True),
        ("myyjä", 1, True),
        ("kokki", 3, True),
    ]
    assert visits.parse_needs("  ", long_term=False) == []


def test_log_visit_validates(ws) -> None:
    employer_id = ws.ids["employers"][2]
    visit = visits.log_visit(
        ws,
        employer_id=employer_id,
        visited_on=TODAY,
        purpose="follow_up",
        labour_needs=visits.parse_needs("asentaja 1", long_term=False),
        openings=["work_trial", "apprenticeship"],
        next_contact=date(2026, 4, 1),
    )
    assert visits.list_visits(ws, employer_id)[0]["id"] == visit.id
    with pytest.raises(ValueError):
        visits.log_visit(
            ws,
            employer_id=employer_id,
            visited_on=TODAY,
            purpose="follow_up",
            next_contact=date(2026, 1, 1),
        )
    with pytest.raises(ValidationError):
        visits.log_visit(ws, employer_id=employer_id, visited_on=TODAY, purpose="party")


def test_placements_and_follow_ups(ws) -> None:
    due = placements.follow_ups_due(ws, today=TODAY)
    assert len(due) == 1
    follow_ups.record_follow_up(ws, due[0]["id"], contacted_on=TODAY, contacted="Esihenkilö")
    assert placements.follow_ups_due(ws, today=TODAY) == []
    with pytest.raises(ValueError):
        placements.add_placement(
            ws,
            client_id=ws.ids["clients"][0],
            employer_id=ws.ids["employers"][0],
            kind="job",
            start_date=TODAY,
            end_date=date(2026, 1, 1),
        )


def test_plan_steps_and_status_cycle(ws) -> None:
    client_id = ws.ids["clients"][1]
    step = plans.add_step(ws, client_id, description="CV", due_date=TODAY, today=TODAY)
    plan, steps = plans.plan_of(ws, client_id)
    assert plan is not None and [s["id"] for s in steps] == [step.id]
    plans.set_step_status(ws, step.id, plans.next_status("planned"))
    assert plans.plan_of(ws, client_id)[1][0]["status"] == "in_progress"
    plans.save_plan(ws, client_id, goal="Työ", today=TODAY)
    assert plans.plan_of(ws, client_id)[0]["goal"] == "Työ"


def test_assessment_ratings_must_be_1_to_5(ws) -> None:
    with pytest.raises(ValidationError):
        assessments.save_assessment(
            ws, ws.ids["clients"][1], assessed_on=TODAY, ratings={"skills": 7}
        )
    assessments.save_assessment(
        ws, ws.ids["clients"][1], assessed_on=TODAY, ratings={"skills": 1, "language": 5}
    )
    latest = assessments.latest(ws, ws.ids["clients"][1])
    assert latest["weak_areas"] == ["skills"] and latest["strong_areas"] == ["language"]


def test_today_summary(ws) -> None:
    summary = today.today_summary(ws, today=TODAY)
    assert summary.steps_due and all(s["due_date"] <= "2026-03-23" for s in summary.steps_due)
    assert [v["name"] for v in summary.visits_due] == ["Kuopion Konepaja Oy", "Savon Siivous Oy"]
    assert len(summary.exit_checks) == 1
    assert summary.unsynced > 0 and summary.last_sync is None


def test_sync_status_counts_unacknowledged_changes(ws) -> None:
    total = sync_status.unsynced_count(ws)
    seq = ws.store.replica.state("device_seq")
    ws.store.conn.execute(
        "INSERT OR REPLACE INTO _sync_state (key, value) VALUES ('acked_seq', ?)", (seq,)
    )
    ws.store.conn.execute(
        "INSERT OR REPLACE INTO _sync_state (key, value) VALUES ('last_sync', ?)",
        ("2026-03-15T10:00:00+00:00",),
    )
    state = sync_status.status(ws)
    assert total > 0 and state.unsynced == 0
    assert state.last_sync.startswith("2026-03-15") and state.conflicts == 0


def test_conflicts_are_read_and_resolved(ws) -> None:
    from tests.ui.conflicts import make_phone_conflict

    client_id = ws.ids["clients"][0]
    make_phone_conflict(ws, client_id, local="040 111 1111", remote="050 222 2222")
    found = sync_status.conflicts(ws)
    assert len(found) == 1 and found[0].column == "phone"
    assert {v["value"] for v in found[0].values} == {"040 111 1111", "050 222 2222"}
    with pytest.raises(PermissionDenied):  # resolving is a supervisor's (roles.py)
        sync_status.resolve(ws, found[0].id, value="045 333 3333")
    ws.config.role = "supervisor"
    with pytest.raises(ValueError) as refused:  # a value typed in passes an edit's rules
        sync_status.resolve(ws, found[0].id, value="045 abc")
    assert refused.value.code == "phone"
    assert len(sync_status.conflicts(ws)) == 1  # still open, the phone as it was
    sync_status.resolve(ws, found[0].id, value="045 333 3333")
    assert sync_status.conflicts(ws) == []
    phone = ws.store.conn.execute(
        "SELECT phone FROM clients WHERE id = ?", (client_id,)
    ).fetchone()[0]
    assert phone == "045 333 3333"


def test_services_do_not_import_textual() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "import kenttä.services.clients.core, kenttä.services.today, kenttä.services.employers.core\n"
        "import kenttä.services.sync.status, kenttä.services.search, kenttä.i18n\n"
        "assert not [m for m in sys.modules if m.startswith('textual')], 'textual imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_today_for_one_owner(ws) -> None:
    everyone = today.today_summary(ws, today=TODAY)
    mine = today.today_summary(ws, today=TODAY, owner="testi.valmentaja")
    assert 0 < len(mine.steps_due) < len(everyone.steps_due)
    assert today.today_summary(ws, today=TODAY, owner="nobody").steps_due == []
