"""What every kenttä screen shares: translated bindings, database work in threads, reloads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events
from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import _footer
from textual.worker import get_current_worker

from kenttä.i18n import has, t

if TYPE_CHECKING:
    from kenttä.ui.app import KenttaApp


def translate_bindings(node: DOMNode) -> None:
    """Bindings are declared with catalogue keys as descriptions; show them translated."""
    source = type(node)._merged_bindings or BindingsMap()
    translated: dict[str, list[Binding]] = {}
    for key, bindings in source.key_to_bindings.items():
        translated[key] = [
            replace(b, description=t(b.description)) if b.description else b for b in bindings
        ]
    node._bindings = BindingsMap.from_keys(translated)


def _textual_key(description: str) -> str:
    """`Dismiss menu` → `textual.dismiss_menu`: where Textual's own words are translated."""
    slug = "".join(ch if ch.isalnum() else "_" for ch in description.lower()).strip("_")
    return f"textual.{slug}"


class _TranslatedFooterKey(_footer.FooterKey):
    """A key in the footer; Textual's own widgets (Select's open menu, the command palette)
    describe their keys in English, so their words come from the catalogue's `[textual]`."""

    def __init__(self, key: str, key_display: str, description: str, *a: Any, **kw: Any) -> None:
        if description and has(_textual_key(description)):
            description = t(_textual_key(description))
        super().__init__(key, key_display, description, *a, **kw)
        # Textual's key starts compact and its footer then binds it to "not compact": two
        # restyles of every key on every screen opened (most of opening a form, issue 14).
        # Start as the footers here are (not compact): the binding then changes nothing.
        # The command palette's key is not bound to the footer: it stays compact.
        if "-command-palette" not in str(kw.get("classes", "")):
            self.set_reactive(_footer.FooterKey.compact, False)


_footer.FooterKey = _TranslatedFooterKey  # type: ignore[misc]  # what every Footer shows


def _footer_signature(footer: _footer.Footer, screen: Any) -> tuple:
    """Everything of a screen's bindings that its footer's keys show."""
    app = footer.app
    keys = tuple(
        (key, binding.key, app.get_key_display(binding), binding.description, binding.action,
         binding.show, binding.group, binding.tooltip, enabled, tooltip)
        for key, (_node, binding, enabled, tooltip) in screen.active_bindings.items()
        if binding.show  # a hidden key (Input's, DataTable's) changes nothing shown
    )  # fmt: skip
    return keys, footer.show_command_palette, app.ENABLE_COMMAND_PALETTE


def _footer_bindings_changed(self: _footer.Footer, screen: Any) -> None:
    """Textual's footer rebuilds all its keys after every bindings signal (each focus change,
    each resume: 5–8 times while a screen or form opens, issue 14). Rebuild once after the
    signals of one refresh, and only when the keys it would show have changed."""
    self._bindings_ready = True
    if not screen.app.app_focus:
        return
    if self.is_attached and screen is self.screen and not getattr(self, "_rebuild_due", False):
        self._rebuild_due = True
        self.call_after_refresh(_footer_rebuild, self)


async def _footer_rebuild(footer: _footer.Footer) -> None:
    footer._rebuild_due = False  # type: ignore[attr-defined]
    if not footer.is_attached:
        return
    if footer.screen is not footer.app.screen and _stacked(footer.app, footer.screen):
        # a screen under another (Clients under the card it opened: its search lost the focus)
        # shows its keys again only when it is on top: rebuilt then, if they changed at all,
        # not in the middle of opening the screen above (30–50 ms of it, issue 14)
        _rebuild_when_shown(footer)
        return
    shown = _footer_signature(footer, footer.screen)
    if shown == getattr(footer, "_keys_shown", None):
        return
    footer._keys_shown = shown  # type: ignore[attr-defined]
    await footer.recompose()


def _stacked(app: Any, screen: Any) -> bool:
    """In a stack of the app (shown, or under what is shown); not a screen built ahead."""
    return any(screen in stack for stack in app._screen_stacks.values())


def _rebuild_when_shown(footer: _footer.Footer) -> None:
    app = footer.app
    if getattr(footer, "_waiting_to_be_shown", False):
        return
    footer._waiting_to_be_shown = True  # type: ignore[attr-defined]

    def shown(screen: Any) -> None:
        if screen is footer.screen:
            footer._waiting_to_be_shown = False  # type: ignore[attr-defined]
            app.screen_change_signal.unsubscribe(footer)
            _footer_bindings_changed(footer, screen)

    app.screen_change_signal.subscribe(footer, shown)


_footer.Footer.bindings_changed = _footer_bindings_changed  # type: ignore[method-assign]


