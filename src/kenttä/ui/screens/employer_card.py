"""The employer card: contacts, sponsor status, visits and placements; log a visit."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static

from kenttä.domain.identifiers import municipalities
from kenttä.i18n import code, t
from kenttä.services.employers import EmployerCard
from kenttä.services.employers import core as employer_service
from kenttä.ui.base import BaseScreen, set_sub_title_now
from kenttä.ui.parsing import clip, format_date
from kenttä.ui.widgets.table import Table

# date, purpose, labour needs, next contact: 80 columns with padding and scrollbar
VISIT_WIDTHS = (10, 17, 32, 10)


def needs_text(visit: dict[str, Any]) -> str:
    parts = []
    for need in visit["labour_needs"]:
        term = t("visit.long_mark") if need.get("long_term") else t("visit.short_mark")
        parts.append(f"{need['occupation']} ×{need.get('headcount', 1)} ({term})")
    return ", ".join(parts)


class EmployerCardScreen(BaseScreen):
    TITLE_KEY = "employer_card.title"
    DEFAULT_CSS = """
    EmployerCardScreen #employer-summary { height: auto; padding: 0 1; }
    EmployerCardScreen .section { padding: 0 1; text-style: bold; color: $accent; }
    EmployerCardScreen #visits-table { height: 1fr; }
    EmployerCardScreen #placements-table { height: auto; max-height: 6; }
    EmployerCardScreen #placement-detail { height: auto; max-height: 2; padding: 0 1; }
    EmployerCardScreen #visit-detail { height: auto; max-height: 2; padding: 0 1; color: $text-muted; }
    """
    BINDINGS: ClassVar = [
        Binding("escape", "back", "keys.back"),
        Binding("v", "log_visit", "keys.log_visit"),
        Binding("s", "toggle_sponsor", "keys.toggle_sponsor"),
        Binding("o", "follow_up", "keys.follow_up"),
    ]

    def __init__(self, employer_id: str) -> None:
        super().__init__()
        self.employer_id = employer_id
        self.card: EmployerCard | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="employer-summary")
        yield Static(t("employer_card.visits"), classes="section")
        yield Table(
            [
                (t("visit.col_date"), VISIT_WIDTHS[0]),
                (t("visit.col_purpose"), VISIT_WIDTHS[1]),
                (t("visit.col_needs"), VISIT_WIDTHS[2]),
                (clip(t("visit.col_next"), VISIT_WIDTHS[3]), VISIT_WIDTHS[3]),
            ],
            id="visits-table",
        )
        yield Static(id="visit-detail")
        yield Static(t("employer_card.placements"), classes="section")
        yield Table(
            [t("placement.col_client"), t("placement.col_kind"), t("placement.col_period")],
            id="placements-table",
        )
        yield Static(id="placement-detail")
        yield Footer()

    def reload(self) -> None:
        self.db(employer_service.employer_card, self.employer_id, done=self.show)

    def show(self, card: EmployerCard) -> None:
        self.card = card
        e = card.employer
        set_sub_title_now(self, f"{t(self.TITLE_KEY)}: {e.name}")
        text = Text()
        text.append(e.name, style="bold")
        if e.sponsor:
            text.append(f"  ★ {t('employer_card.sponsor')}", style="bold yellow")
            if e.sponsor_since:
                text.append(f" {t('path.sponsor_since', date=format_date(e.sponsor_since))}")
        text.append("\n")
        bits = [e.y_tunnus or "", code("employer_kind", e.kind)]
        bits.append(municipalities().get(e.municipality or "", e.municipality or ""))
        if e.industry:
            bits.append(f"TOL {e.industry}")
        text.append(" · ".join(b for b in bits if b) + "\n")
        contact = " · ".join(x for x in (e.contact_name, e.contact_phone, e.contact_email) if x)
        text.append(f"{t('employer_card.contact')}: {contact or '–'}\n")
        since = format_date(e.network_since) or "–"
        nxt = format_date(card.next_contact) or "–"
        text.append(f"{t('employer_card.network_since')}: {since} · ")
        text.append(f"{t('employer_card.next_contact')}: {nxt}")
        self.query_one("#employer-summary", Static).update(text)
        visits = self.query_one("#visits-table", DataTable)
        visits.clear()
        for v in card.visits:
            visits.add_row(
                format_date(v["visited_on"]),
                clip(code("purpose", v["purpose"]), VISIT_WIDTHS[1]),
                clip(needs_text(v) or "–", VISIT_WIDTHS[2]),
                format_date(v["next_contact"]),
                key=v["id"],
            )
        self._show_visit()
        placements = self.query_one("#placements-table", DataTable)
        placements.clear()
        for path in card.paths:  # one row per path with a step here (issue 16)
            p = path.last
            placements.add_row(
                clip(f"{p['last_name'] or ''} {p['first_name'] or ''}".strip(), 22),
                clip(" → ".join(code("placement", k) for k in path.kinds), 30),
                f"{format_date(path.first['start_date'])}–{format_date(p['end_date'])}",
                key=p["id"],
            )
        self._show_placement()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "visits-table":
            self._show_visit()
        elif event.data_table.id == "placements-table":
            self._show_placement()

    def _highlighted_placement(self) -> dict[str, Any] | None:
        placements = self.card.placements if self.card else []
        row = self.query_one("#placements-table", DataTable).cursor_row
        return placements[row] if placements and 0 <= row < len(placements) else None

    def _show_placement(self) -> None:
        """The highlighted placement's latest follow-ups (who, how it goes, next date)."""
        from kenttä.ui.modals.follow_up_form import follow_up_line

        found = self.query("#placement-detail")
        if not found:
            return
        p = self._highlighted_placement()
        records = p.get("follow_up_records", []) if p else []
        lines = [follow_up_line(f, 76) for f in records[:2]]
        label = t("follow_up.none") if p else ""
        found.first(Static).update("\n".join(lines) if lines else label)

    def action_follow_up(self) -> None:
        """A follow-up after one of the employer's placements (the highlighted one)."""
        from kenttä.ui.modals.follow_up_form import FollowUpForm

        p = self._highlighted_placement()
        if p is None or self.card is None:
            self.notify(t("follow_up.no_placement"), severity="warning")
            return
        self.app.push_screen(FollowUpForm(self.card.placements, by="client", chosen=p["id"]))

    def _show_visit(self) -> None:
        """The highlighted visit's labour needs in full (the table cuts them)."""
        found = self.query("#visit-detail")
        if not found:  # not composed yet
            return
        table = self.query_one("#visits-table", DataTable)
        detail = found.first(Static)
        visits = self.card.visits if self.card else []
        row = table.cursor_row
        if not visits or not 0 <= row < len(visits):
            detail.update("")
            return
        v = visits[row]
        detail.update(f"{format_date(v['visited_on'])}: {needs_text(v) or '–'}")

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_log_visit(self) -> None:
        from kenttä.ui.modals.visit_form import VisitForm

        name = self.card.employer.name if self.card else ""
        self.app.push_screen(VisitForm(self.employer_id, name))

    def action_toggle_sponsor(self) -> None:
        if self.card is None:
            return
        from kenttä.ui.modals.confirm import ConfirmModal

        new = not self.card.employer.sponsor
        question = t("employer_card.sponsor_on_q" if new else "employer_card.sponsor_off_q")

        def answer(yes: bool | None) -> None:
            if yes:
                self.write(
                    employer_service.set_sponsor,
                    self.employer_id,
                    new,
                    since=self.kapp.today,
                    done=lambda _: self.reload(),
                )

        self.app.push_screen(ConfirmModal(question), answer)
