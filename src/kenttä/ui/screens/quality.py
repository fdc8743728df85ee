"""Quality gaps (`kenttä report quality` on screen), each row leading to its fix (issue 15).

Reached from the F7 dashboard (q), for the dashboard's period and programme. Enter on a row
opens what fixes it: the client form at the missing field (`fix_for`), the exit form for a
missing exit, the eligibility exception for a client outside the target group by age, or
the employer's card for a company counted without activity. The list reloads when the fix
closes, so a fixed gap leaves it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Header, Static

from kenttä.i18n import has, t
from kenttä.services.reports import Period
from kenttä.services.reports.quality import Finding, quality_findings
from kenttä.ui.base import BaseScreen
from kenttä.ui.widgets.table import Table

LIMIT = 500

START_DATA_FIELDS = {  # missing_start_data's detail words → the client field that fixes them
    "birth_date": "birth_date",
    "gender": "gender",
    "education": "education",
    "labour_status": "labour_status",
}
TARGET_GROUP_FIELDS = {  # outside_target_group's reason code → the field, or the exception
    "too_short": "unemployed_since",
    "earnings_related": "earnings_related_allowance",
}


@dataclass(frozen=True)
class Fix:
    """What opens for a finding: `form` (the client form at `field`), `exit`, `exception`,
    or `employer` (the employer's card)."""

    kind: str
    record_id: str
    field: str | None = None


def fix_for(finding: Finding) -> Fix | None:
    """The form (and field) that fixes a quality finding; None when there is none."""
    if finding.table == "employers":
        return Fix("employer", finding.id)
    code = finding.code
    if code == "missing_start_data":
        missing = [w.strip() for w in finding.detail.split(",") if w.strip()]
        fields = [START_DATA_FIELDS[w] for w in missing if w in START_DATA_FIELDS]
        return Fix("form", finding.id, fields[0] if fields else None)
    if code in ("missing_entry_date", "exit_before_entry"):
        return Fix("form", finding.id, "entry_date")
    if code in ("finished_without_exit_date", "exit_without_outcome"):
        return Fix("exit", finding.id)
    if code == "outside_target_group":
        field = TARGET_GROUP_FIELDS.get(finding.detail)
        return Fix("form", finding.id, field) if field else Fix("exception", finding.id)
    return None


def render_finding(f: Finding) -> tuple[str, str, str]:
    """(whose, which gap, what exactly): the name without the label's parenthesis."""
    whose = f.label.split(" (")[0]
    words = [w.strip() for w in f.detail.split(",") if w.strip()]
    keys = [
        f"field.{w}" if f.code == "missing_start_data" else f"quality_screen.reason.{w}"
        for w in words
    ]
    detail = ", ".join(t(k) if has(k) else w for k, w in zip(keys, words, strict=True))
    return (whose, t(f"quality_screen.code.{f.code}"), detail)


class QualityScreen(BaseScreen):
    TITLE_KEY = "quality_screen.title"
    DEFAULT_CSS = """
    QualityScreen #quality-table { height: 1fr; }
    QualityScreen #quality-count { height: 1; padding: 0 1; color: $text-muted; }
    """
    BINDINGS: ClassVar = [
        Binding("escape", "back", "keys.back"),
        Binding("enter", "fix", "keys.fix", priority=True),
    ]

    def __init__(self, period: Period | None = None, programme: str | None = None) -> None:
        super().__init__()
        self.period = period
        self.programme = programme
        self.findings: list[Finding] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Table(
            [
                (t("quality_screen.col_record"), 22),  # fixed widths: 80 columns fit
                (t("quality_screen.col_code"), 24),
                (t("quality_screen.col_detail"), 24),
            ],
            id="quality-table",
        )
        yield Static(id="quality-count")
        yield Footer()

    def reload(self) -> None:
        period, programme = self.period, self.programme

        def load(ws: Any) -> list[Finding]:
            return quality_findings(ws, period, programme, names=True)

        self.db(load, done=self.show)

    def show(self, findings: list[Finding]) -> None:
        self.findings = findings[:LIMIT]
        table = self.query_one("#quality-table", Table)
        row = table.cursor_row
        table.clear()
        for index, finding in enumerate(self.findings):
            table.add_row(*render_finding(finding), key=str(index))
        if self.findings:
            table.move_cursor(row=min(row, len(self.findings) - 1))
        count = t("quality_screen.count", count=len(findings)) if findings else ""
        self.query_one("#quality-count", Static).update(count or t("quality_screen.none"))
        table.focus()

    def selected(self) -> Finding | None:
        table = self.query_one("#quality-table", Table)
        if not self.findings or not 0 <= table.cursor_row < len(self.findings):
            return None
        return self.findings[table.cursor_row]

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_fix(self) -> None:
        finding = self.selected()
        fix = fix_for(finding) if finding else None
        if fix is None:
            self.notify(t("quality_screen.no_fix"), severity="warning")
            return
        if fix.kind == "employer":
            from kenttä.ui.screens.employer_card import EmployerCardScreen

            self.app.push_screen(EmployerCardScreen(fix.record_id))
        elif fix.kind == "exit":
            from kenttä.ui.modals.forms import ExitModal

            self.app.push_screen(ExitModal(fix.record_id))
        else:
            self.db(_client, fix.record_id, done=lambda c: self._open(fix, c), group="fix")

    def _open(self, fix: Fix, client: Any) -> None:
        if fix.kind == "exception":
            from kenttä.ui.modals.eligibility_exception import EligibilityExceptionModal

            self.app.push_screen(EligibilityExceptionModal(client))
        else:
            from kenttä.ui.modals.client_form import ClientEditModal

            self.app.push_screen(ClientEditModal(client, focus=fix.field))


def _client(ws: Any, client_id: str) -> Any:
    from kenttä.services.clients.core import get_client

    return get_client(ws, client_id)
