"""A new information event: date, place, organisers, how many attended, the school that
hosted it, and the clients among the attendees (found by typing a name, Enter adds)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.widget import Widget
from textual.widgets import Input, OptionList, Select, Static
from textual.widgets.option_list import Option

from kenttä.i18n import t
from kenttä.services.clients import core as client_service
from kenttä.services.employers import events as event_service
from kenttä.ui.modals.form import FormError, FormModal
from kenttä.ui.parsing import format_date, split_list


class EventForm(FormModal):
    TITLE_KEY = "events.new"
    DEFAULT_CSS = """
    EventForm #event-client-results { height: 4; border: none; }
    EventForm #event-attendees { height: auto; color: $text-muted; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.attendees: dict[str, str] = {}  # client id -> name, in the order added

    def fields(self) -> Iterable[Widget]:
        yield self.label("events.date")
        yield Input(value=format_date(self.kapp.today), id="event-date")
        yield self.label("events.place")
        yield Input(id="event-place")
        yield self.label("events.organisers")
        yield Input(
            value=self.kapp.ws.user, placeholder=t("events.organisers_hint"), id="event-organisers"
        )
        yield self.label("events.attended")
        yield Input(value="0", id="event-attended")
        yield self.label("events.host")
        yield Select([], prompt=t("events.host_none"), id="event-host")
        yield self.label("events.client_search")
        yield Input(placeholder=t("events.client_hint"), id="event-client-search")
        yield OptionList(id="event-client-results")
        yield Static(id="event-attendees")

    def reload(self) -> None:
        self.db(event_service.schools, done=self._schools, group="event-schools")

    def _schools(self, rows: list[tuple[str, str]]) -> None:
        self.query_one("#event-host", Select).set_options([(name, i) for i, name in rows])
        self._opened_with = self.field_values()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "event-client-search":
            self.db(
                client_service.list_clients,
                query=event.value,
                limit=10,
                done=self._results,
                group="event-client-search",
            )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "event-client-search":
            results = self.query_one("#event-client-results", OptionList)
            if results.option_count:
                results.focus()

    def _results(self, rows: list[Any]) -> None:
        results = self.query_one("#event-client-results", OptionList)
        if not self.value("event-client-search").strip():
            rows = []
        results.set_options([Option(f"{r.last_name} {r.first_name}", id=r.id) for r in rows])
        if rows:
            results.highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on a client adds them to the attendees (and to the count, when it is less)."""
        if event.option.id is None:
            return
        self.attendees[event.option.id] = str(event.option.prompt)
        self.query_one("#event-attendees", Static).update(
            f"{t('events.attendees')}: {', '.join(self.attendees.values())}"
        )
        attended = self.query_one("#event-attended", Input)
        if not attended.value.strip().isdigit() or int(attended.value) < len(self.attendees):
            attended.value = str(len(self.attendees))
        search = self.query_one("#event-client-search", Input)
        search.value = ""
        search.focus()

    def submit(self) -> None:
        held_on = self.date_value("event-date", required=True)
        place = self.required("event-place")
        text = self.value("event-attended").strip() or "0"
        if not text.isdigit():
            raise FormError("event-attended", t("events.attended_invalid"))
        if int(text) < len(self.attendees):
            raise FormError("event-attended", t("events.too_few", count=len(self.attendees)))
        self.write(
            event_service.add_event,
            held_on=held_on,
            place=place,
            organisers=split_list(self.value("event-organisers")),
            attended=int(text),
            client_ids=list(self.attendees),
            employer_id=self.value("event-host") or None,
            done=lambda _: self._done(),
            failed=self.failed,
        )

    def _done(self) -> None:
        self.app.notify(t("events.saved"))
        self.dismiss(True)
