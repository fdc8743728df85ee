"""KenttaApp: the caseworker's screens over one Workspace (Today, Clients, Employers, …)."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterable
from concurrent.futures import Future
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from kenttä.domain import localtime
from kenttä.i18n import LANGUAGES, get_language, set_language, t
from kenttä.services.context import Workspace
from kenttä.services.privacy import IdleLock
from kenttä.ui.base import Translated, translate_bindings
from kenttä.ui.errors import error_text
from kenttä.ui.prefetch import Prefetch
from kenttä.ui.widgets import input_size, table_widths

IDLE_CHECK_SECONDS = 15
# What the first screen does not need but the next steps do (the first write, finding a
# client): loaded in the background once the first screen has been up for a moment.
WARM_UP_SECONDS = 1.0
WARM_UP_MODULES = ("kenttä.store.schema", "kenttä_sync.device.replica", "kenttä.ui.screens.clients")
# ... and what opening a card, a form, F5 or F6 needs; those screens are then built ahead, one
# per quiet moment (kenttä.ui.kept, issue 14)
WARM_UP_SCREENS = (
    "kenttä.ui.screens.client_card",
    "kenttä.ui.screens.note_editor",
    "kenttä.ui.modals.assessment_form",
    "kenttä.ui.screens.plan_editor",
    "kenttä.ui.screens.vouchers",
    "kenttä.ui.screens.sync",
)
MODES_ORDER = ("today", "clients", "employers", "vouchers", "sync")
# Ctrl+G, then a number, does what F+number does: for terminals that take the F keys (PuTTY,
# macOS Terminal, laptops' media keys). Alt+number cannot: terminals send it as ESC+digit,
# which Textual reads as the macOS Option characters (¡ ™ £ …).
LEADER_KEY = "ctrl+g"
LEADER_SECONDS = 3.0
F_KEY_ALTERNATIVES = {
    "1": "help",
    "2": "go('today')",
    "3": "go('clients')",
    "4": "go('employers')",
    "5": "go('vouchers')",
    "6": "go('sync')",
    "7": "dashboard",
    "9": "next_language",
}
SCREENS = {
    "today": ("today", "TodayScreen"),
    "clients": ("clients", "ClientsScreen"),
    "employers": ("employers", "EmployersScreen"),
    "vouchers": ("vouchers", "VouchersScreen"),
    "sync": ("sync", "SyncScreen"),
}

table_widths.apply()  # a DataTable header never keeps the widths of before
input_size.apply()  # a letter typed into an Input lays out nothing


def _lazy(module: str, name: str) -> Any:
    """A mode's screen, imported only when the mode is first opened (fast start-up)."""

    def make() -> Screen:
        import importlib

        from textual._context import active_app

        from kenttä.ui.kept import take_prebuilt_mode

        prebuilt = take_prebuilt_mode(active_app.get(), module)  # built ahead (kenttä.ui.kept)
        if prebuilt is not None:
            return prebuilt
        return getattr(importlib.import_module(f"kenttä.ui.screens.{module}"), name)()

    return make


def _dashboard_class() -> type[Screen] | None:
    try:
        from kenttä.ui.screens.dashboard import DashboardScreen
    except ImportError:
        return None
    return DashboardScreen


class KenttaApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "kenttä"
    ENABLE_COMMAND_PALETTE = True
    # The app opens straight on Today (no default screen made first and switched away from).
    MODES: ClassVar = {mode: _lazy(module, name) for mode, (module, name) in SCREENS.items()}
    DEFAULT_MODE: ClassVar = "today"

    BINDINGS: ClassVar = [
        Binding("f1", "help", "keys.help"),
        Binding("f2", "go('today')", "keys.today"),
        Binding("f3", "go('clients')", "keys.clients"),
        Binding("f4", "go('employers')", "keys.employers"),
        Binding("f5", "go('vouchers')", "keys.vouchers", show=False),
        Binding("f6", "go('sync')", "keys.sync", show=False),
        Binding("f7", "dashboard", "keys.dashboard", show=False),
        Binding("f9", "next_language", "keys.language", show=False),
        Binding("ctrl+p", "command_palette", "keys.palette", show=False, priority=True),
        Binding("ctrl+q", "quit", "keys.quit", show=False, priority=True),
        # said once in F1's help text (help.general), not as a row of its own
        Binding(LEADER_KEY, "leader", "", show=False, priority=True),
    ]

    def __init__(
        self,
        ws: Workspace,
        *,
        today: date | None = None,
        language: str | None = None,
        prefetch: Prefetch | None = None,
    ) -> None:
        self.ws = ws
        self.today = today or localtime.today()
        # a read started before the app (kenttä.ui.prefetch) holds this lock while it runs
        self.db_lock = prefetch.lock if prefetch is not None else threading.RLock()
        self._prefetch = prefetch
        set_language(language or getattr(ws.config, "language", None) or "fi")
        super().__init__()
        translate_bindings(self)
        theme = getattr(ws.config, "theme", None)
        if theme and theme in self.available_themes:
            self.theme = theme
        self.idle_lock = IdleLock(ws.store.path, ws.config.idle_lock_minutes)

    def prefetched(self, key: Any) -> Future | None:
        """The read started for `key` before the app (once: a reload reads anew), or None."""
        return None if self._prefetch is None else self._prefetch.take(key)

    def on_mount(self) -> None:
        self.theme_changed_signal.subscribe(self, self._on_theme_changed)
        self.set_interval(IDLE_CHECK_SECONDS, self.lock_if_idle)
        self.set_timer(WARM_UP_SECONDS, self._warm_up)

    def _warm_up(self) -> None:
        def load() -> None:
            import importlib

            for name in WARM_UP_MODULES + WARM_UP_SCREENS:
                importlib.import_module(name)
            from kenttä.ui.warm_up import warm_up

            self.call_from_thread(warm_up, self)

        self.run_worker(load, thread=True, group="warm-up", exit_on_error=False)

    # -- idle lock ---------------------------------------------------------------------------
    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent) and not event.is_forwarded:
            self.idle_lock.touch()
        if isinstance(event, events.Key) and not event.is_forwarded and self._leader_key(event):
            return
        await super().on_event(event)

    # -- Ctrl+G, number: the F keys for terminals that take them --------------------------------
    _leader_at: float | None = None

    def action_leader(self) -> None:
        import time

        self._leader_at = time.monotonic()

    def _leader_key(self, event: events.Key) -> bool:
        """The key after Ctrl+G: a number runs its F key's action. True when consumed."""
        import time

        if self._leader_at is None or event.key == LEADER_KEY:
            return False
        pending, self._leader_at = self._leader_at, None
        if time.monotonic() - pending > LEADER_SECONDS:
            return False
        action = F_KEY_ALTERNATIVES.get(event.key)
        if action is None:
            return False
        event.stop()
        event.prevent_default()
        self.call_later(self.run_action, action)
        return True

    def lock_if_idle(self) -> None:
        """Lock the screen when the person has been away for `idle_lock_minutes`."""
        if self.idle_lock.should_lock():
            self.lock_now()

    def lock_now(self) -> None:
        from kenttä.ui.modals.lock import LockScreen

        self.idle_lock.lock()
        self.push_screen(LockScreen(self.idle_lock))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While locked, nothing but quitting (drafts are saved as they are typed)."""
        if self.idle_lock.locked and action != "quit":
            return False
        return super().check_action(action, parameters)

    def action_go(self, mode: str) -> None:
        """Switch to a view; pressing its key again returns to the view's first screen."""
        if mode not in MODES_ORDER:
            return
        if self.current_mode == mode:
            while len(self.screen_stack) > 1:
                self.pop_screen()
        else:
            self.switch_mode(mode)

    # Textual holds every frame for 50 ms after a mode switch (App.delay_update), to hide a
    # screen still being built. A mode's screen made before (shown, or built ahead and loaded)
    # has nothing to hide: its rows stay until the reload replaces them. The hold was half of
    # F5's and F6's opening time (issue 14).
    _hold_frames = True
    _remade_modes: frozenset[str] = frozenset()  # remade since shown (F9): hold them once

    def _drawn_as_shown(self, mode: str) -> bool:
        """The mode's screen is as it was last drawn (or built ahead with its rows)."""
        from kenttä.ui.kept import prebuilt_mode_ready

        stack = self._screen_stacks.get(mode)
        if not stack:
            return prebuilt_mode_ready(self, mode)
        restyled = stack[-1]._css_update_count != self._css_update_count  # a theme since
        return mode not in self._remade_modes and not restyled

    def switch_mode(self, mode: str) -> Any:
        self._hold_frames = not self._drawn_as_shown(mode)
        self._remade_modes = self._remade_modes - {mode}
        try:
            return super().switch_mode(mode)
        finally:
            self._hold_frames = True

    def delay_update(self, delay: float = 0.05) -> None:
        if self._hold_frames:
            super().delay_update(delay)

    def action_dashboard(self) -> None:
        cls = _dashboard_class()
        if cls is None:
            self.notify(t("app.dashboard_missing"), severity="warning")
            return
        self.push_screen(cls(self.ws))  # type: ignore[call-arg]

    def action_help(self) -> None:
        from kenttä.ui.modals.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    # -- language ----------------------------------------------------------------------------
    def action_next_language(self) -> None:
        current = get_language()
        self.switch_language(LANGUAGES[(LANGUAGES.index(current) + 1) % len(LANGUAGES)])

    def switch_language(self, language: str) -> None:
        set_language(language)
        translate_bindings(self)
        self.run_worker(self._retranslate_all(), group="language", exclusive=True)
        self.notify(t("app.language_changed"))
        self._remember(language=language)

    def _remember(self, **settings: object) -> None:
        """Keep a choice made in the app (language, theme) in config.toml for next time."""
        from kenttä.config import ConfigError, save_settings

        try:
            save_settings(settings)
            # only the changed settings: the session's own (user, role, …) may not be the file's
            self.ws.config = self.ws.config.copy_with(**settings)
        except (ConfigError, OSError) as exc:
            self.notify(str(exc), title=t("app.error"), severity="warning")

    def _on_theme_changed(self, theme: Any) -> None:
        if theme.name != getattr(self.ws.config, "theme", None):
            self._remember(theme=theme.name)

    async def _retranslate_all(self) -> None:
        stacked = [screen for stack in self._screen_stacks.values() for screen in stack]
        self._remade_modes = frozenset(self._screen_stacks) - {self.current_mode}
        for name, screen in list(self._installed_screens.items()):
            if isinstance(screen, Translated) and screen not in stacked:
                self.uninstall_screen(name)  # a kept screen (the client card) is made anew
                if screen.is_attached:  # shown before or built ahead: let it go, as Textual
                    await screen.remove()  # does with a screen popped after uninstalling
        for stack in list(self._screen_stacks.values()):
            for screen in list(stack):
                if isinstance(screen, Translated):
                    await screen.retranslate()
        self.screen.refresh_bindings()

    def action_command_palette(self) -> None:
        from textual.command import CommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(
                CommandPalette(placeholder=t("command.search"), id="--command-palette")
            )

    # -- errors ------------------------------------------------------------------------------
    def _fatal_error(self) -> None:
        """Exit after an unhandled exception naming only its type and code line.

        Textual's own report prints local variables, which hold personal data (names,
        henkilötunnus, note text); this one does not, nor the exception's message.
        """
        import traceback

        from rich.segment import Segments
        from rich.text import Text

        self.bell()
        exc_type, _exc, tb = sys.exc_info()
        where = ""
        if tb is not None:
            frame = traceback.extract_tb(tb)[-1]
            where = f" ({Path(frame.filename).name}:{frame.lineno})"
        name = exc_type.__name__ if exc_type else "error"
        message = Text(f"kenttä: {t('app.crashed', error=name)}{where}\n", style="bold red")
        self._exit_renderables.append(Segments(self.console.render(message, self.console.options)))
        self._close_messages_no_wait()

    def show_error(self, exc: Exception) -> None:
        self.notify(error_text(exc), title=t("app.error"), severity="error", timeout=8)

    # -- command palette ---------------------------------------------------------------------
    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for mode in MODES_ORDER:
            yield SystemCommand(
                t(f"command.go_{mode}"),
                t(f"command.go_{mode}_help"),
                lambda m=mode: self.action_go(m),
            )
        if _dashboard_class() is not None:
            yield SystemCommand(
                t("command.dashboard"), t("command.dashboard_help"), self.action_dashboard
            )
        for language in LANGUAGES:
            yield SystemCommand(
                t(f"command.language_{language}"),
                t("command.language_help"),
                lambda lang=language: self.switch_language(lang),
            )
        yield SystemCommand(t("command.theme"), t("command.theme_help"), self.action_change_theme)
        yield SystemCommand(t("command.help"), t("command.help_help"), self.action_help)
        for title, help_text, callback in getattr(screen, "screen_commands", lambda: [])():
            yield SystemCommand(title, help_text, callback)
        yield SystemCommand(t("command.quit"), t("command.quit_help"), self.action_quit)


def run_app(ws: Workspace, today: date | None = None, prefetch: Prefetch | None = None) -> None:
    """Run the app in the terminal until the person quits (exit status 1 after a crash).

    `prefetch`: Today's read, started before this module was imported (cli open)."""
    app = KenttaApp(ws, today=today, prefetch=prefetch)
    app.run()
    if app.return_code:
        raise SystemExit(app.return_code)
