"""Screening lists (issue 15 point 3): benefit days, activity, plan state, eligibility."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from kenttä.config import Config
from kenttä.services.clients import assessments, notes, plans
from kenttä.services.clients import core as clients
from kenttä.services.clients.screening import (
    Screening,
    ScreeningError,
    activity_of,
    day_start_utc,
)
from kenttä.services.clients.screening_rows import screen_clients
from kenttä.services.context import Workspace
from kenttä.services.employers import core as employers
from kenttä.services.employers import follow_ups, placements
from kenttä.services.roles import PermissionDenied
from kenttä.store.db import open_store
from tests.ui.caseload import synthetic_hetu

ON = date(2026, 6, 30)


class Wall:
    """The laptop's clock, set by the test (the replica stamps writes with it). The clock
    never goes back, so a test moves it forward only: it starts a year before ON."""

    def __init__(self) -> None:
        self.day = ON - timedelta(days=365)

    def __call__(self) -> int:
        return int(day_start_utc(self.day).timestamp() * 1000) + 12 * 3600 * 1000


@pytest.fixture
def wall() -> Wall:
    return Wall()


@pytest.fixture
def ws(tmp_path: Path, wall: Wall):
    store = open_store(tmp_path / "screening.db", wall=wall)
    workspace = Workspace(store, Config(user="testi.valmentaja", scope="kuopio", role="coach"))
    yield workspace
    store.close()


def client(ws: Workspace, n: int, **fields) -> str:
    fields.setdefault("henkilotunnus", synthetic_hetu(date(1980, 1, 1 + n), 900 + n))
    return clients.create_client(ws, first_name="Testi", last_name=f"Henkilö{n:02d}", **fields).id


def names(rows) -> list[str]:
    return [r.last_name for r in rows]


def test_min_benefit_days_keeps_those_at_or_over(ws: Workspace) -> None:
    for n, days in enumerate([499, 500, 730, None]):
        client(ws, n, benefit_days=days)
    rows = screen_clients(ws, Screening(min_benefit_days=500, on=ON))
    assert names(rows) == ["Henkilö01", "Henkilö02"]
    assert [r.benefit_days for r in rows] == [500, 730]


def test_no_activity_counts_notes_assessments_placements_and_plan_steps(
    ws: Workspace, wall: Wall
) -> None:
    quiet = client(ws, 0)
    old_note = client(ws, 1)
    recent_note = client(ws, 2)
    assessed = client(ws, 3)
    follow_up = client(ws, 4)
    step_recent = client(ws, 5)
    step_old = client(ws, 6)
    notes.add_note(ws, old_note, "vanha", now=datetime(2026, 3, 1, 9, tzinfo=UTC))
    notes.add_note(ws, recent_note, "uusi", now=datetime(2026, 6, 20, 9, tzinfo=UTC))
    assessments.save_assessment(ws, assessed, assessed_on=ON - timedelta(days=10), ratings={})
    employer = employers.create_employer(ws, name="Testi Oy", municipality="297")
    placement = placements.add_placement(
        ws,
        client_id=follow_up,
        employer_id=employer.id,
        kind="work_trial",
        start_date=date(2026, 1, 1),
    )
    follow_ups.record_follow_up(
        ws, placement.id, contacted_on=ON - timedelta(days=5), contacted="työnjohtaja"
    )
    wall.day = ON - timedelta(days=200)
    plans.add_step(ws, step_old, description="Kurssi", today=wall.day)
    wall.day = ON - timedelta(days=20)
    plans.add_step(ws, step_recent, description="Työkokeilu", today=wall.day)
    wall.day = ON

    rows = screen_clients(ws, Screening(no_activity_days=90, on=ON))
    assert {r.id for r in rows} == {quiet, old_note, step_old}
    seen = activity_of(ws, [quiet, old_note, recent_note, follow_up, step_recent], ON)
    assert seen[quiet].last_activity is None
    assert seen[old_note].last_activity == date(2026, 3, 1)
    assert seen[recent_note].last_activity == date(2026, 6, 20)
    assert seen[follow_up].last_activity == ON - timedelta(days=5)
    assert seen[step_recent].last_activity == ON - timedelta(days=20)


def test_a_plan_is_outdated_when_no_step_was_written_in_90_days(ws: Workspace, wall: Wall) -> None:
    no_plan = client(ws, 0)
    stale = client(ws, 1)
    touched = client(ws, 2)
    wall.day = ON - timedelta(days=120)
    plans.add_step(ws, stale, description="Kurssi", today=wall.day)
    step = plans.add_step(ws, touched, description="Kurssi", today=wall.day)
    wall.day = ON - timedelta(days=3)  # a status change is a write of the step
    plans.set_step_status(ws, step.id, "in_progress")
    wall.day = ON

    assert [r.id for r in screen_clients(ws, Screening(plan="missing", on=ON))] == [no_plan]
    outdated = screen_clients(ws, Screening(plan="outdated", on=ON))
    assert [r.id for r in outdated] == [stale]
    assert outdated[0].activity.plan == "outdated"
    assert outdated[0].activity.plan_written == ON - timedelta(days=120)
    assert activity_of(ws, [touched], ON)[touched].plan == "current"
    # on the 90th day after its last write a plan is still current, the day after outdated
    day_90 = Screening(plan="outdated", on=ON - timedelta(days=120) + timedelta(days=90))
    assert screen_clients(ws, day_90) == []
    day_91 = Screening(plan="outdated", on=ON - timedelta(days=120) + timedelta(days=91))
    assert [r.id for r in screen_clients(ws, day_91)] == [stale]


def test_eligible_uses_the_programmes_rule(ws: Workspace) -> None:
    # Kuopio pilot: 30–55 years and 500 benefit days (or 12 months unemployed)
    client(ws, 0, henkilotunnus=synthetic_hetu(date(1980, 1, 1), 900), benefit_days=500)
    client(ws, 1, henkilotunnus=synthetic_hetu(date(1980, 1, 1), 901), benefit_days=100)
    client(ws, 2, henkilotunnus=synthetic_hetu(date(1965, 1, 1), 902), benefit_days=900)
    client(ws, 3, henkilotunnus=synthetic_hetu(date(1990, 1, 1), 903),
           unemployed_since=ON - timedelta(days=400))  # fmt: skip
    client(ws, 4, henkilotunnus=None, benefit_days=900)  # no birth date: cannot tell
    rows = screen_clients(ws, Screening(eligible="kuopio", on=ON))
    assert names(rows) == ["Henkilö00", "Henkilö03"]
    assert Screening(eligible="VÄLKE").eligible == "VALKE"
    with pytest.raises(ScreeningError, match="no eligibility rule"):
        Screening(eligible="EI-OLE")


def test_conditions_combine_with_owner_and_municipality(ws: Workspace) -> None:
    client(ws, 0, benefit_days=600, owner="a", municipality="297")
    client(ws, 1, benefit_days=600, owner="b", municipality="297")
    client(ws, 2, benefit_days=600, owner="a", municipality="749")
    filters = clients.ClientFilters(owner="a", municipality="297")
    rows = screen_clients(ws, Screening(min_benefit_days=500, on=ON), filters)
    assert names(rows) == ["Henkilö00"]


def test_pages_follow_the_name_order(ws: Workspace) -> None:
    for n in range(7):
        client(ws, n, benefit_days=500 + n)
    screening = Screening(min_benefit_days=500, on=ON)
    first = screen_clients(ws, screening, limit=4)
    rest = screen_clients(ws, screening, after=first[-1].key, limit=4)
    assert names(first + rest) == [f"Henkilö{n:02d}" for n in range(7)]


def test_a_coordinator_cannot_screen_by_notes_or_plans(ws: Workspace) -> None:
    client(ws, 0)
    coordinator = Workspace(ws.store, Config(user="k", scope="kuopio", role="coordinator"))
    with pytest.raises(PermissionDenied):
        screen_clients(coordinator, Screening(no_activity_days=30, on=ON))
    with pytest.raises(PermissionDenied):
        screen_clients(coordinator, Screening(plan="missing", on=ON))


def test_bad_numbers_are_refused() -> None:
    with pytest.raises(ScreeningError):
        Screening(min_benefit_days=-1)
    with pytest.raises(ScreeningError):
        Screening(plan="old")


def test_every_per_client_lookup_searches_an_index(ws: Workspace) -> None:
    """100 000 clients page fast only if no condition scans a whole table per client."""
    from kenttä.services.clients.screening import screening_sql

    everything = Screening(min_benefit_days=1, no_activity_days=30, plan="outdated",
                           eligible="TOPI", segment="youth", on=ON)  # fmt: skip
    where, params = screening_sql(ws, everything)
    sql = (
        "SELECT c.id FROM clients c WHERE " + " AND ".join(where)
        + " ORDER BY c.last_name, c.first_name, c.id LIMIT 50"
    )  # fmt: skip
    plan = [r[3] for r in ws.store.conn.execute("EXPLAIN QUERY PLAN " + sql, params)]
    lookups = ("n", "a", "p", "s", "pl")  # notes, assessments, placements, steps, plans
    assert not [step for step in plan if step.split(" ")[:2] in (["SCAN", a] for a in lookups)]
    for alias in lookups:
        assert any(step.startswith(f"SEARCH {alias} USING INDEX") for step in plan), (alias, plan)
