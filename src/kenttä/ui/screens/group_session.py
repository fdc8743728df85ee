"""One group session: who attends, and marking them present (Space), which writes a group
note on each attendee's timeline; a adds an attendee found by name or henkilötunnus."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Header, Static

from kenttä.i18n import t
from kenttä.services.groups import attendance
from kenttä.services.groups import core as group_service
from kenttä.ui.base import BaseScreen
from kenttä.ui.parsing import clip, format_date
from kenttä.ui.widgets.paged_table import PagedTable

ATTENDEE_WIDTHS = (6, 60)


def render_attendee(attendee: dict[str, Any]) -> tuple[str, ...]:
    mark = "[✓]" if attendee["present"] else "[ ]"
    name = f"{attendee['last_name'] or ''} {attendee['first_name'] or ''}".strip()
    return (mark, clip(name, ATTENDEE_WIDTHS[1]))


class GroupSessionScreen(BaseScreen):
    TITLE_KEY = "groups.session_title"
    CSS_PATH = "groups.tcss"
    BINDINGS: ClassVar = [
        Binding("escape", "back", "keys.back"),
        Binding("space", "toggle_present", "keys.toggle_present"),
        Binding("a", "add_attendee", "keys.add_attendee"),
    ]

    def __init__(self, session_id: str) -> None:
        super().__init__()
        self.session_id = session_id
        self.session: dict[str, Any] | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="session-heading")
        columns = [
            (t(f"groups.col_{k}"), w)
            for k, w in zip(("present", "attendee"), ATTENDEE_WIDTHS, strict=True)
        ]
        yield PagedTable(
            columns,
            render_attendee,
            key=lambda a: a["id"],
            row_id=lambda a: a["id"],
            id="attendees-table",
        )
        yield Static(id="attendance-count", classes="groups-count")
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#attendees-table", PagedTable).focus()

    def reload(self) -> None:
        self.db(group_service.get_session, self.session_id, done=self.show, group="session")
        session_id = self.session_id

        def fetch(ws: Any, *, after: Any = None, limit: int = 50) -> list[dict[str, Any]]:
            return [] if after is not None else attendance.attendees_of(ws, session_id)

        self.query_one("#attendees-table", PagedTable).restart(fetch, keep=True)

    def show(self, session: dict[str, Any]) -> None:
        self.session = session
        heading = Text(
            t(
                "groups.heading",
                group=session["group_name"],
                date=format_date(session["held_on"]),
                place=session["place"] or "–",
            )
            + "\n",
            style="bold",
        )
        heading.append(t("groups.topic", topic=session["topic"]) + "\n")
        heading.append(t("groups.coaches", coaches=", ".join(session["coaches"]) or "–"))
        self.query_one("#session-heading", Static).update(heading)

    def on_paged_table_loaded(self, event: PagedTable.Loaded) -> None:
        table = self.query_one("#attendees-table", PagedTable)
        present = sum(1 for a in table.records.values() if a["present"])
        text = (
            t("groups.attendance", present=present, total=event.count)
            if event.count
            else t("groups.no_attendees")
        )
        self.query_one("#attendance-count", Static).update(text)

    def action_toggle_present(self) -> None:
        attendee = self.query_one("#attendees-table", PagedTable).selected()
        if attendee is None:
            return
        marked = not attendee["present"]
        self.write(
            attendance.toggle_present,
            attendee["id"],
            done=lambda _: (
                self.notify(t("groups.marked" if marked else "groups.unmarked")),
                self.reload(),
            ),
        )

    def action_add_attendee(self) -> None:
        from kenttä.ui.modals.group_forms import AttendeePickForm

        self.app.push_screen(AttendeePickForm(self.session_id))

    def action_back(self) -> None:
        self.app.pop_screen()
