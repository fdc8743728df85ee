"""Building ahead: the kept screens (kenttä.ui.kept) and the F5/F6 views, made in a quiet
moment after Today is shown, one at a time and only while nobody is typing; then the heap is
settled. A module of its own because it names the screens, which use kenttä.ui.kept."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from kenttä.ui.kept import QUIET_SECONDS, RETRY_SECONDS, STEP_SECONDS, prebuild, prebuild_mode


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
