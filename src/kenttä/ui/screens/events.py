"""Information events (issue 16): the list, latest first, with who attended; F4 then `i`."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static

from kenttä.i18n import t
from kenttä.services.employers import events as event_service
from kenttä.ui.base import BaseScreen
from kenttä.ui.parsing import clip, format_date
from kenttä.ui.widgets.table import Table

# date, place, organisers, attended, clients: 80 columns with padding and scrollbar
WIDTHS = (10, 24, 18, 8, 7)


class EventsScreen(BaseScreen):
    TITLE_KEY = "events.title"
    DEFAULT_CSS = """
    EventsScreen #events-table { height: 1fr; }
    EventsScreen #event-detail { height: auto; max-height: 4; padding: 0 1; color: $text-muted; }
    """
    BINDINGS: ClassVar = [
        Binding("escape", "back", "keys.back"),
        Binding("n", "new_event", "keys.new_event"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.events: list[dict[str, Any]] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Table(
            [
                (t("events.col_date"), WIDTHS[0]),
                (t("events.col_place"), WIDTHS[1]),
                (t("events.col_organisers"), WIDTHS[2]),
                (clip(t("events.col_attended"), WIDTHS[3]), WIDTHS[3]),
                (clip(t("events.col_clients"), WIDTHS[4]), WIDTHS[4]),
            ],
            id="events-table",
        )
        yield Static(id="event-detail")
        yield Footer()

    def reload(self) -> None:
        self.db(event_service.list_events, done=self.show)

    def show(self, rows: list[dict[str, Any]]) -> None:
        self.events = rows
        table = self.query_one("#events-table", DataTable)
        table.clear()
        for e in rows:
            place = e["place"] + (f" ({e['host']})" if e["host"] else "")
            table.add_row(
                format_date(e["held_on"]),
                clip(place, WIDTHS[1]),
                clip(", ".join(e["organisers"]), WIDTHS[2]),
                str(e["attended"]),
                str(e["clients"]),
                key=e["id"],
            )
        if not rows:
            self.query_one("#event-detail", Static).update(t("events.none"))
        table.focus()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        row = event.cursor_row
        if 0 <= row < len(self.events):
            self.db(event_service.event_detail, self.events[row]["id"], done=self._detail)

    def _detail(self, item: dict[str, Any]) -> None:
        names = ", ".join(f"{a['last_name']} {a['first_name']}" for a in item["attendees"])
        text = f"{format_date(item['held_on'])} · {item['place']}"
        text += f"\n{t('events.attendees')}: {names or '–'}"
        if item["notes"]:
            text += f"\n{item['notes']}"
        self.query_one("#event-detail", Static).update(text)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_new_event(self) -> None:
        from kenttä.ui.modals.event_form import EventForm

        self.app.push_screen(EventForm())
