"""The client's feedback after a coaching: the fixed questionnaire 1–5 and free text.

Opened from the client card (`f`) and offered when a voucher is marked used (F5): then it is
that voucher's feedback (its service and provider). Esc skips it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Input, Label

from kenttä.i18n import t
from kenttä.services.clients import feedback
from kenttä.ui.modals.form import FormError, FormModal
from kenttä.ui.parsing import format_date


class FeedbackForm(FormModal):
    TITLE_KEY = "feedback_form.title"
    DEFAULT_CSS = """
    FeedbackForm .score-row { height: 1; }
    FeedbackForm .score-row Label { width: 1fr; padding-right: 1; }
    FeedbackForm .score-row Input { width: 5; }
    """

    def __init__(
        self, client_id: str, *, voucher_number: str | None = None, service: str = ""
    ) -> None:
        super().__init__()
        self.client_id = client_id
        self.voucher_number = voucher_number
        self.service = service

    def fields(self) -> Iterable[Widget]:
        if self.voucher_number:
            yield Label(
                t("feedback_form.about_voucher", number=self.voucher_number, service=self.service),
                id="feedback-voucher",
            )
        yield self.label("feedback_form.date")
        yield Input(value=format_date(self.kapp.today), id="given-on")
        yield self.label("feedback_form.scale")
        for question in feedback.QUESTIONS:
            with Horizontal(classes="score-row"):
                yield Label(t(f"feedback_question.{question}"))
                yield Input(restrict=r"[1-5]?", max_length=1, id=f"score-{question}", compact=True)
        yield self.label("feedback_form.comment")
        yield Input(id="feedback-comment")

    def scores(self) -> dict[str, int]:
        out = {}
        for question in feedback.QUESTIONS:
            text = self.value(f"score-{question}").strip()
            if text:
                out[question] = int(text)
        return out

    def submit(self) -> None:
        given_on = self.date_value("given-on", required=True)
        scores = self.scores()
        if feedback.OVERALL not in scores:
            raise FormError(f"score-{feedback.OVERALL}", t("feedback_form.overall_required"))
        self.write(
            feedback.record_feedback,
            self.client_id,
            given_on=given_on,
            scores=scores,
            comment=self.value("feedback-comment"),
            voucher_number=self.voucher_number,
            done=self._done,
            failed=self.failed,
        )

    def _done(self, _saved: Any) -> None:
        self.app.notify(t("feedback_form.saved"))
        self.dismiss(True)
