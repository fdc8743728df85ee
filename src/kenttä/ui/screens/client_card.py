"""The client card: one-screen summary, notes timeline, plan; actions on the client."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Static, TabbedContent, TabPane

from kenttä.domain.identifiers import municipalities
from kenttä.i18n import code, t
from kenttä.services.clients import ClientCard
from kenttä.services.clients import core as client_service
from kenttä.services.clients import notes as note_service
from kenttä.services.clients import team as team_service
from kenttä.services.roles import may
from kenttä.ui.base import BaseScreen, role_actions
from kenttä.ui.parsing import format_date, format_euros
from kenttä.ui.widgets.paged_table import PagedTable


def eligibility_text(card: ClientCard) -> str:
    e = card.eligibility
    mark = {True: "✓", False: "✗", None: "?"}[e.eligible]
    state = t({True: "card.eligible", False: "card.not_eligible", None: "card.unknown"}[e.eligible])
    why = t(
        f"eligibility.{e.reason_code}",
        age=card.age if card.age is not None else "?",
        months=card.months_unemployed if card.months_unemployed is not None else "?",
        days=card.client.benefit_days if card.client.benefit_days is not None else "?",
    )
    return f"{mark} {state}: {why}"


def first_line(body: str, width: int = 60) -> str:
    line = (body or "").strip().splitlines()[0] if (body or "").strip() else ""
    return line if len(line) <= width else line[: width - 1] + "…"


def team_text(members: list[dict[str, Any]]) -> str:
    """The co-workers on the card: `liisa.p (Psykologi), …`; empty without any."""
    return ", ".join(f"{m['user']} ({code('team_role', m['role'])})" for m in members)


def summary_text(
    card: ClientCard, *, casework: bool = True, team: list[dict[str, Any]] | None = None
) -> Text:
    """The card's summary; `casework` False (a coordinator): plan, notes and assessment are
    not shown to the role, and the card says so rather than "–" (which reads as "none")."""
    c = card.client
    none = "–" if casework else f"({t('role.notes_hidden')})"
    out = Text()
    out.append(f"{c.last_name} {c.first_name}", style="bold")
    bits = [c.henkilotunnus or "", f"{card.age} {t('card.years')}" if card.age is not None else ""]
    bits.append(municipalities().get(c.municipality or "", c.municipality or ""))
    out.append("  " + " · ".join(b for b in bits if b) + "\n")
    out.append(f"{t('card.status')}: ", style="bold")
    out.append(
        f"{code('status', c.status)} · {t('card.programme')}: {c.programme or '–'}"
        f" · {t('card.owner')}: {c.owner or '–'}\n"
    )
    if team:
        out.append(f"{t('card.team')}: ", style="bold")
        out.append(team_text(team) + "\n")
    out.append(f"{t('card.eligibility')}: ", style="bold")
    out.append(eligibility_text(card) + "\n")
    if c.phone or c.email:
        out.append(f"{t('card.contact')}: ", style="bold")
        out.append(" · ".join(x for x in (c.phone, c.email) if x) + "\n")
    out.append(f"\n{t('card.plan')}: ", style="bold")
    out.append((first_line(card.plan["goal"]) if card.plan and card.plan["goal"] else none) + "\n")
    for step in card.steps[:4]:
        out.append(
            f"  • {format_date(step['due_date']) or '–':>10} {first_line(step['description'], 40)}"
            f" ({code('step', step['status'])})\n"
        )
    out.append(f"\n{t('card.vouchers')}: ", style="bold")
    out.append("–\n" if not card.vouchers else "\n")
    for v in card.vouchers[:3]:
        # two lines, the second indented: one line wrapped to column 1 at 80 columns
        out.append(f"  {v['number']} · {code('voucher', v['status'])}\n")
        out.append(
            f"    {v['service'] or v['service_code']} · {format_euros(v['value_cents'])}"
            f" · {t('narrow.valid_until', date=format_date(v['valid_until']))}\n"
        )
    if card.has_draft:
        out.append(f"\n{t('card.draft_waiting')}\n", style="bold yellow")
    out.append(f"\n{t('card.latest_notes')}: ", style="bold")
    out.append(f"{none}\n" if not card.notes else "\n")
    for n in card.notes:
        out.append(f"  {format_date(n['written_at'])} {first_line(n['body'], 58)}\n")
    a = card.assessment
    out.append(f"\n{t('card.assessment')}: ", style="bold")
    if a is None:
        out.append(f"{none}\n")
    else:
        strong = ", ".join(code("area", x) for x in a["strong_areas"]) or "–"
        weak = ", ".join(code("area", x) for x in a["weak_areas"]) or "–"
        out.append(f"{format_date(a['assessed_on'])}\n")
        out.append(f"  {t('card.strengths')}: {strong}\n  {t('card.obstacles')}: {weak}\n")
    if card.placements:
        out.append(f"\n{t('card.placements')}:\n", style="bold")
        for p in card.placements[:3]:
            out.append(
                f"  {code('placement', p['kind'])} · {p['employer'] or ''} · "
                f"{format_date(p['start_date'])}–{format_date(p['end_date'])}\n"
            )
    if c.exit_date or card.outcomes:
        out.append(f"\n{t('card.exit')}: ", style="bold")
        out.append(f"{format_date(c.exit_date)} {code('outcome', c.outcome)}\n")
        for o in card.outcomes:
            if o["checkpoint"] != "exit":
                result = code("outcome", o["outcome"]) if o["checked_on"] else t("card.check_due")
                out.append(
                    f"  {code('checkpoint', o['checkpoint'])} {format_date(o['due_on'])}: {result}\n"
                )
    return out


def render_note(note: dict[str, Any]) -> tuple[str, ...]:
    mark = ""
    if note.get("corrects"):
        mark = t("notes.correction_mark")
    elif note.get("corrected_by"):
        mark = t("notes.corrected_mark")
    return (
        format_date(note["written_at"]),
        code("note_kind", note["kind"]),
        mark,
        first_line(note["body"], 50),
    )


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
    "team": "edit_client",
}
"""The card's key → what the role must be allowed to do for the key to show."""


