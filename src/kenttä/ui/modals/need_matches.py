"""The clients who fit a need, and why (issue 16); P proposes the highlighted client."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from kenttä.i18n import t
from kenttä.services.employers import matching
from kenttä.ui.base import BaseModal
from kenttä.ui.modals.need_fields import reason_text
from kenttä.ui.parsing import occupation_text


class NeedMatchesModal(BaseModal):
    TITLE_KEY = "needs.matches_title"
    DEFAULT_CSS = """
    NeedMatchesModal { align: center middle; }
    NeedMatchesModal > #matches-box {
        width: 78; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    NeedMatchesModal #matches-list { height: auto; max-height: 16; }
    NeedMatchesModal #matches-need { color: $text-muted; }
    """
    BINDINGS: ClassVar = [
        Binding("escape", "close", "keys.back"),
        Binding("p", "propose", "keys.propose"),
    ]

    def __init__(self, need: dict[str, Any]) -> None:
        super().__init__()
        self.need = need
        self.matches: list[matching.Match] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="matches-box") as box:
            box.border_title = t(self.TITLE_KEY)
            yield Static(
                f"{self.need['employer']} · {occupation_text(self.need)} ×{self.need['headcount']}",
                id="matches-need",
            )
            yield OptionList(id="matches-list")
        yield Footer()

    def reload(self) -> None:
        self.db(matching.clients_for_need, self.need["id"], done=self.show, group="matches")

    def show(self, matches: list[matching.Match]) -> None:
        self.matches = matches
        options = self.query_one("#matches-list", OptionList)
        options.clear_options()
        if not matches:
            options.add_option(Option(t("needs.no_matches"), disabled=True))
        for m in matches:
            options.add_option(
                Option(f"{m.name} · {reason_text(m.reasons, m.missing)}", id=m.client_id)
            )
        if matches:
            options.highlighted = 0
        options.focus()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_propose(self) -> None:
        options = self.query_one("#matches-list", OptionList)
        if options.highlighted is None or not self.matches:
            return
        client_id = options.get_option_at_index(options.highlighted).id
        self.write(
            matching.propose,
            self.need["id"],
            client_id,
            on=self.kapp.today,
            done=lambda _: self._proposed(),
        )

    def _proposed(self) -> None:
        self.app.notify(t("needs.proposed"))
        self.dismiss(True)
