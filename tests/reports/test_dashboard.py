"""The supervisor's dashboard, standalone in a tiny app: figures, periods and a snapshot."""

from __future__ import annotations

from datetime import date

import pytest
from textual.app import App

from kenttä.i18n import set_language
from kenttä.ui.screens.dashboard import (
    DashboardScreen,
    ExplainModal,
    FunnelChart,
    TrendChart,
)
from tests.reports.cohort import Cohort

TODAY = date(2024, 12, 15)


def fixed_cohort(cohort: Cohort) -> None:
    """A year of a programme: 14 started, 10 finished (6 on positive paths)."""
    outcomes = ["job", "job", "wage_subsidised_job", "degree_education", "other_service"]
    outcomes += ["job", "unemployed", "other_education", "inactive", None]
    for i, outcome in enumerate(outcomes):
        cohort.finished(
            f"left{i}",
            outcome,
            entry_date=date(2024, 1 + i % 6, 3),
            exit_date=date(2024, 7 + i % 5, 20),
        )
    for i in range(4):
        cohort.client(f"in{i}", entry_date=date(2024, 2 + 2 * i, 10))
    for i in range(3):
        cohort.client(f"met{i}", status="met", entry_date=None)
    cohort.client("declined", status="declined", entry_date=None)
    cohort.finished("old", "job", entry_date=date(2022, 5, 1), exit_date=date(2023, 3, 1))
    cohort.employer("e1", network_since=date(2023, 1, 1), sponsor=True)
    cohort.employer("e2", network_since=date(2024, 2, 1))
    cohort.visit("v1", "e1", date(2024, 3, 3), programme="TOPI")  # the cohort's programme
    cohort.placement("p1", "in0", "e2", date(2024, 5, 1), programme="TOPI")
    cohort.voucher("1", "in0", "coaching", 150_000, date(2024, 4, 1))
    cohort.voucher("2", "in1", "coaching", 75_050, date(2024, 9, 1), status="used")


class DashboardApp(App):
    def __init__(self, ws) -> None:
        super().__init__()
        self.ws = ws

    def on_mount(self) -> None:
        self.push_screen(DashboardScreen(self.ws, today=TODAY))


@pytest.fixture(autouse=True)
def _finnish():
    set_language("fi")
    yield
    set_language("fi")


async def settle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_figures_and_period_switch(workspace, cohort):
    fixed_cohort(cohort)
    app = DashboardApp(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        report = screen.data.report
        assert (report.participants, report.finished) == (14, 10)
        assert report.positive_path_rate == 0.6
        assert "60,0 %" in str(screen.query_one("#fig-positive_path_rate").render())
        assert screen.query_one(FunnelChart).counts["contacted"] == 18
        assert len(screen.query_one(TrendChart).points) == 12
        await pilot.press("l")
        await settle(pilot)
        assert screen.data.period.start == date(2022, 5, 1)
        assert screen.data.report.participants == 15
        await pilot.press("m")
        await settle(pilot)
        assert screen.data.period.start == date(2023, 12, 16)


def test_dashboard_snapshot(snap_compare, workspace, cohort):
    fixed_cohort(cohort)

    async def run_before(pilot) -> None:
        await settle(pilot)

    assert snap_compare(DashboardApp(workspace), terminal_size=(80, 24), run_before=run_before)


def test_every_key_of_the_dashboard_exists_in_every_language():
    import re
    from pathlib import Path

    from kenttä import i18n
    from kenttä.ui.screens import dashboard

    text = Path(dashboard.__file__).read_text(encoding="utf-8")
    used = set(re.findall(r"""["'](reports\.[a-z_]+\.[a-z_0-9]+)["']""", text))
    used |= {f"reports.funnel.{stage}" for stage in dashboard.FUNNEL_STAGES}
    used |= {f"reports.dashboard.{k}" for k in ("this_year", "last_12_months", "lifetime")}
    assert len(used) > 15
    for language in i18n.LANGUAGES:
        catalogue = i18n.catalogue(language)
        assert sorted(k for k in used if k not in catalogue) == [], language
    fi = {k for k in i18n.catalogue("fi") if k.startswith("reports.")}
    for language in ("sv", "en"):
        assert fi <= set(i18n.catalogue(language)), language


async def test_escape_closes_the_dashboard(workspace):
    app = DashboardApp(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, DashboardScreen)


async def test_language_switch_recomposes_in_swedish(workspace, cohort):
    fixed_cohort(cohort)
    app = DashboardApp(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        set_language("sv")
        await app.screen.retranslate()
        await settle(pilot)
        assert "Deltagare" in str(app.screen.query_one("#fig-participants").render())
        assert app.screen.query_one(FunnelChart).counts["finished"] == 10


async def test_enter_on_a_figure_lists_its_records_by_name(workspace, cohort):
    fixed_cohort(cohort)
    app = DashboardApp(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.screen.query_one("#fig-positive_path_rate").focus()
        await pilot.press("enter")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, ExplainModal)
        assert len(modal.records) == 6
        assert {r["id"] for r in modal.records} == {cohort.ids[f"left{i}"] for i in range(6)}
        # by name, last name first as everywhere in the app; codes in words (issue 14)
        assert all(r["label"].startswith("Asiakas") for r in modal.records)
        assert all("Testi" in r["label"] for r in modal.records)
        assert not any("finished" in r["label"] for r in modal.records)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
async def test_every_tile_label_fits_at_80_columns(workspace, cohort, language: str):
    """Issue 14: at 80×24 each F7 tile shows its whole label (English "Positive continuation
    path" was cut to "Positive continuation p…"), and its value beneath it."""
    from kenttä.i18n import t
    from kenttä.ui.screens.dashboard import FIGURES

    fixed_cohort(cohort)
    set_language(language)
    app = DashboardApp(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        shown = "\n".join(strip.text for strip in app.screen._compositor.render_strips())
        labels = [t(f"reports.dashboard.{key}") for key in FIGURES]
        assert [label for label in labels if label not in shown] == [], shown
        assert "…" not in "\n".join(shown.splitlines()[2:6]), shown  # no tile cut
        assert "60,0 %" in shown or "60.0 %" in shown, shown
