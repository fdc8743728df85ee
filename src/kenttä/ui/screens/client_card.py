"""The client card: one-screen summary, notes timeline, plan; actions on the client."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Static, TabbedContent, TabPane

from kenttä.i18n import t
from kenttä.services.clients import ClientCard
from kenttä.services.clients import core as client_service
from kenttä.services.clients import notes as note_service
from kenttä.services.clients import team as team_service
from kenttä.services.roles import may
from kenttä.ui.base import BaseScreen, lay_out_now, role_actions, set_sub_title_now
from kenttä.ui.parsing import format_date
from kenttä.ui.screens.client_card_text import render_note, summary_text
from kenttä.ui.widgets.paged_table import PagedTable

ACTION_PERMISSION = {
    "new_note": "write_note",
    "correct_note": "write_note",
    "assessment": "write_note",
    "plan": "write_note",
    "voucher": "issue_voucher",
    "edit_client": "edit_client",
    "status": "edit_client",
    "placement": "record_placement",
    "exit": "record_outcome",
    "follow_up": "record_placement",
    "segment": "edit_client",
    "feedback": "record_feedback",
    "eligibility_exception": "edit_client",
    "work_profile": "edit_client",  # issue 16
    "team": "edit_client",
}
"""The card's key → what the role must be allowed to do for the key to show."""


CARD_SCREEN = "client-card"
# what the card reads in one go: the card, the role's actions, segments' names, the team
Loaded = tuple[ClientCard, frozenset[str], dict[str, str], list[dict[str, Any]]]


def open_client_card(app: Any, client_id: str) -> None:
    """Show a client's card: the one card screen, reused (made on the first opening)."""
    from kenttä.ui.kept import open_kept

    open_kept(
        app,
        CARD_SCREEN,
        lambda: ClientCardScreen(client_id),
        lambda card: card.switch_client(client_id),
    )