def run_db(
    node: DOMNode,
    fn: Callable[..., Any],
    *args: Any,
    done: Callable[[Any], Any] | None = None,
    failed: Callable[[Exception], Any] | None = None,
    group: str = "db",
    exclusive: bool = True,
    write: bool = False,
    **kwargs: Any,
) -> None:
    """Run `fn(ws, *args, **kwargs)` in a thread, one at a time per database, then `done`.

    A read (the default) runs in an exclusive group: a newer read replaces it, and the result
    of a replaced read is dropped. A write (`write=True`) is never cancelled — not by a reload,
    not by its screen closing: it runs as the app's worker, outside any exclusive group, and
    always ends in `done` or in `failed` (by default the app's error toast).
    """
    app: KenttaApp = node.app  # type: ignore[assignment]

    def deliver(callback: Callable[[Any], Any], value: Any, *, failure: bool = False) -> None:
        if node is not app and not getattr(node, "is_attached", True):
            # the screen closed meanwhile: a write is done all the same; a failure is said
            if failure:
                app.show_error(value)
            return
        try:
            callback(value)
        except Exception as exc:  # a bug in showing the result: say so, keep running
            app.show_error(exc)

    def job() -> None:
        worker = get_current_worker()
        try:
            with app.db_lock:
                if worker.is_cancelled and not write:
                    return
                result = fn(app.ws, *args, **kwargs)
        except Exception as exc:  # shown to the person in words, never as a traceback
            if write or not worker.is_cancelled:
                app.call_from_thread(deliver, failed or app.show_error, exc, failure=True)
            return
        if done is not None and (write or not worker.is_cancelled):
            app.call_from_thread(deliver, done, result)

    if write:
        app.run_worker(job, thread=True, group=f"write:{group}", exit_on_error=False)
    else:
        node.run_worker(job, thread=True, group=group, exclusive=exclusive, exit_on_error=False)


def role_actions(ws: Any) -> frozenset[str]:
    """What this workspace's role may do (a read for a screen deciding which keys to show)."""
    from kenttä.services.roles import actions_for, role_of

    return frozenset(actions_for(role_of(ws)))


