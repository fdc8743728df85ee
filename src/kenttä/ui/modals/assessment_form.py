"""The service-need assessment (palvelutarvearvio): ratings 1–5 per area, findings."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Input, Label, SelectionList

from kenttä.domain.codes import AssessmentArea
from kenttä.i18n import code, t
from kenttä.services.clients import assessments, team
from kenttä.ui.modals.form import FormError, FormModal
from kenttä.ui.parsing import format_date, split_list

ASSESSMENT_FORM = "assessment-form"


def open_assessment(app: Any, client_id: str) -> None:
    """The assessment form for a client: one form, kept and emptied for each opening."""
    from kenttä.ui.kept import open_kept

    open_kept(
        app,
        ASSESSMENT_FORM,
        lambda: AssessmentForm(client_id),
        lambda form: form.reuse(client_id),
    )


class AssessmentForm(FormModal):
    TITLE_KEY = "assessment.title"
    DEFAULT_CSS = """
    AssessmentForm .rating-row { height: 1; }
    AssessmentForm .rating-row Label { width: 1fr; text-align: right; padding-right: 1; }
    AssessmentForm .rating-row Input { width: 5; margin-right: 2; }
    AssessmentForm #team-assessors { height: auto; max-height: 4; border: none; }
    """

    def __init__(self, client_id: str) -> None:
        super().__init__()
        self.client_id = client_id

    def fields(self) -> Iterable[Widget]:
        yield self.label("assessment.date")
        yield Input(value=format_date(self.kapp.today), id="assessed-on")
        yield self.label("assessment.team")
        yield SelectionList[str](id="team-assessors")
        yield self.label("assessment.assessors")
        yield Input(placeholder=t("assessment.assessors_hint"), id="assessors")
        yield self.label("assessment.ratings")
        areas = list(AssessmentArea)
        for left, right in zip(areas[::2], areas[1::2], strict=True):
            with Horizontal(classes="rating-row"):
                for area in (left, right):
                    yield Label(code("area", area.value))
                    yield Input(
                        restrict=r"[1-5]?", max_length=1, id=f"rate-{area.value}", compact=True
                    )
        yield self.label("assessment.strengths")
        yield Input(id="strengths")
        yield self.label("assessment.obstacles")
        yield Input(id="obstacles")
        yield self.label("assessment.recommended")
        yield Input(placeholder=t("assessment.recommended_hint"), id="recommended")

    def waits_for_record(self) -> bool:
        return not self.client_id

    def reuse(self, client_id: str) -> None:
        """Make this kept form a new assessment of `client_id`: every field as on a new form
        (nothing of the one before), then begin (before it is shown)."""
        self.client_id = client_id
        if not self.is_mounted:  # still being built: it begins when mounted
            return
        for field in self.query("#form-box Input").results(Input):
            field.value = format_date(self.kapp.today) if field.id == "assessed-on" else ""
        picks = self.query_one("#team-assessors", SelectionList)
        picks.clear_options()
        picks.display = False
        self.query_one("#form-box").scroll_home(animate=False)
        self.begin()

    def reload(self) -> None:
        # the responsible coach and the co-workers, to tick who took part (issue 15 point 7)
        client_id = self.client_id

        def read(ws: Any) -> tuple[str, list[str]]:
            return client_id, team.assessors_of(ws, client_id)

        self.db_now(read, done=self._team, group="team")

    def _team(self, read: tuple[str, list[str]]) -> None:
        client_id, people = read
        if client_id != self.client_id:  # read for the client this form was open for before
            return
        picks = self.query_one("#team-assessors", SelectionList)
        picks.clear_options()
        picks.add_options([(person, person) for person in people])
        picks.display = bool(people)
        if people:
            picks.highlighted = 0

    def assessors(self) -> list[str]:
        """The ticked team members, then anyone typed (each once)."""
        ticked = list(self.query_one("#team-assessors", SelectionList).selected)
        typed = split_list(self.value("assessors"))
        return ticked + [a for a in typed if a not in ticked]

    def submit(self) -> None:
        assessed_on = self.date_value("assessed-on", required=True)
        ratings = {}
        for area in AssessmentArea:
            text = self.value(f"rate-{area.value}").strip()
            if text:
                ratings[area.value] = int(text)
        if not ratings:
            raise FormError(f"rate-{AssessmentArea.WORK_ABILITY.value}", t("assessment.no_ratings"))
        self.write(
            assessments.save_assessment,
            self.client_id,
            assessed_on=assessed_on,
            ratings=ratings,
            assessors=self.assessors(),
            strengths=self.value("strengths"),
            obstacles=self.value("obstacles"),
            recommended_services=split_list(self.value("recommended")),
            done=lambda _: self._done(),
            failed=self.failed,
        )

    def _done(self) -> None:
        self.app.notify(t("assessment.saved"))
        self.dismiss(True)
