"""The lock screen: shown after `idle_lock_minutes` without input, hiding every screen.

An encrypted database unlocks with its passphrase (checked in a worker: key derivation takes
a moment); a plain one with Enter, since there is nothing to check. Wrong passphrases slow
further tries (IdleLock.retry_after); the app refuses every other action while locked.
"""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from kenttä.i18n import t
from kenttä.services.privacy import IdleLock


class LockScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    LockScreen { align: center middle; background: $background; }
    LockScreen > Vertical {
        width: 60; max-width: 95%; height: auto; border: thick $primary; background: $surface;
        padding: 1 2;
    }
    LockScreen #lock-message { margin-top: 1; color: $error; }
    """
    BINDINGS: ClassVar = []

    def __init__(self, idle_lock: IdleLock) -> None:
        super().__init__()
        self.idle_lock = idle_lock

    def compose(self) -> ComposeResult:
        encrypted = self.idle_lock.encrypted
        with Vertical():
            yield Static(f"[b]{t('lock.title')}[/b]")
            yield Static(t("lock.prompt_encrypted" if encrypted else "lock.prompt_plain"))
            yield Input(
                password=True,
                placeholder=t("lock.passphrase") if encrypted else "",
                id="lock-passphrase",
            )
            yield Static("", id="lock-message")

    def on_mount(self) -> None:
        self.query_one("#lock-passphrase", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        wait = self.idle_lock.retry_after()
        if wait > 0:
            self._say(t("lock.wait", seconds=int(wait + 0.999)))
            return
        if not self.idle_lock.encrypted:
            if self.idle_lock.unlock_plain():
                self.dismiss(None)
            return
        event.input.disabled = True
        self._check(event.value)

    @work(thread=True, exclusive=True)
    def _check(self, passphrase: str) -> None:
        opened = self.idle_lock.unlock(passphrase)
        self.app.call_from_thread(self._checked, opened)

    def _checked(self, opened: bool) -> None:
        if opened:
            self.dismiss(None)
            return
        field = self.query_one("#lock-passphrase", Input)
        field.disabled = False
        field.value = ""
        field.focus()
        self._say(t("lock.wrong"))

    def _say(self, text: str) -> None:
        self.query_one("#lock-message", Static).update(text)
