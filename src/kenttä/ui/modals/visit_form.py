"""Logging a company visit in under a minute: purpose, needs, openings, next contact."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from textual.widget import Widget
from textual.widgets import Input, Select, SelectionList

from kenttä.domain.codes import PlacementKind, VisitPurpose
from kenttä.i18n import code, t
from kenttä.services.employers import visits
from kenttä.ui.modals.form import FormError, FormModal
from kenttä.ui.modals.need_fields import need_lines, programme_select
from kenttä.ui.parsing import format_date

DEFAULT_NEXT_CONTACT_DAYS = 30


class VisitForm(FormModal):
    TITLE_KEY = "visit.title"
    DEFAULT_CSS = """
    VisitForm #visit-openings { height: auto; max-height: 5; border: none; padding: 0; }
    """

    def __init__(self, employer_id: str, employer_name: str = "") -> None:
        super().__init__()
        self.employer_id = employer_id
        self.employer_name = employer_name

    def fields(self) -> Iterable[Widget]:
        yield self.label("visit.date")
        yield Input(value=format_date(self.kapp.today), id="visit-date")
        yield self.label("visit.purpose")
        yield Select(
            [(code("purpose", p.value), p.value) for p in VisitPurpose],
            value=VisitPurpose.NEEDS_ANALYSIS.value,
            allow_blank=False,
            id="visit-purpose",
        )
        yield self.label("visit.short_term")
        yield Input(placeholder=t("needs.hint"), id="visit-short")
        yield self.label("visit.long_term")
        yield Input(placeholder=t("needs.hint"), id="visit-long")
        yield self.label("needs.from")
        yield Input(id="visit-needs-from")
        yield self.label("needs.programme")
        yield programme_select("visit-programme", self.kapp.ws.config.programme)
        yield self.label("visit.openings")
        yield SelectionList[str](
            *[(code("placement", k.value), k.value) for k in PlacementKind], id="visit-openings"
        )
        yield self.label("visit.next_contact")
        yield Input(
            value=format_date(self.kapp.today + timedelta(days=DEFAULT_NEXT_CONTACT_DAYS)),
            id="visit-next",
        )
        yield self.label("visit.notes")
        yield Input(id="visit-notes")

    def on_mount(self) -> None:
        super().on_mount()
        if self.employer_name:
            self.query_one("#form-box").border_subtitle = self.employer_name

    def submit(self) -> None:
        visited_on = self.date_value("visit-date", required=True)
        next_contact = self.date_value("visit-next")
        if next_contact is not None and next_contact < visited_on:
            raise FormError("visit-next", t("visit.next_before_visit"))
        needs = need_lines(self.value("visit-short"), "short", "visit-short")
        needs += need_lines(self.value("visit-long"), "long", "visit-long")
        starts_on = self.date_value("visit-needs-from")
        for need in needs:
            need["starts_on"] = starts_on
        openings = list(self.query_one("#visit-openings", SelectionList).selected)
        self.write(
            visits.log_visit,
            employer_id=self.employer_id,
            visited_on=visited_on,
            purpose=self.value("visit-purpose"),
            needs=needs,
            programme=self.value("visit-programme") or None,
            openings=openings,
            next_contact=next_contact,
            notes=self.value("visit-notes"),
            done=lambda _: self._done(),
            failed=self.failed,
        )

    def _done(self) -> None:
        self.app.notify(t("visit.saved"))
        self.dismiss(True)
