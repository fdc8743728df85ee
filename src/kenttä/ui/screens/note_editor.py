"""Writing a note (or a correction): the draft autosaves as you type, so nothing is lost."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Header, Select, Static, TextArea

from kenttä.domain.codes import NoteKind
from kenttä.i18n import code, t
from kenttä.services.clients import core as client_service
from kenttä.services.clients import drafts
from kenttä.services.clients import notes as note_service
from kenttä.ui.base import BaseScreen, run_db, set_sub_title_now
from kenttä.ui.parsing import format_date

AUTOSAVE_SECONDS = 0.3
NOTE_EDITOR = "note-editor"


def open_note_editor(app: Any, client_id: str) -> None:
    """A new note for a client: one editor, kept and emptied for each opening (a correction
    shows the note it corrects: it gets an editor of its own)."""
    from kenttä.ui.kept import open_kept

    open_kept(
        app,
        NOTE_EDITOR,
        lambda: NoteEditorScreen(client_id),
        lambda editor: editor.reuse(client_id),
    )


class NoteEditorScreen(BaseScreen):
    TITLE_KEY = "note.title"
    # DEFAULT_CSS, not a CSS_PATH: see ClientCardScreen
    DEFAULT_CSS = """
    NoteEditorScreen #note-original { height: 7; border-bottom: solid $primary; padding: 0 1; }
    NoteEditorScreen #note-meta { height: 1; margin: 0 1; }
    NoteEditorScreen #note-kind { width: 30; }
    NoteEditorScreen #note-draft-state { width: 1fr; color: $text-muted; text-align: right; }
    NoteEditorScreen #note-body { height: 1fr; }
    """
    RECOMPOSE_ON_LANGUAGE = False
    RELOAD_ON_RESUME = False
    BINDINGS: ClassVar = [
        Binding("ctrl+s", "save", "keys.save", priority=True),
        Binding("escape", "leave", "keys.leave_draft"),
        Binding("ctrl+d", "discard", "keys.discard_draft"),
    ]

    def __init__(self, client_id: str, corrects: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.client_id = client_id
        self.corrects = corrects
        self.draft_key = drafts.note_key(client_id, corrects["id"] if corrects else None)
        self._timer: Any = None
        self._dirty = False
        self._saved = False
        self._ready = False
        self.whose = ""

    def compose(self) -> ComposeResult:
        yield Header()
        if self.corrects is not None:
            head = Text(
                t("note.correcting", date=format_date(self.corrects["written_at"])) + "\n",
                style="bold",
            )
            head.append(self.corrects["body"])
            with VerticalScroll(id="note-original"):
                yield Static(head)
        with Horizontal(id="note-meta"):
            yield Select[str](
                [(code("note_kind", k.value), k.value) for k in NoteKind],
                value=self.corrects["kind"] if self.corrects else NoteKind.MEETING.value,
                allow_blank=False,
                compact=True,
                id="note-kind",
            )
            yield Static(id="note-draft-state")
        yield TextArea(id="note-body", soft_wrap=True, tab_behavior="focus")
        yield Footer()

    def reuse(self, client_id: str) -> None:
        """Make this kept editor a new note for `client_id`, empty (nothing of the note or the
        client before, not for a frame); its draft is read when it is shown."""
        if self._timer is not None:
            self._timer.stop()
        self.client_id = client_id
        self.draft_key = drafts.note_key(client_id, None)
        self._timer = None
        self._dirty = self._saved = self._ready = False
        self._loaded_once = False  # the draft and the name are read on the next resume
        self.whose = ""
        self.sub_title = self.screen_title()
        if not self.is_mounted:
            return
        self.query_one("#note-body", TextArea).load_text("")
        self.query_one("#note-draft-state", Static).update("")
        self.query_one("#note-kind", Select).value = NoteKind.MEETING.value

    def reload(self) -> None:
        key, client_id = self.draft_key, self.client_id
        if not client_id:  # built ahead (kenttä.ui.kept): nothing to read until reused
            return
        self.db_now(
            lambda ws: (key, drafts.load_draft(ws, key)), done=self._loaded, group="draft-load"
        )
        self.db_now(
            lambda ws: (client_id, client_service.names_of(ws, [client_id]).get(client_id, "")),
            done=self._show_whose,
            group="note-whose",
        )

    def _show_whose(self, read: tuple[str, str]) -> None:
        """Whose record the note goes to: the client's name in the title."""
        client_id, name = read
        if client_id != self.client_id:  # read for the client this editor had before
            return
        self.whose = name
        set_sub_title_now(self, self.screen_title())

    def screen_title(self) -> str:
        return f"{t(self.TITLE_KEY)}: {self.whose}" if self.whose else t(self.TITLE_KEY)

    def _loaded(self, read: tuple[str, str | None]) -> None:
        key, body = read
        if key != self.draft_key:  # the draft of the note this editor had before
            return
        area = self.query_one("#note-body", TextArea)
        if body is not None:
            area.load_text(body)
            self.query_one("#note-draft-state", Static).update(t("note.draft_restored"))
        elif self.corrects is not None:
            area.load_text(self.corrects["body"])
        area.move_cursor(area.document.end)
        area.focus()
        self._ready = True

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if not self._ready or self._saved:
            return
        self._dirty = True
        if self._timer is None:
            self._timer = self.set_timer(AUTOSAVE_SECONDS, self._autosave)

    def _autosave(self) -> None:
        self._timer = None
        if self._dirty and not self._saved:
            self._dirty = False
            body = self.query_one("#note-body", TextArea).text
            key = self.draft_key
            run_db(
                self.app,
                drafts.save_draft,
                key,
                body,
                done=lambda _: self._show_draft_saved(key),
                group="draft",
                write=True,
            )

    def _show_draft_saved(self, key: str) -> None:
        if self.is_attached and key == self.draft_key and not self._saved:
            self.query_one("#note-draft-state", Static).update(t("note.draft_saved"))

    def action_save(self) -> None:
        if self._saved:
            return  # already saving: a second Ctrl+S must not write the note twice
        body = self.query_one("#note-body", TextArea).text
        if not body.strip():
            self.notify(t("note.empty"), severity="warning")
            return
        kind = self.query_one("#note-kind", Select).value
        self._saved = True
        run_db(
            self.app,
            note_service.add_note,
            self.client_id,
            body,
            kind=str(kind),
            corrects=self.corrects["id"] if self.corrects else None,
            done=self._note_saved,
            failed=self._save_failed,
            group="note-save",
            write=True,
        )

    def _note_saved(self, _note: Any) -> None:
        self.app.notify(t("note.saved"))
        if self.app.screen is self:
            self.dismiss(True)

    def _save_failed(self, exc: Exception) -> None:
        self.kapp.show_error(exc)
        if type(exc).__name__ == "PermissionDenied":
            # the role may not write this note: a draft that can never be saved is not kept
            run_db(self.app, drafts.discard_draft, self.draft_key, group="draft", write=True)
            if self.app.screen is self:
                self.dismiss(False)
            return
        self._saved = False

    def action_leave(self) -> None:
        """Leave the editor; the draft is saved first (the card then shows it waiting)."""
        if self._saved:
            return
        body = self.query_one("#note-body", TextArea).text
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._saved = True  # no more autosaves from this editor

        def left(_: object = None) -> None:
            if body.strip():
                self.app.notify(t("note.draft_kept"))
            if self.app.screen is self:
                self.dismiss(False)

        if self._ready:  # always: an autosave may still be on its way
            run_db(
                self.app,
                drafts.save_draft,
                self.draft_key,
                body,
                done=left,
                failed=self._save_failed,
                group="draft-leave",
                write=True,
            )
        else:
            left()

    def action_discard(self) -> None:
        from kenttä.ui.modals.confirm import ConfirmModal

        def answer(yes: bool | None) -> None:
            if yes:
                self._saved = True
                run_db(self.app, drafts.discard_draft, self.draft_key, group="draft", write=True)
                self.dismiss(False)

        self.app.push_screen(ConfirmModal(t("note.discard_question")), answer)