class ClientCardScreen(BaseScreen):
    TITLE_KEY = "card.title"
    # DEFAULT_CSS, not a CSS_PATH: a screen's own stylesheet makes Textual parse every rule
    # of the app again and restyle every screen when it first opens (~100 ms, issue 14)
    DEFAULT_CSS = """
    ClientCardScreen #card-tabs { height: 1fr; }
    ClientCardScreen #summary-scroll { height: 1fr; padding: 0 1; }
    ClientCardScreen #notes-table { height: 1fr; }
    ClientCardScreen #note-preview-scroll { height: 8; border-top: solid $primary; padding: 0 1; }
    """
    BINDINGS: ClassVar = [
        Binding("escape", "back", "keys.back"),
        Binding("n", "new_note", "keys.new_note"),
        Binding("c", "correct_note", "keys.correct_note", show=False),
        Binding("a", "assessment", "keys.assessment"),
        Binding("p", "plan", "keys.plan"),
        Binding("v", "voucher", "keys.voucher"),
        Binding("m", "edit_client", "keys.edit_client"),
        Binding("s", "status", "keys.status", show=False),
        Binding("l", "placement", "keys.placement", show=False),
        Binding("e", "exit", "keys.exit", show=False),
        Binding("o", "follow_up", "keys.follow_up", show=False),
        Binding("g", "segment", "keys.segment", show=False),
        Binding("f", "feedback", "keys.feedback", show=False),
        Binding("x", "eligibility_exception", "keys.eligibility_exception", show=False),
        Binding("w", "work_profile", "keys.work_profile", show=False),  # issue 16
        Binding("t", "team", "keys.team", show=False),
        Binding("1", "tab('summary')", "keys.tab_summary", show=False),
        Binding("2", "tab('notes')", "keys.tab_notes", show=False),
    ]

    def __init__(self, client_id: str) -> None:
        super().__init__()
        self.client_id = client_id
        self.card: ClientCard | None = None
        self.allowed: frozenset[str] | None = None  # the role's actions, once loaded
        self._viewed = False
        self.team: list[dict[str, Any]] = []

    def switch_client(self, client_id: str) -> None:
        """Make this (installed, suspended) card another client's, showing nothing of the
        one before: the card is built once and reused, which saves most of its opening time."""
        self.client_id = client_id
        self.card = None
        self._viewed = False
        self._notes_stale = True
        if not self.is_mounted:
            return
        self.sub_title = t(self.TITLE_KEY)
        self.query_one("#summary-text", Static).update("")
        self.query_one("#note-preview", Static).update("")
        self.query_one("#notes-table", PagedTable).forget()
        self.query_one("#card-tabs", TabbedContent).active = "summary"

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(id="card-tabs"):
            with TabPane(t("card.tab_summary"), id="summary"), VerticalScroll(id="summary-scroll"):
                yield Static(id="summary-text")
            with TabPane(t("card.tab_notes"), id="notes"):
                yield PagedTable(
                    [t("notes.col_date"), t("notes.col_kind"), "", t("notes.col_text")],
                    render_note,
                    key=lambda n: (n["written_at"], n["id"]),
                    row_id=lambda n: n["id"],
                    id="notes-table",
                )
                with VerticalScroll(id="note-preview-scroll"):
                    yield Static(id="note-preview")
        yield Footer()

    def reload(self) -> None:
        client_id, today, view = self.client_id, self.kapp.today, not self._viewed

        def load(ws: Any) -> Loaded:
            # one audited view per opening of the card; what this role may do here; the
            # segments' names and the client's team
            from kenttä.services.clients.segments import segment_names

            card = client_service.client_card(ws, client_id, today=today, view=view)
            return card, role_actions(ws), segment_names(ws), team_service.team_of(ws, client_id)

        self.db_now(load, done=self.show)
        if self.query_one("#card-tabs", TabbedContent).active == "notes":
            self._load_notes()
        else:  # the notes are read when their tab is first shown: the card opens sooner
            self._notes_stale = True

    _notes_stale = True

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id == "notes" and self._notes_stale:
            self._load_notes()

    def _load_notes(self) -> None:
        self._notes_stale = False
        client_id = self.client_id

        def fetch(ws: Any, *, after: Any = None, limit: int = 50) -> list[dict[str, Any]]:
            if not may(ws, "view_notes"):  # a coordinator's card: no notes, and no error
                return []
            return note_service.list_notes(ws, client_id, before=after, limit=limit)

        self.query_one("#notes-table", PagedTable).restart(fetch, keep=True)

    def show(self, loaded: Loaded) -> None:
        card, allowed, segments, team = loaded
        if card.client.id != self.client_id:  # read for the client this card showed before
            return
        self.allowed, self.team = allowed, team
        self.card = card
        self._viewed = True
        name = f"{card.client.last_name} {card.client.first_name}"
        set_sub_title_now(self, f"{t(self.TITLE_KEY)}: {name}")
        casework = "view_notes" in self.allowed
        text = summary_text(card, casework=casework, segments=segments, team=team)
        summary = self.query_one("#summary-text", Static)
        summary.update(text)
        self.refresh_bindings()
        lay_out_now(summary)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A role sees only the keys it may use (hidden until the card knows the role)."""
        needs = ACTION_PERMISSION.get(action)
        if needs is None:
            return True
        return self.allowed is not None and needs in self.allowed

    def on_data_table_row_highlighted(self, event: PagedTable.RowHighlighted) -> None:
        note = self.query_one("#notes-table", PagedTable).selected()
        if note is not None:
            head = f"{format_date(note['written_at'])} · {note['author']}"
            if note.get("corrected_by"):
                head += f" · {t('notes.corrected_later')}"
            text = Text(head + "\n", style="bold")
            text.append(note["body"], style="")
            self.query_one("#note-preview", Static).update(text)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_tab(self, tab: str) -> None:
        self.query_one("#card-tabs", TabbedContent).active = tab

    def action_new_note(self) -> None:
        from kenttä.ui.screens.note_editor import open_note_editor

        open_note_editor(self.app, self.client_id)

    def action_correct_note(self) -> None:
        from kenttä.ui.screens.note_editor import NoteEditorScreen

        tabs = self.query_one("#card-tabs", TabbedContent)
        note = self.query_one("#notes-table", PagedTable).selected()
        if tabs.active != "notes" or note is None:
            tabs.active = "notes"
            self.notify(t("notes.choose_to_correct"))
            return
        self.app.push_screen(NoteEditorScreen(self.client_id, corrects=note))

    def action_assessment(self) -> None:
        from kenttä.ui.modals.assessment_form import open_assessment

        open_assessment(self.app, self.client_id)

    def action_plan(self) -> None:
        from kenttä.ui.screens.plan_editor import open_plan_editor

        open_plan_editor(self.app, self.client_id)

    def action_voucher(self) -> None:
        from kenttä.ui.modals.voucher_issue import VoucherIssueModal

        self.app.push_screen(VoucherIssueModal(self.client_id))

    def action_edit_client(self) -> None:
        """Correct the client's details (names, henkilötunnus, contact, programme, …)."""
        from kenttä.ui.modals.client_form import ClientEditModal

        if self.card is not None:  # the card reloads when the form closes (screen resume)
            self.app.push_screen(ClientEditModal(self.card.client))

    def action_eligibility_exception(self) -> None:
        """Record (or remove) a reasoned exception to the programme's eligibility rule."""
        from kenttä.ui.modals.eligibility_exception import EligibilityExceptionModal

        if self.card is not None:  # the card reloads when the form closes (screen resume)
            self.app.push_screen(EligibilityExceptionModal(self.card.client))

    def action_status(self) -> None:
        from kenttä.ui.modals.forms import StatusModal

        if self.card is not None:
            self.app.push_screen(StatusModal(self.client_id, self.card.client.status))

    def action_placement(self) -> None:
        from kenttä.ui.modals.placement_form import PlacementForm

        self.app.push_screen(PlacementForm(self.client_id))

    def action_follow_up(self) -> None:
        """A follow-up after one of the client's placements (ongoing ones first)."""
        from kenttä.ui.modals.follow_up_form import FollowUpForm

        today = self.kapp.today.isoformat()
        mine = list(self.card.placements if self.card else [])
        if not mine:
            self.notify(t("card.no_placement"), severity="warning")
            return
        mine.sort(key=lambda p: p["end_date"] is not None and p["end_date"] < today)
        self.app.push_screen(FollowUpForm(mine, by="employer"))

    def action_segment(self) -> None:
        """The client's segment (Polku) from the supervisor's list."""
        from kenttä.ui.modals.screening_form import SegmentModal

        if self.card is not None:  # the card reloads when the form closes (screen resume)
            self.app.push_screen(SegmentModal(self.client_id, self.card.client.segment))

    def action_feedback(self) -> None:
        """The client's feedback on a coaching (the questionnaire 1–5 and free text)."""
        from kenttä.ui.modals.feedback_form import FeedbackForm

        self.app.push_screen(FeedbackForm(self.client_id))

    def action_work_profile(self) -> None:  # issue 16
        from kenttä.ui.modals.work_profile import WorkProfileModal

        self.app.push_screen(WorkProfileModal(self.client_id))

    def action_team(self) -> None:
        """The client's team: add or remove a co-worker (the card reloads when it closes)."""
        from kenttä.ui.modals.team_form import TeamForm

        if self.card is not None:
            self.app.push_screen(TeamForm(self.client_id, self.card.client.owner))

    def action_exit(self) -> None:
        from kenttä.ui.modals.forms import ExitModal

        self.app.push_screen(ExitModal(self.client_id))

    def screen_commands(self) -> list[tuple[str, str, Any]]:
        commands = [
            (t("command.new_note"), t("command.new_note_help"), self.action_new_note),
            (t("command.assessment"), t("command.assessment_help"), self.action_assessment),
            (t("command.plan"), t("command.plan_help"), self.action_plan),
            (t("command.voucher"), t("command.voucher_help"), self.action_voucher),
            (t("command.exit"), t("command.exit_help"), self.action_exit),
            (t("command.placement"), t("command.placement_help"), self.action_placement),
            (t("command.status"), t("command.status_help"), self.action_status),
            (t("command.edit_client"), t("command.edit_client_help"), self.action_edit_client),
            (t("command.feedback"), t("command.feedback_help"), self.action_feedback),
            (
                t("command.eligibility_exception"),
                t("command.eligibility_exception_help"),
                self.action_eligibility_exception,
            ),
            (t("command.team"), t("command.team_help"), self.action_team),
        ]
        return [c for c in commands if self.check_action(c[2].__name__.removeprefix("action_"), ())]
