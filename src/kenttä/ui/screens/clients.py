"""Clients: search as you type (name, henkilötunnus, note text), filters, keyset paging."""

from __future__ import annotations

from functools import partial
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Footer, Header, Input, Select, Static

from kenttä.domain.identifiers import municipalities
from kenttä.i18n import code, has, t
from kenttä.services.clients import ClientFilters, ClientRow
from kenttä.services.clients import core as client_service
from kenttä.ui.base import BaseScreen
from kenttä.ui.parsing import clip, format_date
from kenttä.ui.widgets.paged_table import PagedTable

FILTERS = ("status", "programme", "owner", "municipality")


# Widths that fit 80 columns with padding and scrollbar (issue 14); a longer value is cut
# with "…" and shown in full on the client card (Enter).
WIDTHS = (15, 11, 13, 6, 11, 9)


def client_columns() -> list[tuple[str, int]]:
    keys = ("name", "hetu", "status", "programme", "municipality", "owner")
    return [
        (
            clip(
                t(f"narrow.col_{key}" if has(f"narrow.col_{key}") else f"clients.col_{key}"), width
            ),
            width,
        )
        for key, width in zip(keys, WIDTHS, strict=True)
    ]


def short_owner(owner: str) -> str:
    """`maija.koskinen` → `maija.k`: the first name and the initial of the rest."""
    first, dot, rest = owner.partition(".")
    return f"{first}.{rest[0]}" if dot and rest else owner


def render_client(row: ClientRow) -> tuple[str, ...]:
    values = (
        row.full_name,
        row.henkilotunnus or "",
        code("status", row.status),
        row.programme or "",
        municipalities().get(row.municipality or "", row.municipality or ""),
        short_owner(row.owner or ""),
    )
    return tuple(clip(v, w) for v, w in zip(values, WIDTHS, strict=True))


# The columns of a screening list (issue 15): who qualifies and whom nobody has met.
SCREENING_WIDTHS = (15, 11, 6, 10, 11, 12)


def screening_columns() -> list[tuple[str, int]]:
    keys = ("clients.col_name", "clients.col_hetu", "screening.short_days",
            "screening.short_last", "screening.short_plan", "screening.short_segment")  # fmt: skip
    return [(clip(t(key), w), w) for key, w in zip(keys, SCREENING_WIDTHS, strict=True)]


def render_screened(row: Any, segments: dict[str, str]) -> tuple[str, ...]:
    """A row of a screening list (kenttä.services.clients.screening.ScreenedClient)."""
    values = (
        row.full_name,
        row.henkilotunnus or "",
        "" if row.benefit_days is None else str(row.benefit_days),
        format_date(row.activity.last_activity) or "–",
        t(f"screening.plan_{row.activity.plan}"),
        segments.get(row.segment or "", row.segment or ""),
    )
    return tuple(clip(v, w) for v, w in zip(values, SCREENING_WIDTHS, strict=True))


def type_into_search(screen: BaseScreen, event: Any, search: Input) -> bool:
    """A letter typed on the list that is no key of the screen starts a search with it.

    The search box keeps the letters typed into it, so a letter that reaches the screen
    while the box has the focus was typed before the focus moved (fast typing, a paste):
    it belongs to the search too, even a letter that is a key of the list.
    """
    if not event.is_printable or not event.character:
        return False
    in_flight = screen.focused is search
    if not in_flight and (event.key == "space" or event.key in screen._bindings.key_to_bindings):
        return False  # n, v, / … do what the footer says
    screen.set_focus(search)  # at once: the letters typed after it go to the search too
    search.insert_text_at_cursor(event.character)
    event.prevent_default()
    return True