class Translated:
    """Mixin for screens: translated bindings, a title key, and a reload after a switch."""

    TITLE_KEY: ClassVar[str] = "app.title"
    RECOMPOSE_ON_LANGUAGE: ClassVar[bool] = True
    """False for screens holding typed text (editors, forms): only keys and title change."""

    def _init_translation(self) -> None:
        translate_bindings(self)  # type: ignore[arg-type]

    def _keep_text_on_focus(self) -> None:
        """Tab into a field puts the cursor after its text; it never selects the text (one
        Space or Backspace would wipe a date or a goal). Textual's Input selects on focus."""
        from textual.widgets import Input  # not on the start path (Today has no fields)

        for field in self.query(Input):  # type: ignore[attr-defined]
            field.select_on_focus = False

    def _on_mount(self, event: events.Mount) -> None:
        # Called by Textual besides the screen's own on_mount (handlers run for each class).
        self._keep_text_on_focus()

    _styled_at: int | None = None  # the app's CSS generation the screen was last restyled at

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        # Runs before Textual's own handler (Screen._on_screen_resume), which restyles every
        # widget of the screen on each push: a third to a half of reopening a kept screen
        # (issue 14). Styles only go stale when the app's CSS changed (theme, stylesheet: the
        # generation moves on); a widget's own class or focus change restyles it at once.
        generation = self.app._css_update_count  # type: ignore[attr-defined]
        if event.refresh_styles and self._styled_at == generation:
            event.refresh_styles = False
        self._styled_at = generation

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        from textual.widgets import Input

        field = event.widget
        if isinstance(field, Input):
            field.select_on_focus = False
            field.cursor_position = len(field.value)

    async def retranslate(self) -> None:
        translate_bindings(self)  # type: ignore[arg-type]
        self.sub_title = self.screen_title()
        if self.RECOMPOSE_ON_LANGUAGE:
            focused = getattr(self.focused, "id", None)  # type: ignore[attr-defined]
            await self.recompose()  # type: ignore[attr-defined]
            self._keep_text_on_focus()
            self._focus_again(focused)
            self.reload()
        self.refresh_bindings()  # type: ignore[attr-defined]

    def _focus_again(self, widget_id: str | None) -> None:
        """After a recompose the widget that had the focus is focused again (the list, not
        the first field: the next key is a command, never a letter typed into a search)."""
        if widget_id is None:
            return
        for widget in self.query(f"#{widget_id}"):  # type: ignore[attr-defined]
            if widget.focusable:
                self.set_focus(widget)  # type: ignore[attr-defined]
            return

    def screen_title(self) -> str:
        """The title in the current language (a screen may add whose record it is)."""
        return t(self.TITLE_KEY)

    def reload(self) -> None:
        """Fetch the screen's data again (in a worker)."""

    def db(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        """A read for the screen (a newer read of the same group replaces it)."""
        run_db(self, fn, *args, **kwargs)  # type: ignore[arg-type]

    def db_now(
        self,
        fn: Callable[..., Any],
        *args: Any,
        done: Callable[[Any], Any],
        group: str = "db",
        **kwargs: Any,
    ) -> None:
        """A quick read (a millisecond) a screen shows as it opens: read at once when the
        database is free, so the screen's first frame already shows it (not an empty frame,
        then a second one; issue 14); when a thread holds the database, read as `db` does.
        An older read of the same group still on its way is dropped."""
        app = self.kapp
        if not app.db_lock.acquire(blocking=False):
            self.db(fn, *args, done=done, group=group, **kwargs)
            return
        self.workers.cancel_group(self, group)  # type: ignore[attr-defined]
        try:
            result = fn(app.ws, *args, **kwargs)
        except Exception as exc:  # shown in words, as a read in a thread would be
            app.db_lock.release()
            app.show_error(exc)
            return
        app.db_lock.release()
        done(result)

    def write(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        """A write: never cancelled by a reload; it ends in `done` or in `failed`."""
        run_db(self, fn, *args, write=True, **kwargs)  # type: ignore[arg-type]

    @property
    def kapp(self) -> KenttaApp:
        return self.app  # type: ignore[attr-defined,return-value]


def set_sub_title_now(screen: Any, text: str) -> None:
    """The screen's subtitle (whose record it is), in the header's next frame: Textual's
    header takes it through an async watcher, two frames after the rest (issue 14)."""
    from textual.css.query import NoMatches
    from textual.widgets import Header
    from textual.widgets._header import HeaderTitle

    screen.sub_title = text
    try:
        header = screen.query_one(Header)
        header.query_one(HeaderTitle).update(header.format_title())
    except NoMatches:
        pass


def lay_out_now(widget: Any) -> None:
    """Lay out the shown screen now that `widget` (auto height) holds new text: its first
    frame then has the right layout. Textual would take two message hops and draw a frame of
    the old layout first (a card's opening: two frames, 30–60 ms, issue 14)."""
    from textual.widget import Widget

    screen = widget.screen
    if not screen.is_current or widget.app._batch_count:
        return
    for ancestor in widget.ancestors:  # what Textual's own refresh does before a layout
        if not isinstance(ancestor, Widget):
            break
        ancestor._clear_arrangement_cache()
    draw_whole_screen(screen)
    widget._layout_required = False  # laid out: no second layout for the same text


def draw_whole_screen(screen: Any) -> None:
    """Lay out and draw the whole shown screen now, as Textual's own frame after a push or a
    switch does: the terminal may still show the screen before, and a partial update would
    draw only the screen's own changes over it."""
    screen._dirty_widgets.clear()
    screen._dirty_widgets.add(screen)
    screen._repaint_required = False
    screen._refresh_layout()


class BaseScreen(Translated, Screen):
    RELOAD_ON_RESUME: ClassVar[bool] = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._init_translation()
        self._loaded_once = False
        self._resumed = False
        self._styled_as_now()

    def _styled_as_now(self) -> None:
        """A screen made now is styled by the stylesheet as it is now when it mounts. Textual
        does not know that: the first switch to a mode's new screen (F5, F6…) re-parses every
        rule and restyles every screen of the app (~100 ms, issue 14). Say it is current."""
        from contextlib import suppress

        from textual._context import active_app

        with suppress(LookupError):  # made outside a running app: Textual decides as before
            self._css_update_count = active_app.get()._css_update_count

    def on_mount(self) -> None:
        self.sub_title = t(self.TITLE_KEY)

    def on_screen_resume(self) -> None:
        # Textual resumes a mode's new screen twice (making the mode, then switching to it):
        # one reload is enough until the screen has been suspended again.
        if self._resumed:
            return
        self._resumed = True
        if self.RELOAD_ON_RESUME or not self._loaded_once:
            self._loaded_once = True
            self.reload()

    def on_screen_suspend(self) -> None:
        self._resumed = False

    loaded_ahead = False  # read while built ahead (kenttä.ui.kept), before its first opening

    def load_ahead(self) -> None:
        """Read the screen's data while it is built ahead, not shown (its opening reads again,
        as every later opening does, and shows these rows until then)."""
        self.loaded_ahead = True
        self.reload()


class BaseModal(Translated, ModalScreen):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._init_translation()

    def on_mount(self) -> None:
        self.reload()
