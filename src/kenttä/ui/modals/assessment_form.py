"""The service-need assessment (palvelutarvearvio): ratings 1–5 per area, findings."""

from __future__ import annotations

from collections.abc import Iterable

from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Input, Label, SelectionList

from kenttä.domain.codes import AssessmentArea
from kenttä.i18n import code, t
from kenttä.services.clients import assessments, team
from kenttä.ui.modals.form import FormError, FormModal
from kenttä.ui.parsing import format_date, split_list


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

    def reload(self) -> None:
        # the responsible coach and the co-workers, to tick who took part (issue 15 point 7)
        self.db(team.assessors_of, self.client_id, done=self._team, group="team")

    def _team(self, people: list[str]) -> None:
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
