"""Footer: Textual's key bar, rebuilt only when the keys it shows change.

Textual's Footer rebuilds all its keys on every bindings signal: each focus change and each
screen resume, three times before the first screen is up, 10–15 ms each with kenttä's keys
(issue 5: start-up time). The keys shown depend on nothing but the signature below, so a
signal that leaves the signature as it was shown needs no rebuild.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.widgets import Footer as TextualFooter

if TYPE_CHECKING:
    from textual.app import ComposeResult
    from textual.screen import Screen


class Footer(TextualFooter):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._shown: tuple | None = None

    def _signature(self, screen: Screen) -> tuple:
        """Everything of the screen's bindings that the composed keys show."""
        app = self.app
        keys = tuple(
            (
                key,
                binding.key,
                app.get_key_display(binding),
                binding.description,
                binding.action,
                binding.show,
                binding.group,
                binding.tooltip,
                enabled,
                tooltip,
            )
            for key, (_node, binding, enabled, tooltip) in screen.active_bindings.items()
            if binding.show  # the footer shows no hidden key: moving the focus changes nothing
        )
        return keys, self.show_command_palette, app.ENABLE_COMMAND_PALETTE

    def bindings_changed(self, screen: Screen) -> None:
        if (
            self._shown is not None
            and screen is self.screen
            and self._signature(screen) == self._shown
        ):
            return
        super().bindings_changed(screen)

    def compose(self) -> ComposeResult:
        yield from super().compose()
        self._shown = self._signature(self.screen) if self._bindings_ready else None
