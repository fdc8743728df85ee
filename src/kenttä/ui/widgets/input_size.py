"""A fix for Textual's Input: a layout of the whole screen on every typed letter.

Input keeps its virtual size at the width of its text (for scrolling along a long value) and
sets it on every change of the value; the virtual size is a layout reactive, so each letter
asks for a layout of the whole screen (8–30 ms of the event loop, in every search box and form
field; issue 14). An Input whose own size does not follow its text (not `auto`) needs no layout
for that: its scroll range follows the virtual size without one. `apply()` is called once,
when the app module is imported.
"""

from __future__ import annotations

from typing import Any

from textual.widgets import Input

_PATCHED = "_kentta_letter_without_layout"
_IN_VALUE_CHANGE = "_kentta_value_changing"


def apply() -> None:
    if getattr(Input, _PATCHED, False):
        return
    watch_value = Input._watch_value
    refresh = Input.refresh

    def value_changed(self: Input, value: str) -> None:
        setattr(self, _IN_VALUE_CHANGE, True)
        try:
            watch_value(self, value)
        finally:
            setattr(self, _IN_VALUE_CHANGE, False)

    def refresh_without_layout(self: Input, *regions: Any, **kwargs: Any) -> Input:
        if (
            kwargs.get("layout")
            and getattr(self, _IN_VALUE_CHANGE, False)
            and not self.styles.auto_dimensions
        ):
            kwargs["layout"] = False  # the text's width changed, not the Input's
        return refresh(self, *regions, **kwargs)

    Input._watch_value = value_changed  # type: ignore[method-assign]
    Input.refresh = refresh_without_layout  # type: ignore[method-assign]
    setattr(Input, _PATCHED, True)
