"""The Clients screen's screening (issue 15): benefit days, no activity, plan, eligibility,
segment. Ctrl+S gives the screen a `Screening` (empty fields narrow nothing); the list pages
it like any list (kenttä.services.clients.screening has the definitions)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.widget import Widget
from textual.widgets import Input, Select, Static

from kenttä.i18n import t
from kenttä.services.clients.screening import NO_SEGMENT, Screening
from kenttä.ui.modals.form import FormError, FormModal


def eligibility_options() -> list[tuple[str, str]]:
    from kenttä.domain.eligibility import RULES

    return [(rule.name, code) for code, rule in RULES.items()]


def load_segments(ws: Any) -> list[tuple[str, str]]:
    """(name, code) of the segments a client may be put in, in code order."""
    from kenttä.services.clients.segments import list_segments, segment_name

    return [(segment_name(s), s.code) for s in list_segments(ws)]


class ScreeningModal(FormModal):
    TITLE_KEY = "screening.title"

    def __init__(self, current: Screening | None = None) -> None:
        super().__init__()
        self.current = current or Screening()

    def fields(self) -> Iterable[Widget]:
        c = self.current
        yield self.label("screening.min_benefit_days")
        yield Input(value=_text(c.min_benefit_days), id="screen-benefit", type="integer")
        yield self.label("screening.no_activity_days")
        yield Input(value=_text(c.no_activity_days), id="screen-idle", type="integer")
        yield self.label("screening.plan")
        yield Select(
            [(t("screening.plan_choice_missing"), "missing"),
             (t("screening.plan_choice_outdated"), "outdated")],
            prompt=t("screening.plan_any"), value=c.plan or Select.NULL, id="screen-plan",
        )  # fmt: skip
        yield self.label("screening.eligible")
        yield Select(
            eligibility_options(),
            prompt=t("screening.eligible_any"),
            value=c.eligible or Select.NULL,
            id="screen-eligible",
        )
        yield self.label("screening.segment")
        yield Select([], prompt=t("screening.segment_any"), id="screen-segment")
        yield Static(t("screening.hint"), classes="form-label")

    def reload(self) -> None:
        self.db(load_segments, done=self._set_segments, group="segments")

    def _set_segments(self, segments: list[tuple[str, str]]) -> None:
        select = self.query_one("#screen-segment", Select)
        options = [*segments, (t("screening.no_segment"), NO_SEGMENT)]
        if self.current.segment and self.current.segment not in {c for _, c in options}:
            options.insert(0, (self.current.segment, self.current.segment))  # a retired one
        with select.prevent(Select.Changed):
            select.set_options(options)
            if self.current.segment:
                select.value = self.current.segment
        self._opened_with = self.field_values()

    def _number(self, field_id: str) -> int | None:
        text = self.value(field_id).strip()
        if not text:
            return None
        try:
            value = int(text)
        except ValueError:
            raise FormError(field_id, t("screening.not_number")) from None
        if not 0 <= value <= 100_000:
            raise FormError(field_id, t("screening.not_number"))
        return value

    def submit(self) -> None:
        screening = Screening(
            min_benefit_days=self._number("screen-benefit"),
            no_activity_days=self._number("screen-idle"),
            plan=self.value("screen-plan") or None,
            eligible=self.value("screen-eligible") or None,
            segment=self.value("screen-segment") or None,
            on=self.kapp.today,
        )
        self.dismiss(screening)


def _text(value: int | None) -> str:
    return "" if value is None else str(value)


def describe(screening: Screening, segments: dict[str, str]) -> str:
    """The screening in words for the line above the list ("" when it narrows nothing)."""
    parts = []
    if screening.min_benefit_days is not None:
        parts.append(t("screening.crit_benefit", days=screening.min_benefit_days))
    if screening.no_activity_days is not None:
        parts.append(t("screening.crit_idle", days=screening.no_activity_days))
    if screening.plan is not None:
        parts.append(t(f"screening.crit_plan_{screening.plan}"))
    if screening.eligible is not None:
        parts.append(t("screening.crit_eligible", programme=screening.eligible))
    if screening.segment is not None:
        name = (
            t("screening.no_segment")
            if screening.segment == NO_SEGMENT
            else segments.get(screening.segment, screening.segment)
        )
        parts.append(t("screening.crit_segment", segment=name))
    return t("screening.active", criteria=" · ".join(parts)) if parts else ""


class SegmentModal(FormModal):
    """The client's segment (Polku), from the supervisor's list; or none."""

    TITLE_KEY = "segment_form.title"

    def __init__(self, client_id: str, current: str | None) -> None:
        super().__init__()
        self.client_id = client_id
        self.current = current

    def fields(self) -> Iterable[Widget]:
        yield self.label("segment_form.segment")
        yield Select([], prompt=t("segment_form.none"), id="segment")
        yield Static("", id="segment-empty", classes="form-label")

    def reload(self) -> None:
        self.db(load_segments, done=self._set_segments, group="segments")

    def _set_segments(self, segments: list[tuple[str, str]]) -> None:
        select = self.query_one("#segment", Select)
        if self.current and self.current not in {c for _, c in segments}:
            segments = [(self.current, self.current), *segments]  # a retired one stays
        with select.prevent(Select.Changed):
            select.set_options(segments)
            if self.current:
                select.value = self.current
        if not segments:
            self.query_one("#segment-empty", Static).update(t("segment_form.no_segments"))
        self._opened_with = self.field_values()

    def submit(self) -> None:
        from kenttä.services.clients.segments import set_segment

        code = self.value("segment") or None
        self.write(set_segment, self.client_id, code, done=lambda _: self._done())

    def _done(self) -> None:
        self.app.notify(t("segment_form.saved"))
        self.dismiss(True)
