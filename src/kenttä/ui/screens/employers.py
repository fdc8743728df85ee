"""Employers: list and search (name or Y-tunnus), sponsors only, keyset paging."""

from __future__ import annotations

from functools import partial
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Header, Input, Static

from kenttä.domain.identifiers import municipalities
from kenttä.i18n import code, t
from kenttä.services.employers import EmployerRow
from kenttä.services.employers import core as employer_service
from kenttä.ui.base import BaseScreen
from kenttä.ui.parsing import clip, format_date_short
from kenttä.ui.widgets.paged_table import PagedTable

# At 80 columns every column is on screen (issue 14): a long name or municipality is cut
# with "…" (Enter opens the card with the full name), the next contact is `18.1.27`.
NAME_WIDTH = 22
MUNICIPALITY_WIDTH = 11


def render_employer(row: EmployerRow) -> tuple[str, ...]:
    municipality = municipalities().get(row.municipality or "", row.municipality or "")
    return (
        clip(row.name, NAME_WIDTH),
        row.y_tunnus or "",
        code("employer_kind", row.kind),
        clip(municipality, MUNICIPALITY_WIDTH),
        "★" if row.sponsor else "",
        format_date_short(row.next_contact),
    )


class EmployersScreen(BaseScreen):
    TITLE_KEY = "employers.title"
    RELOAD_ON_RESUME = False
    DEFAULT_CSS = """
    EmployersScreen #employer-table { height: 1fr; }
    EmployersScreen #employer-count { height: 1; padding: 0 1; color: $text-muted; }
    """
    BINDINGS: ClassVar = [
        Binding("slash", "focus_search", "keys.search"),
        Binding("enter", "open", "keys.open", show=False),
        Binding("ctrl+o", "toggle_sponsors", "keys.sponsors_only"),
        Binding("v", "log_visit", "keys.log_visit"),
        Binding("n", "new_employer", "keys.new_employer"),
        Binding("b", "needs_board", "keys.needs_board"),  # issue 16
        Binding("i", "events", "keys.events"),  # issue 16: information events
    ]

    def __init__(self) -> None:
        super().__init__()
        self.sponsors_only = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder=t("employers.search_placeholder"), id="employer-search")
        yield PagedTable(
            [
                t("employers.col_name"),
                t("employers.col_ytunnus"),
                t("employers.col_kind"),
                t("employers.col_municipality"),
                t("employers_narrow.col_sponsor"),
                t("employers_narrow.col_next"),
            ],
            render_employer,
            id="employer-table",
        )
        yield Static(id="employer-count")
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        # the list has the keys (n, v, Enter); "/" goes to the search box
        self.query_one("#employer-table", PagedTable).focus()

    def reload(self) -> None:
        query = self.query_one("#employer-search", Input).value
        self.query_one("#employer-table", PagedTable).restart(
            partial(
                employer_service.list_employers,
                query=query,
                sponsor=True if self.sponsors_only else None,
            )
        )

    def on_input_changed(self, event: Input.Changed) -> None:
        self.reload()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        table = self.query_one("#employer-table", PagedTable)
        if table.row_count:
            table.focus()

    def on_key(self, event: Any) -> None:
        table = self.query_one("#employer-table", PagedTable)
        if event.key == "down" and isinstance(self.focused, Input):
            table.focus()
            event.stop()
        elif self.focused is table or isinstance(self.focused, Input):
            from kenttä.ui.screens.clients import type_into_search

            if type_into_search(self, event, self.query_one("#employer-search", Input)):
                event.stop()

    def on_paged_table_loaded(self, event: PagedTable.Loaded) -> None:
        key = "employers.count_more" if event.more else "employers.count"
        self.query_one("#employer-count", Static).update(t(key, count=event.count))

    def on_data_table_row_selected(self, event: PagedTable.RowSelected) -> None:
        self.action_open()

    def action_focus_search(self) -> None:
        self.query_one("#employer-search", Input).focus()

    def action_toggle_sponsors(self) -> None:
        self.sponsors_only = not self.sponsors_only
        self.notify(t("employers.sponsors_on" if self.sponsors_only else "employers.sponsors_off"))
        self.reload()

    def action_open(self) -> None:
        row = self.query_one("#employer-table", PagedTable).selected()
        if row is not None:
            from kenttä.ui.screens.employer_card import EmployerCardScreen

            self.app.push_screen(EmployerCardScreen(row.id))

    def action_log_visit(self) -> None:
        row = self.query_one("#employer-table", PagedTable).selected()
        if row is not None:
            from kenttä.ui.modals.visit_form import VisitForm

            self.app.push_screen(VisitForm(row.id, row.name))

    def action_events(self) -> None:
        from kenttä.ui.screens.events import EventsScreen

        self.app.push_screen(EventsScreen())

    def action_new_employer(self) -> None:
        from kenttä.ui.modals.employer_form import EmployerFormModal

        self.app.push_screen(EmployerFormModal(), self._created)

    def _created(self, employer_id: str | None) -> None:
        if employer_id:
            from kenttä.ui.screens.employer_card import EmployerCardScreen

            self.reload()
            self.app.push_screen(EmployerCardScreen(employer_id))

    def action_needs_board(self) -> None:
        from kenttä.ui.screens.needs_board import NeedsBoardScreen

        self.app.push_screen(NeedsBoardScreen())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        typing_keys = {"log_visit", "new_employer", "needs_board", "events"}
        if action in typing_keys and isinstance(self.focused, Input):
            return None
        return True
