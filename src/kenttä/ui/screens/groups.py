"""Group coaching: the groups (each a series of sessions) and one group's sessions.

Reached from the Clients screen (F3, then g). Enter opens a group's sessions, and a
session's attendance (ui/screens/group_session.py); n makes a new group or session.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Header, Static

from kenttä.i18n import t
from kenttä.services.groups import core as group_service
from kenttä.ui.base import BaseScreen
from kenttä.ui.parsing import clip, format_date
from kenttä.ui.widgets.paged_table import PagedTable

GROUP_WIDTHS = (24, 10, 16, 8, 10)  # with the cells' padding, 78 of 80 columns
SESSION_WIDTHS = (10, 38, 14, 8)


def _all_at_once(fn: Any, *args: Any) -> Any:
    """A PagedTable fetch for a short list: every row on the first page, none after."""

    def fetch(ws: Any, *, after: Any = None, limit: int = 50) -> list[dict[str, Any]]:
        return [] if after is not None else fn(ws, *args)

    return fetch


def render_group(group: dict[str, Any]) -> tuple[str, ...]:
    values = (
        group["name"],
        group["programme"] or "",
        group["place"] or "",
        str(group["sessions"]),
        format_date(group["latest"]),
    )
    return tuple(clip(v, w) for v, w in zip(values, GROUP_WIDTHS, strict=True))


def render_session(session: dict[str, Any]) -> tuple[str, ...]:
    values = (
        format_date(session["held_on"]),
        session["topic"],
        session["place"] or "",
        f"{session['present']}/{session['attendees']}",
    )
    return tuple(clip(v, w) for v, w in zip(values, SESSION_WIDTHS, strict=True))


class GroupsScreen(BaseScreen):
    TITLE_KEY = "groups.title"
    CSS_PATH = "groups.tcss"
    BINDINGS: ClassVar = [
        Binding("escape", "back", "keys.back"),
        Binding("enter", "open", "keys.open", show=False),
        Binding("n", "new_group", "keys.new_group"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        columns = [
            (t(f"groups.col_{k}"), w)
            for k, w in zip(
                ("name", "programme", "place", "sessions", "latest"), GROUP_WIDTHS, strict=True
            )
        ]
        yield PagedTable(
            columns,
            render_group,
            key=lambda g: g["id"],
            row_id=lambda g: g["id"],
            id="groups-table",
        )
        yield Static(id="groups-count", classes="groups-count")
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#groups-table", PagedTable).focus()

    def reload(self) -> None:
        table = self.query_one("#groups-table", PagedTable)
        table.restart(_all_at_once(group_service.list_groups), keep=True)

    def on_paged_table_loaded(self, event: PagedTable.Loaded) -> None:
        self.query_one("#groups-count", Static).update(t("groups.count", count=event.count))

    def on_data_table_row_selected(self, event: PagedTable.RowSelected) -> None:
        self.action_open()

    def action_open(self) -> None:
        group = self.query_one("#groups-table", PagedTable).selected()
        if group is not None:
            self.app.push_screen(GroupSessionsScreen(group["id"], group["name"]))

    def action_new_group(self) -> None:
        from kenttä.ui.modals.group_forms import GroupForm

        self.app.push_screen(GroupForm(), self._created)

    def _created(self, group_id: str | None) -> None:
        if group_id:
            self.reload()

    def action_back(self) -> None:
        self.app.pop_screen()


class GroupSessionsScreen(BaseScreen):
    TITLE_KEY = "groups.sessions_title"
    CSS_PATH = "groups.tcss"
    BINDINGS: ClassVar = [
        Binding("escape", "back", "keys.back"),
        Binding("enter", "open", "keys.open", show=False),
        Binding("n", "new_session", "keys.new_session"),
    ]

    def __init__(self, group_id: str, name: str) -> None:
        super().__init__()
        self.group_id = group_id
        self.group_name = name

    def screen_title(self) -> str:
        return f"{t(self.TITLE_KEY)}: {self.group_name}"

    def compose(self) -> ComposeResult:
        yield Header()
        columns = [
            (t(f"groups.col_{k}"), w)
            for k, w in zip(("date", "topic", "place", "attendance"), SESSION_WIDTHS, strict=True)
        ]
        yield PagedTable(
            columns,
            render_session,
            key=lambda s: s["id"],
            row_id=lambda s: s["id"],
            id="sessions-table",
        )
        yield Static(id="sessions-count", classes="groups-count")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.screen_title()
        self.query_one("#sessions-table", PagedTable).focus()

    def reload(self) -> None:
        table = self.query_one("#sessions-table", PagedTable)
        table.restart(_all_at_once(group_service.sessions_of, self.group_id), keep=True)

    def on_paged_table_loaded(self, event: PagedTable.Loaded) -> None:
        text = t("groups.sessions_count", count=event.count)
        self.query_one("#sessions-count", Static).update(text)

    def on_data_table_row_selected(self, event: PagedTable.RowSelected) -> None:
        self.action_open()

    def action_open(self) -> None:
        from kenttä.ui.screens.group_session import GroupSessionScreen

        session = self.query_one("#sessions-table", PagedTable).selected()
        if session is not None:
            self.app.push_screen(GroupSessionScreen(session["id"]))

    def action_new_session(self) -> None:
        from kenttä.ui.modals.group_forms import SessionForm

        self.app.push_screen(SessionForm(self.group_id), self._created)

    def _created(self, session_id: str | None) -> None:
        if session_id:
            from kenttä.ui.screens.group_session import GroupSessionScreen

            self.app.push_screen(GroupSessionScreen(session_id))

    def action_back(self) -> None:
        self.app.pop_screen()
