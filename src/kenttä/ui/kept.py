"""Screens and forms built once and reused, and built ahead of time (issue 14, opening speed).

Building a screen (compose, mount, styling every widget, the first layout) is most of the time
it takes to open: the client card, the note editor, the assessment form and the plan editor
are each built once, kept installed, and made another record's before they are shown again
(`reuse`: nothing of the record before shows, not for a frame, and a late read for it is
dropped). The same screens and the F5/F6 views are built in a quiet moment after Today is
shown (`warm_up`), one at a time and only while nobody is typing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
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


def _mount_off_screen(app: Any, screen: Screen) -> None:
    """Compose, mount and style `screen`, then lay it out and draw it once at the app's size,
    all without showing it (what its first opening would otherwise do while you wait)."""
    from textual.widget import AwaitMount

    mounted = AwaitMount(screen, app._register(app, screen))  # Textual's step before a push

    async def lay_out() -> None:
        await mounted
        if in_a_stack(app, screen) or not screen.is_attached:
            return  # opened meanwhile: Textual lays it out itself
        screen.update_node_styles(animate=False)  # what its first push would do
        screen._styled_at = app._css_update_count
        screen._refresh_layout(app.size)
        screen._compositor.render_update(full=True)

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
        _mount_off_screen(app, screen)


def take_prebuilt_mode(app: Any, mode: str) -> Screen | None:
    """The mode's screen built ahead, if it was built in the language shown now."""
    from kenttä.i18n import get_language

    screen, language = app.__dict__.get(PREBUILT_MODES, {}).pop(mode, (None, None))
    if screen is not None and language != get_language():  # F9 meanwhile: made anew
        screen.remove()
        return None
    return screen


def _steps(app: Any) -> Iterator[Callable[[], None]]:
    """What to build ahead, most used first."""
    from kenttä.ui.modals.assessment_form import ASSESSMENT_FORM, AssessmentForm
    from kenttä.ui.screens.client_card import CARD_SCREEN, ClientCardScreen
    from kenttä.ui.screens.note_editor import NOTE_EDITOR, NoteEditorScreen
    from kenttä.ui.screens.plan_editor import PLAN_EDITOR, PlanEditorScreen
    from kenttä.ui.screens.sync import SyncScreen
    from kenttä.ui.screens.vouchers import VouchersScreen

    yield lambda: prebuild(app, CARD_SCREEN, lambda: ClientCardScreen(""))
    yield lambda: prebuild_mode(app, "vouchers", VouchersScreen)
    yield lambda: prebuild_mode(app, "sync", SyncScreen)
    if app.ws.role != "coordinator":  # who writes notes, assessments and plans
        yield lambda: prebuild(app, NOTE_EDITOR, lambda: NoteEditorScreen(""))
        yield lambda: prebuild(app, ASSESSMENT_FORM, lambda: AssessmentForm(""))
        yield lambda: prebuild(app, PLAN_EDITOR, lambda: PlanEditorScreen(""))


def settle_heap(*, collect: bool = True) -> None:
    """Move what the app holds by now (modules, styles, built screens: some 10⁵ objects) out
    of the garbage collector's sight. Python's full collection walks every object: 40–300 ms
    in the middle of opening a screen, now and then (issue 14); it now walks only the new.
    `collect` first drops the young garbage (building the screens leaves some); not a full
    collection, which would stall the event loop as long as the walk it saves."""
    import gc

    if collect:
        gc.collect(1)
    gc.freeze()


def warm_up(app: Any) -> None:
    """Build the screens ahead, one per quiet moment (after the modules are imported)."""
    steps = _steps(app)
    settle_heap(collect=False)

    def next_step() -> None:
        if not app.is_running or getattr(app.idle_lock, "locked", False):
            return
        if app.idle_lock.idle_seconds() < QUIET_SECONDS:
            app.set_timer(RETRY_SECONDS, next_step)  # someone is typing: later
            return
        step = next(steps, None)
        if step is None:
            settle_heap()
            return
        try:
            step()
        except Exception:  # building ahead is only a saving: the screen is made when opened
            return
        app.set_timer(STEP_SECONDS, next_step)

    next_step()
