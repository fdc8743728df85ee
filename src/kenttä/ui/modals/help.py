"""F1: the keys of the screen below, and the app's keys, in the current language."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from kenttä.i18n import t
from kenttä.ui.base import BaseModal


class HelpScreen(BaseModal):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 76; max-width: 100%; height: 90%; border: thick $primary; background: $surface;
        padding: 0 1;
    }
    """
    BINDINGS: ClassVar = [
        Binding("escape,f1,q", "close", "keys.close"),
    ]

    def __init__(self, below: Screen) -> None:
        super().__init__()
        self.below = below

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(id="help-body")

    def on_mount(self) -> None:
        table = Table(show_header=False, box=None, expand=True, padding=(0, 1))
        table.add_column(style="bold", width=14)
        table.add_column()
        seen = set()
        rows: list[tuple[str, str]] = []
        for node in (self.below, self.app):
            own = {
                (b.key if isinstance(b, Binding) else b[0])
                for cls in type(node).__mro__
                if cls.__module__.startswith("kenttä")
                for b in cls.__dict__.get("BINDINGS", [])
            }
            for key, binding in node._bindings:
                if binding.key not in own and key not in own:
                    continue
                if not self._usable(node, binding.action):
                    continue  # a key the role may not use is not offered here either
                if binding.description and (key, binding.action) not in seen:
                    seen.add((key, binding.action))
                    rows.append((self.app.get_key_display(binding), binding.description))
        table.add_row(t("help.title"), "")
        for key, text in rows:
            table.add_row(key, text)
        table.add_row("", "")
        table.add_row("", t("help.general"))
        self.query_one("#help-body", Static).update(table)
        self.query_one(VerticalScroll).focus()

    @staticmethod
    def _usable(node: object, action: str) -> bool:
        from textual.actions import ActionError, parse

        try:
            _, name, params = parse(action)
        except ActionError:
            return True
        check = getattr(node, "check_action", None)
        return check is None or check(name, params) is not False

    def action_close(self) -> None:
        self.dismiss()