class ClientCardScreen(BaseScreen):
    TITLE_KEY = "card.title"
    CSS_PATH = "client_card.tcss"
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

        def load(ws: Any) -> tuple[ClientCard, frozenset[str], list[dict[str, Any]]]:
            # one audited view per opening of the card; what this role may do here; the team
            card = client_service.client_card(ws, client_id, today=today, view=view)
            return card, role_actions(ws), team_service.team_of(ws, client_id)

        self.db(load, done=self.show)
        client_id = self.client_id

        def fetch(ws: Any, *, after: Any = None, limit: int = 50) -> list[dict[str, Any]]:
            if not may(ws, "view_notes"):  # a coordinator's card: no notes, and no error
                return []
            return note_service.list_notes(ws, client_id, before=after, limit=limit)

        self.query_one("#notes-table", PagedTable).restart(fetch, keep=True)

    def show(self, loaded: tuple[ClientCard, frozenset[str], list[dict[str, Any]]]) -> None:
        card, self.allowed, self.team = loaded
        self.card = card
        self._viewed = True
        self.sub_title = f"{t(self.TITLE_KEY)}: {card.client.last_name} {card.client.first_name}"
        casework = "view_notes" in self.allowed
        self.query_one("#summary-text", Static).update(
            summary_text(card, casework=casework, team=self.team)
        )
        self.refresh_bindings()

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
        from kenttä.ui.screens.note_editor import NoteEditorScreen

        self.app.push_screen(NoteEditorScreen(self.client_id))

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
        from kenttä.ui.modals.assessment_form import AssessmentForm

        self.app.push_screen(AssessmentForm(self.client_id))

    def action_plan(self) -> None:
        from kenttä.ui.screens.plan_editor import PlanEditorScreen

        self.app.push_screen(PlanEditorScreen(self.client_id))

    def action_voucher(self) -> None:
        from kenttä.ui.modals.voucher_issue import VoucherIssueModal

        self.app.push_screen(VoucherIssueModal(self.client_id))

    def action_edit_client(self) -> None:
        """Correct the client's details (names, henkilötunnus, contact, programme, …)."""
        from kenttä.ui.modals.client_form import ClientEditModal

        if self.card is not None:  # the card reloads when the form closes (screen resume)
            self.app.push_screen(ClientEditModal(self.card.client))

    def action_status(self) -> None:
        from kenttä.ui.modals.forms import StatusModal

        if self.card is not None:
            self.app.push_screen(StatusModal(self.client_id, self.card.client.status))

    def action_placement(self) -> None:
        from kenttä.ui.modals.placement_form import PlacementForm

        self.app.push_screen(PlacementForm(self.client_id))

    def action_follow_up(self) -> None:
        """Record today's follow-up contact for the client's ongoing placement."""
        from kenttä.services.employers import placements

        today = self.kapp.today.isoformat()
        ongoing = [
            p
            for p in (self.card.placements if self.card else [])
            if p["start_date"] <= today and (p["end_date"] is None or p["end_date"] >= today)
        ]
        if not ongoing:
            self.notify(t("card.no_placement"), severity="warning")
            return
        self.write(
            placements.add_follow_up,
            ongoing[0]["id"],
            self.kapp.today,
            done=lambda _: (self.notify(t("card.follow_up_saved")), self.reload()),
        )

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
            (t("command.team"), t("command.team_help"), self.action_team),
        ]
        return [c for c in commands if self.check_action(c[2].__name__.removeprefix("action_"), ())]
