"""A placement: the client at an employer (found by typing its name), kind and dates; the
placement it follows on the client's path, and for a supported apprenticeship its learning
periods and the association that employs (issue 16)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from textual.widget import Widget
from textual.widgets import Input, OptionList, Select
from textual.widgets.option_list import Option

from kenttä.domain.codes import PlacementKind
from kenttä.i18n import code, t
from kenttä.services.employers import core as employers
from kenttä.services.employers import paths, placements
from kenttä.ui.modals.form import FormError, FormModal
from kenttä.ui.parsing import InputError, format_date, parse_date


def parse_periods(text: str, *, today: date) -> list[dict[str, str]]:
    """`1.2.2025–28.2.2025, 1.9.2025-30.9.2025` → learning periods (start, end); InputError."""
    out = []
    for part in (p.strip() for p in text.replace(";", ",").split(",")):
        if not part:
            continue
        bits = part.replace("–", "-").split("-") if "-" in part or "–" in part else [part]
        if len(bits) != 2:
            raise InputError(t("path.periods_invalid"))
        start, end = (parse_date(b, today=today) for b in bits)
        if start is None or end is None or end < start:
            raise InputError(t("path.periods_invalid"))
        out.append({"start": start.isoformat(), "end": end.isoformat()})
    return out


def step_label(p: dict[str, Any]) -> str:
    """A placement as the "follows" list shows it: kind · employer · period."""
    period = f"{format_date(p['start_date'])}–{format_date(p['end_date'])}"
    return f"{code('placement', p['kind'])} · {p['employer'] or ''} · {period}"


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
        yield self.label("path.follows")
        yield Select([], prompt=t("path.follows_none"), id="placement-follows")
        yield self.label("path.periods")
        yield Input(placeholder=t("path.periods_hint"), id="placement-periods")
        yield self.label("path.employed_by")
        yield Select([], prompt=t("path.employed_by_none"), id="placement-employed-by")

    def reload(self) -> None:
        """The client's placements (what this one may follow) and the associations."""
        client_id = self.client_id

        def load(ws: Any) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
            mine = placements.for_client(ws, client_id)  # the latest first
            taken = {p["follows"] for p in mine if p["follows"]}
            steps = [p for p in mine if p["id"] not in taken]
            return steps, paths.associations(ws)

        self.db(load, done=self._choices, group="placement-choices")

    def _choices(self, loaded: tuple[list[dict[str, Any]], list[tuple[str, str]]]) -> None:
        steps, associations = loaded
        self.query_one("#placement-follows", Select).set_options(
            [(step_label(p), p["id"]) for p in steps]
        )
        self.query_one("#placement-employed-by", Select).set_options(
            [(name, employer_id) for employer_id, name in associations]
        )
        self._opened_with = self.field_values()  # the choices arriving are not a change

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
        try:
            periods = parse_periods(self.value("placement-periods"), today=self.kapp.today)
        except InputError as exc:
            raise FormError("placement-periods", str(exc)) from None
        self.write(
            placements.add_placement,
            client_id=self.client_id,
            employer_id=self.employer_id,
            kind=kind,
            start_date=start,
            end_date=end,
            follows=self.value("placement-follows") or None,
            learning_periods=periods,
            employed_by=self.value("placement-employed-by") or None,
            done=lambda _: self._done(),
            failed=self.failed,
        )

    def _done(self) -> None:
        self.app.notify(t("placement.saved"))
        self.dismiss(True)
