"""The dashboard's feedback line and, behind Enter, feedback by question and by service.

The numbers are `kenttä report feedback --by service` over the dashboard's period and
programme (services/reports/feedback.py): counts and means only, never what a client wrote.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static

from kenttä.i18n import t
from kenttä.services.reports.feedback import mean_text


def feedback_line(report: dict[str, Any] | None) -> str:
    """One line: responses, the overall question's mean, every score's mean."""
    total = (report or {}).get("total")
    if not total or not total["responses"]:
        return t("feedback_dashboard.none")
    overall = total["questions"]["satisfaction"]["mean"]
    return t(
        "feedback_dashboard.line",
        count=total["responses"],
        overall=mean_text(overall),
        mean=mean_text(total["all"]["mean"]),
    )


def breakdown(report: dict[str, Any]) -> list[str]:
    """Lines of the breakdown: per question for all feedback, then each service's means."""
    total = report["total"]
    lines = [
        t("feedback_report.total")
        + " · "
        + t("feedback_report.responses", count=total["responses"])
    ]
    for question in report["questions"]:
        stat = total["questions"][question]
        lines.append(
            f"  {t(f'feedback_short.{question}')}: {mean_text(stat['mean'])} ({stat['count']})"
        )
    for group in report["groups"]:
        name = group["label"] or group["key"] or t("feedback_report.no_group")
        overall = group["questions"]["satisfaction"]["mean"]
        lines.append(
            f"{name} · {t('feedback_report.responses', count=group['responses'])}"
            f" · {t('feedback_short.satisfaction')} {mean_text(overall)}"
            f" · {t('feedback_report.all_questions')} {mean_text(group['all']['mean'])}"
        )
    return lines


class FeedbackLine(Static, can_focus=True):
    """The dashboard's feedback figures; focus it and press Enter for the breakdown."""


class FeedbackModal(ModalScreen[None]):
    DEFAULT_CSS = """
    FeedbackModal { align: center middle; }
    FeedbackModal #explain-list { width: 76; max-height: 80%; border: round $accent; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", show=False)]

    def __init__(self, report: dict[str, Any]) -> None:
        super().__init__()
        self.report = report

    def compose(self) -> ComposeResult:
        options = OptionList(*breakdown(self.report), id="explain-list")
        options.border_title = t("feedback_dashboard.title")
        yield options

    def action_close(self) -> None:
        self.dismiss(None)
