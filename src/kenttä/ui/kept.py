"""Screens and forms built once and reused, and built ahead of time (issue 14, opening speed).

Building a screen (compose, mount, styling every widget, the first layout) is most of the time
it takes to open: the client card, the note editor, the assessment form and the plan editor
are each built once, kept installed, and made another record's before they are shown again
(`reuse`: nothing of the record before shows, not for a frame, and a late read for it is
dropped). The same screens and the F5/F6 views are built in a quiet moment after Today is
shown (kenttä.ui.warm_up), one at a time and only while nobody is typing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.screen import Screen

# Prebuilt mode screens waiting to be taken by the app's mode factory (kenttä.ui.app._lazy).
PREBUILT_MODES = "_kept_modes"
# Nobody has pressed a key for this long: a good moment to build the next screen ahead.
QUIET_SECONDS = 0.5
RETRY_SECONDS = 0.5
# Between two screens built ahead: each is 20–60 ms of the event loop, so a key pressed then
# waits at most that long.
STEP_SECONDS = 0.1
# A mode's screen built ahead reads its data; drawn again with it after this long.
LOADED_SECONDS = 0.3


def in_a_stack(app: Any, screen: Screen) -> bool:
    return any(screen in stack for stack in app._screen_stacks.values())


def open_kept(
    app: Any,
    name: str,
    make: Callable[[], Screen],
    reuse: Callable[[Any], None],
    callback: Callable[[Any], Any] | None = None,
) -> None:
    """Push the kept screen `name`, made another record's by `reuse` (made by `make` and kept
    on its first opening; when it is open already — a card over a card — a new one)."""
    if app.is_screen_installed(name):
        screen = app.get_screen(name)
        if in_a_stack(app, screen):
            app.push_screen(make(), callback)
            return
        reuse(screen)
    else:
        app.install_screen(make(), name)
    app.push_screen(name, callback)


def prebuild(app: Any, name: str, make: Callable[[], Screen]) -> None:
    """Install `name` and mount it off-screen (composed and styled, not shown)."""
    if app.is_screen_installed(name):
        return
    screen = make()
    app.install_screen(screen, name)
    _mount_off_screen(app, screen)


def _mount_off_screen(app: Any, screen: Screen, *, load: bool = False) -> None:
    """Compose, mount and style `screen`, then lay it out and draw it once at the app's size,
    all without showing it (what its first opening would otherwise do while you wait).
    `load`: a mode's screen also reads its first data (its opening then shows it at once and
    reads it again, as every later opening does)."""
    from textual.widget import AwaitMount

    mounted = AwaitMount(screen, app._register(app, screen))  # Textual's step before a push

    def draw() -> None:
        if in_a_stack(app, screen) or not screen.is_attached:
            return  # opened meanwhile: Textual lays it out itself
        screen._refresh_layout(app.size)
        screen._compositor.render_update(full=True)

    async def lay_out() -> None:
        await mounted
        if in_a_stack(app, screen) or not screen.is_attached:
            return
        screen.update_node_styles(animate=False)  # what its first push would do
        screen._styled_at = app._css_update_count
        draw()
        if load and hasattr(screen, "load_ahead"):
            screen.load_ahead()
            app.set_timer(LOADED_SECONDS, draw)  # again with its rows

    app.call_later(lay_out)


def prebuild_mode(app: Any, mode: str, make: Callable[[], Screen]) -> None:
    """Mount a mode's first screen off-screen; the mode factory takes it on the first switch."""
    if mode in app._screen_stacks:
        return
    from kenttä.i18n import get_language

    waiting = app.__dict__.setdefault(PREBUILT_MODES, {})
    if mode not in waiting:
        screen = make()
        waiting[mode] = (screen, get_language())
        _mount_off_screen(app, screen, load=True)


def prebuilt_mode_ready(app: Any, mode: str) -> bool:
    """The mode's screen is built ahead, in the language shown now, and has its first data."""
    from kenttä.i18n import get_language

    screen, language = app.__dict__.get(PREBUILT_MODES, {}).get(mode, (None, None))
    return screen is not None and language == get_language() and screen.loaded_ahead


def take_prebuilt_mode(app: Any, mode: str) -> Screen | None:
    """The mode's screen built ahead, if it was built in the language shown now."""
    from kenttä.i18n import get_language

    screen, language = app.__dict__.get(PREBUILT_MODES, {}).pop(mode, (None, None))
    if screen is not None and language != get_language():  # F9 meanwhile: made anew
        screen.remove()
        return None
    return screen