class ClientsScreen(BaseScreen):
    TITLE_KEY = "clients.title"
    CSS_PATH = "clients.tcss"
    RELOAD_ON_RESUME = False
    BINDINGS: ClassVar = [
        Binding("slash", "focus_search", "keys.search"),
        Binding("enter", "open", "keys.open", show=False),
        Binding("f", "screening", "keys.screening"),
        Binding("ctrl+r", "clear_filters", "keys.clear_filters"),
        Binding("n", "new_client", "keys.new_client"),
        Binding("g", "groups", "keys.groups"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._options: dict[str, list[str]] = {}
        self.screening: Any = None  # a Screening (services.clients.screening) when one is set
        self._segments: dict[str, str] = {}
        self._screening_columns = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder=t("clients.search_placeholder"), id="client-search")
        with Horizontal(id="client-filters"):
            for name in FILTERS:
                yield Select[str](
                    [], prompt=t(f"clients.filter_{name}"), id=f"filter-{name}", compact=True
                )
        yield Static(id="client-screening")
        yield PagedTable(client_columns(), self._render_row, id="client-table")
        yield Static(id="client-count")
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        # the list has the keys (n, v, Enter); "/" goes to the search box
        self.query_one("#client-table", PagedTable).focus()

    def reload(self) -> None:
        self.db(client_service.filter_options, done=self._set_options, group="options")
        self.db(_segment_names, done=self._set_segments, group="segments")
        self.refresh_list()

    def _set_segments(self, names: dict[str, str]) -> None:
        self._segments = names
        self._show_screening()

    def _render_row(self, row: Any) -> tuple[str, ...]:
        if isinstance(row, ClientRow):
            return render_client(row)
        return render_screened(row, self._segments)

    def _show_screening(self) -> None:
        from kenttä.ui.modals.screening_form import describe

        text = describe(self.screening, self._segments) if self.screening else ""
        line = self.query_one("#client-screening", Static)
        line.update(text)
        line.display = bool(text)

    def _set_options(self, options: dict[str, list[str]]) -> None:
        self._options = options
        for name in FILTERS:
            select = self.query_one(f"#filter-{name}", Select)
            current = select.value
            values = options.get(name, [])
            if name == "status":
                labels = [(code("status", v), v) for v in values]
            elif name == "municipality":
                labels = [(municipalities().get(v, v), v) for v in values]
            else:
                labels = [(v, v) for v in values]
            with select.prevent(Select.Changed):
                select.set_options(labels)
                if current in values:
                    select.value = current

    def filters(self) -> ClientFilters:
        values: dict[str, Any] = {}
        for name in FILTERS:
            value = self.query_one(f"#filter-{name}", Select).value
            values[name] = None if value is Select.NULL else value
        return ClientFilters(**values)

    def refresh_list(self) -> None:
        query = self.query_one("#client-search", Input).value
        table = self.query_one("#client-table", PagedTable)
        screening = self.screening
        if (screening is not None) != self._screening_columns:
            self._screening_columns = screening is not None
            table.set_columns(screening_columns() if screening else client_columns())
        if screening is not None:
            from kenttä.services.clients.screening_rows import screen_clients

            table.restart(
                partial(screen_clients, screening=screening, filters=self.filters(), query=query)
            )
            return
        table.restart(partial(client_service.list_clients, query=query, filters=self.filters()))

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "client-search":
            self.refresh_list()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        table = self.query_one("#client-table", PagedTable)
        if table.row_count:
            table.focus()
            self.action_open()

    def on_select_changed(self, event: Select.Changed) -> None:
        self.refresh_list()

    def on_paged_table_loaded(self, event: PagedTable.Loaded) -> None:
        text = t("clients.count_more" if event.more else "clients.count", count=event.count)
        line = self.query_one("#client-count", Static)
        if line.content != text:  # one line of fixed height: no layout for new words
            line.update(text, layout=False)

    def on_key(self, event: Any) -> None:
        search = self.query_one("#client-search", Input)
        table = self.query_one("#client-table", PagedTable)
        if event.key == "down" and self.focused is search:
            table.focus()
            event.stop()
        elif self.focused in (table, search) and type_into_search(self, event, search):
            # keys already on their way to the list when the first letter moved the focus
            # arrive here too (the search box itself keeps the letters typed into it)
            event.stop()

    def on_data_table_row_selected(self, event: PagedTable.RowSelected) -> None:
        self.action_open()

    def action_focus_search(self) -> None:
        self.query_one("#client-search", Input).focus()

    def action_clear_filters(self) -> None:
        for name in FILTERS:
            self.query_one(f"#filter-{name}", Select).clear()
        self.query_one("#client-search", Input).value = ""
        if self.screening is not None:
            self.screening = None
            self._show_screening()
            self.refresh_list()

    def action_screening(self) -> None:
        """Screen the list: benefit days, no activity, plan, eligibility, segment."""
        from kenttä.ui.modals.screening_form import ScreeningModal

        self.app.push_screen(ScreeningModal(self.screening), self._screened)

    def _screened(self, screening: Any) -> None:
        if screening is None:  # cancelled: the list stays as it was
            return
        self.screening = screening if screening.active else None
        self._show_screening()
        self.refresh_list()

    def action_open(self) -> None:
        row = self.query_one("#client-table", PagedTable).selected()
        if row is not None:
            from kenttä.ui.screens.client_card import open_client_card

            open_client_card(self.app, row.id)

    def action_new_client(self) -> None:
        from kenttä.ui.modals.client_form import ClientFormModal

        self.app.push_screen(ClientFormModal(), self._created)

    def action_groups(self) -> None:
        from kenttä.ui.screens.groups import GroupsScreen

        self.app.push_screen(GroupsScreen())

    def _created(self, client_id: str | None) -> None:
        if client_id:
            from kenttä.ui.screens.client_card import open_client_card

            self.refresh_list()
            open_client_card(self.app, client_id)


def _segment_names(ws: Any) -> dict[str, str]:
    from kenttä.services.clients.segments import segment_names

    return segment_names(ws)
