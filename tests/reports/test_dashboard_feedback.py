"""The F7 dashboard's feedback line and its breakdown: the same numbers as the report."""

from __future__ import annotations

from kenttä.i18n import set_language
from kenttä.ui.screens.dashboard_feedback import FeedbackModal
from tests.reports.test_dashboard import DashboardApp, settle
from tests.reports.test_feedback_report import answers


async def test_the_feedback_line_shows_the_periods_counts_and_means(workspace, cohort):
    set_language("fi")
    answers(cohort)  # four answers in 2024, one in 2023
    app = DashboardApp(workspace)  # this year: 1.1.–15.12.2024
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        line = str(app.screen.query_one("#dash-feedback").render())
        # 2024: satisfaction 5 3 4 2 = 3,50; every score 5 4 5 3 5 + 2 3 4 3 + 4 4 5 4 4 + 2
        assert "4 vastausta" in line and "tyytyväisyys 3,50" in line
        assert "kaikki kysymykset 3,80" in line  # 57/15
        app.screen.query_one("#dash-feedback").focus()
        await pilot.press("enter")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, FeedbackModal)
        assert [g["key"] for g in modal.report["groups"]] == ["KOUL", "VALM"]
        shown = [str(option.prompt) for option in modal.query_one("#explain-list").options]
        assert shown[0] == "Kaikki palaute · 4 vastausta"
        assert "  Hyöty: 3,67 (3)" in shown
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, FeedbackModal)


async def test_no_feedback_says_so(workspace):
    set_language("fi")
    app = DashboardApp(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        line = str(app.screen.query_one("#dash-feedback").render())
        assert line == "Palaute: ei vastauksia tällä jaksolla"
