"""Issue 16 point 5: a supervisor stores a programme's targets (`kenttä report targets`);
`report esf --format json` (its `targets` key) and F7 show them against the actuals."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from textual.app import App

from kenttä.cli import cli
from kenttä.domain import models as m
from kenttä.ui.screens.dashboard import DashboardScreen
from tests.reports.test_dashboard import TODAY, fixed_cohort, settle

PERIOD = ["--from", "2024-01-01", "--to", "2024-12-31"]
TARGETS = {
    "participants": 20,
    "positive_path_rate": 0.6,
    "participating_companies": 96,
    "network_size": 650,
    "sponsor_employers": 15,
    "coachings_purchased": 75,
}


def _role(role: str) -> None:
    Path(os.environ["KENTTA_CONFIG"]).write_text(
        f'role = "{role}"\nlanguage = "en"\n', encoding="utf-8"
    )


@pytest.fixture
def run(store, workspace):
    path = str(store.path)

    def invoke(*args: str):
        return CliRunner().invoke(cli, ["--db", path, "report", *args])

    return invoke


def with_targets(cohort) -> None:
    """The dashboard's cohort, a coaching service for its vouchers, and TOPI's targets."""
    fixed_cohort(cohort)
    cohort._insert(
        "services", "svc", m.Service(code="coaching", name="Valmennus", category="coaching")
    )
    cohort._insert("programme_targets", "targets", m.ProgrammeTarget(programme="TOPI", **TARGETS))


def test_only_a_supervisor_sets_targets(run, store, cohort):
    fixed_cohort(cohort)
    _role("coach")
    result = run("targets", "set", "TOPI", "--participants", "200")
    assert result.exit_code == 1
    assert "only a supervisor may set programme targets" in result.output
    assert store.conn.execute("SELECT count(*) FROM programme_targets").fetchone() == (0,)


def test_set_keeps_other_figures_and_clear_removes_one(run, store, cohort):
    fixed_cohort(cohort)
    _role("supervisor")
    assert (
        run(
            "targets", "set", "topi", "--participants", "200", "--positive-path-rate", "60 %"
        ).exit_code
        == 0
    )
    assert run("targets", "set", "TOPI", "--network-size", "650").exit_code == 0
    listed = json.loads(run("targets", "list", "--json").stdout)
    assert len(listed) == 1
    (topi,) = listed
    assert (topi["programme"], topi["participants"], topi["positive_path_rate"]) == (
        "TOPI",
        200,
        0.6,
    )
    assert (topi["network_size"], topi["sponsor_employers"]) == (650, None)
    assert run("targets", "set", "TOPI", "--clear", "participants").exit_code == 0
    (row,) = store.conn.execute(
        "SELECT participants, network_size FROM programme_targets WHERE _deleted IS NULL"
    ).fetchall()
    assert row == (None, 650)
    audited = store.conn.execute(
        "SELECT count(*) FROM audit_events WHERE record_table = 'programme_targets'"
    ).fetchone()[0]
    assert audited == 3


@pytest.mark.parametrize(
    "args, reason",
    [
        (["NOPE", "--participants", "1"], "unknown programme"),
        (["TOPI", "--positive-path-rate", "150"], "between 0 and 100"),
        (["TOPI", "--positive-path-rate", "paljon"], "not a rate"),
        (["TOPI", "--clear", "budget"], "unknown target 'budget'"),
        (["TOPI"], "give at least one target"),
    ],
)
def test_bad_targets_are_refused_in_one_line(run, store, cohort, args, reason):
    fixed_cohort(cohort)
    _role("supervisor")
    result = run("targets", "set", *args)
    assert result.exit_code != 0
    assert reason in result.output and result.output.strip().count("\n") == 0
    assert store.conn.execute("SELECT count(*) FROM programme_targets").fetchone() == (0,)


def test_report_esf_json_has_targets_against_actuals(run, cohort):
    with_targets(cohort)
    data = json.loads(run("esf", *PERIOD, "--programme", "TOPI", "--format", "json").stdout)
    # by hand: 14 started; 6 of 10 leavers on positive paths; e1 visited and e2 placed; both
    # in the network, e1 a sponsor; two coaching vouchers (one issued, one used)
    assert data["targets"] == {
        "participants": {"target": 20, "actual": 14},
        "positive_path_rate": {"target": 0.6, "actual": 0.6},
        "participating_companies": {"target": 96, "actual": 2},
        "network_size": {"target": 650, "actual": 2},
        "sponsor_employers": {"target": 15, "actual": 1},
        "coachings_purchased": {"target": 75, "actual": 2},
    }
    assert json.loads(run("esf", *PERIOD, "--format", "json").stdout)["targets"] == {}
    table = run("esf", *PERIOD, "--programme", "TOPI").stdout
    assert "Tavoitteet: hankitut valmennukset / tavoite" in table  # fi, as configured


def test_a_cancelled_voucher_is_no_coaching_purchased(run, cohort):
    with_targets(cohort)
    cohort.voucher("3", "in2", "coaching", 10_000, date(2024, 10, 1), status="cancelled")
    data = json.loads(run("esf", *PERIOD, "--programme", "TOPI", "--json").stdout)
    assert data["targets"]["coachings_purchased"]["actual"] == 2


class TopiDashboardApp(App):
    """F7 on TOPI (the programme whose targets are set)."""

    def __init__(self, ws) -> None:
        super().__init__()
        self.ws = ws

    def on_mount(self) -> None:
        self.push_screen(DashboardScreen(self.ws, today=TODAY, programme="TOPI"))


async def test_f7_shows_targets_against_actuals(workspace, cohort):
    with_targets(cohort)
    async with TopiDashboardApp(workspace).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = str(pilot.app.screen.query_one("#dash-targets").render())
        assert "osallistujat 14/20" in text
        assert "jatkopolut 60,0 %/60,0 %" in text
        assert "kummit 1/15" in text and "valmennukset 2/75" in text


async def test_f7_without_targets_shows_no_targets_line(workspace, cohort):
    fixed_cohort(cohort)
    async with TopiDashboardApp(workspace).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not pilot.app.screen.query_one("#dash-targets").display


def test_f7_targets_snapshot(snap_compare, workspace, cohort):
    with_targets(cohort)

    async def run_before(pilot) -> None:
        await settle(pilot)

    assert snap_compare(TopiDashboardApp(workspace), terminal_size=(80, 24), run_before=run_before)
