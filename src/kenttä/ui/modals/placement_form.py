"""A placement: the client at an employer (found by typing its name), kind and dates."""

from __future__ import annotations

from collections.abc import Iterable

from textual.widget import Widget
from textual.widgets import Input, OptionList, Select
from textual.widgets.option_list import Option

from kenttä.domain.codes import PlacementKind
from kenttä.i18n import code, t
from kenttä.services.employers import core as employers
from kenttä.services.employers import placements
from kenttä.ui.modals.form import FormError, FormModal
from kenttä.ui.parsing import format_date


class PlacementForm(FormModal):
    TITLE_KEY = "placement.title"
    DEFAULT_CSS = """
    PlacementForm #employer-results { height: 5; border: none; }
    """

    def __init__(self, client_id: str) -> None:
        super().__init__()
        self.client_id = client_id
        self.employer_id: str | None = None

    def fields(self) -> Iterable[Widget]:
        yield self.label("placement.employer")
        yield Input(placeholder=t("placement.employer_hint"), id="employer-search")
        yield OptionList(id="employer-results")
        yield self.label("placement.kind")
        yield Select(
            [(code("placement", k.value), k.value) for k in PlacementKind],
            value=PlacementKind.WORK_TRIAL.value,
            allow_blank=False,
            id="placement-kind",
        )
        yield self.label("placement.start")
        yield Input(value=format_date(self.kapp.today), id="placement-start")
        yield self.label("placement.end")
        yield Input(id="placement-end")

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "employer-search":
            self.employer_id = None
            self.db(
                employers.list_employers,
                query=event.value,
                limit=20,
                done=self._results,
                group="employer-search",
            )

    def _results(self, rows: list) -> None:
        results = self.query_one("#employer-results", OptionList)
        results.set_options([Option(r.name, id=r.id) for r in rows])
        if rows:
            results.highlighted = 0
            self.employer_id = rows[0].id

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.employer_id = event.option.id

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.employer_id = event.option.id
        self.query_one("#placement-kind", Select).focus()

    def submit(self) -> None:
        if not self.employer_id:
            raise FormError("employer-search", t("placement.no_employer"))
        kind = self.value("placement-kind")
        if not kind:
            raise FormError("placement-kind", t("validation.required"))
        start = self.date_value("placement-start", required=True)
        end = self.date_value("placement-end")
        self.write(
            placements.add_placement,
            client_id=self.client_id,
            employer_id=self.employer_id,
            kind=kind,
            start_date=start,
            end_date=end,
            done=lambda _: self._done(),
            failed=self.failed,
        )

    def _done(self) -> None:
        self.app.notify(t("placement.saved"))
        self.dismiss(True)
