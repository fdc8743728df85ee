"""The needs board (issue 16): every open labour need across employers, soonest first,
filtered by municipality, occupation and term; Enter shows the clients who fit."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Footer, Header, Input, Static

from kenttä.domain.identifiers import municipalities, municipality_by_name
from kenttä.i18n import code, t
from kenttä.services.employers import needs as need_service
from kenttä.ui.base import BaseScreen
from kenttä.ui.parsing import clip, format_date, occupation_text
from kenttä.ui.widgets.table import Table

# from, employer, municipality, occupation, count, term, cards: 80 columns with padding
WIDTHS = (10, 13, 8, 17, 3, 5, 7)  # with padding and the scrollbar: 80 columns
TERMS = (None, "short", "long")


class NeedsBoardScreen(BaseScreen):
    TITLE_KEY = "needs.title"
    DEFAULT_CSS = """
    NeedsBoardScreen #needs-filters { height: 1; }
    NeedsBoardScreen #needs-filters Input { width: 1fr; }
    NeedsBoardScreen #needs-table { height: 1fr; }
    NeedsBoardScreen #needs-count { height: 1; padding: 0 1; color: $text-muted; }
    """
    BINDINGS: ClassVar = [
        Binding("escape", "back", "keys.back"),
        Binding("enter", "matches", "keys.matches"),
        Binding("slash", "focus_filter", "keys.search"),
        Binding("ctrl+t", "term", "keys.term"),
        Binding("ctrl+f", "status('filled')", "keys.filled"),
        Binding("ctrl+w", "status('withdrawn')", "keys.withdrawn", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.term: str | None = None
        self.needs: list[dict[str, Any]] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="needs-filters"):
            yield Input(
                placeholder=t("needs.filter_municipality"), id="needs-municipality", compact=True
            )
            yield Input(
                placeholder=t("needs.filter_occupation"), id="needs-occupation", compact=True
            )
        yield Table(
            [
                (t("needs.col_from"), WIDTHS[0]),
                (t("needs.col_employer"), WIDTHS[1]),
                (t("needs.col_municipality"), WIDTHS[2]),
                (t("needs.col_occupation"), WIDTHS[3]),
                (t("needs.col_count"), WIDTHS[4]),
                (t("needs.col_term"), WIDTHS[5]),
                (t("needs.col_licences"), WIDTHS[6]),
            ],
            id="needs-table",
        )
        yield Static(id="needs-count")
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#needs-table", Table).focus()

    def _municipality(self) -> str | None:
        text = self.query_one("#needs-municipality", Input).value.strip()
        if not text:
            return None
        if text in municipalities():
            return text
        return municipality_by_name(text) or "?"  # unknown: nothing matches

    def reload(self) -> None:
        self.db(
            need_service.list_needs,
            open_only=True,
            municipality=self._municipality(),
            occupation=self.query_one("#needs-occupation", Input).value.strip() or None,
            term=self.term,
            done=self.show,
            group="needs",
        )

    def show(self, rows: list[dict[str, Any]]) -> None:
        self.needs = rows
        table = self.query_one("#needs-table", Table)
        cursor = table.cursor_row
        table.clear()
        names = municipalities()
        for need in rows:
            table.add_row(
                format_date(need["starts_on"] or need["recorded_on"]),
                clip(need["employer"] or "", WIDTHS[1]),
                clip(names.get(need["municipality"] or "", ""), WIDTHS[2]),
                clip(occupation_text(need), WIDTHS[3]),
                str(need["headcount"]),
                code("need_term", need["term"]),
                clip(" ".join(code("licence_short", lic) for lic in need["licences"]), WIDTHS[6]),
                key=need["id"],
            )
        if rows:
            table.move_cursor(row=min(max(cursor, 0), len(rows) - 1))
        term = {None: "", "short": t("needs.term_short"), "long": t("needs.term_long")}
        text = t("needs.count", count=len(rows))
        self.query_one("#needs-count", Static).update(
            f"{text} · {term[self.term]}" if self.term else text
        )

    def selected(self) -> dict[str, Any] | None:
        table = self.query_one("#needs-table", Table)
        row = table.cursor_row
        return self.needs[row] if self.needs and 0 <= row < len(self.needs) else None

    def on_input_changed(self, event: Input.Changed) -> None:
        self.reload()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one("#needs-table", Table).focus()

    def on_data_table_row_selected(self, event: Table.RowSelected) -> None:
        self.action_matches()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_focus_filter(self) -> None:
        self.query_one("#needs-municipality", Input).focus()

    def action_term(self) -> None:
        self.term = TERMS[(TERMS.index(self.term) + 1) % len(TERMS)]
        key = {None: "needs.term_all", "short": "needs.term_short", "long": "needs.term_long"}
        self.notify(t(key[self.term]))
        self.reload()

    def action_matches(self) -> None:
        need = self.selected()
        if need is not None:
            from kenttä.ui.modals.need_matches import NeedMatchesModal

            self.app.push_screen(NeedMatchesModal(need))

    def action_status(self, status: str) -> None:
        need = self.selected()
        if need is not None:
            self.write(
                need_service.set_status,
                need["id"],
                status,
                done=lambda _: (self.notify(t("needs.status_saved")), self.reload()),
            )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in {"matches", "status"} and isinstance(self.focused, Input):
            return None
        return True
