"""The shape every form shares: a titled box, labelled fields, a reason line, Ctrl+S / Esc."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import suppress
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Footer, Input, Label, Select, Static

from kenttä.i18n import t
from kenttä.ui.base import BaseModal
from kenttä.ui.parsing import InputError, parse_date


class FormError(ValueError):
    """A field that does not validate: which field, and why in words."""

    def __init__(self, field_id: str, message: str) -> None:
        super().__init__(message)
        self.field_id = field_id


class FormModal(BaseModal):
    """Subclasses give `TITLE_KEY`, `fields()` and `submit()` (which may raise FormError)."""

    RECOMPOSE_ON_LANGUAGE = False
    DEFAULT_CSS = """
    FormModal { align: center middle; }
    FormModal > #form-box {
        width: 78; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    FormModal .form-label { margin-top: 0; color: $text-muted; }
    FormModal Input.-textual-compact { background: $boost; }
    FormModal Input.-textual-compact:focus { background: $primary 30%; }
    FormModal #form-error { color: $error; height: auto; margin-top: 1; }
    FormModal Input, FormModal Select { width: 100%; }
    """
    BINDINGS: ClassVar = [
        Binding("ctrl+s", "submit", "keys.save", priority=True),
        Binding("escape", "cancel", "keys.cancel"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="form-box") as box:
            box.border_title = t(self.TITLE_KEY)
            for widget in self.fields():
                if isinstance(widget, (Input, Select)):
                    # compact before mounting: set after (on_mount) it restyles each field
                    # once more while the form opens (issue 14)
                    widget.compact = True
                yield widget
            yield Static(id="form-error")
        yield Footer()

    def fields(self) -> Iterable[Widget]:
        return []

    FIELDS = "#form-box Input, #form-box Select, #form-box TextArea, #form-box SelectionList"

    def on_mount(self) -> None:
        for widget in self.query("#form-box Input, #form-box Select"):
            widget.compact = True  # type: ignore[attr-defined]
        if self.waits_for_record():
            # built ahead: its first field focused already (else Textual focuses the form's
            # box, and moving from it restyles every field as the form opens)
            self.focus_first()
            return
        self.begin()

    def waits_for_record(self) -> bool:
        """True for a form built ahead (kenttä.ui.kept): it begins when it is given one."""
        return False

    def begin(self) -> None:
        """Each opening: no reason shown, what the fields hold now is the unchanged state,
        the form's reads, the first field focused."""
        self._busy = False
        self.query_one("#form-error", Static).update("")
        self._opened_with = self.field_values()
        self.reload()
        self.focus_first()

    def field_values(self) -> dict[str, Any]:
        """What every field holds now (to tell whether the person changed anything)."""
        values: dict[str, Any] = {}
        for index, widget in enumerate(self.query(self.FIELDS)):
            if isinstance(widget, Select):
                value: Any = widget.value
            elif isinstance(widget, Input):
                value = widget.value
            elif hasattr(widget, "selected"):
                value = tuple(widget.selected)
            else:
                value = getattr(widget, "text", "")
            values[widget.id or str(index)] = value
        return values

    def changed(self) -> bool:
        """Whether a field holds something other than what the form opened with."""
        opened = getattr(self, "_opened_with", None)
        return opened is not None and self.field_values() != opened

    def focus_first(self) -> None:
        for widget in self.query("#form-box Input, #form-box Select, #form-box TextArea"):
            if widget.focusable:
                widget.focus()
                break

    @staticmethod
    def label(key: str, **params: Any) -> Label:
        return Label(t(key, **params), classes="form-label")

    def value(self, field_id: str) -> str:
        widget = self.query_one(f"#{field_id}")
        if isinstance(widget, Select):
            return "" if widget.value is Select.NULL else str(widget.value)
        if isinstance(widget, Input):
            return widget.value
        return str(getattr(widget, "text", ""))

    def date_value(self, field_id: str, *, required: bool = False) -> Any:
        try:
            value = parse_date(self.value(field_id), today=self.kapp.today)
        except InputError as exc:
            raise FormError(field_id, str(exc)) from None
        if value is None and required:
            raise FormError(field_id, t("validation.required"))
        return value

    def required(self, field_id: str) -> str:
        text = self.value(field_id).strip()
        if not text:
            raise FormError(field_id, t("validation.required"))
        return text

    def show_reason(self, message: str, field_id: str | None = None) -> None:
        self.query_one("#form-error", Static).update(message)
        if field_id:
            with suppress(Exception):
                self.query_one(f"#{field_id}").focus()

    _busy = False

    def write(self, fn: Any, *args: Any, **kwargs: Any) -> None:
        """The form's save: it runs once (a second Ctrl+S waits) and reports to the form."""
        if self._busy:
            return
        self._busy = True
        kwargs.setdefault("failed", self.failed)
        super().write(fn, *args, **kwargs)

    def action_submit(self) -> None:
        if self._busy:
            return
        try:
            self.submit()
        except FormError as exc:
            self.show_reason(str(exc), exc.field_id)

    def submit(self) -> None:
        raise NotImplementedError

    def failed(self, exc: Exception) -> None:
        from kenttä.ui.errors import error_text

        self._busy = False
        self.show_reason(error_text(exc))

    def action_cancel(self) -> None:
        """Esc: close; when something was typed or chosen, only after asking."""
        if not self.changed():
            self.dismiss(None)
            return
        from kenttä.ui.modals.confirm import ConfirmModal

        def answer(yes: bool | None) -> None:
            if yes and self.is_attached and not self._busy:
                self.dismiss(None)

        self.app.push_screen(ConfirmModal(t("unsaved.question")), answer)
