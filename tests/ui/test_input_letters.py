"""A letter typed into a field lays out nothing (issue 14, keystroke speed): Textual's Input
asked for a layout of the whole screen on each letter. A long value still scrolls so the
cursor and the last letters typed stay in sight, and an `auto`-width Input still grows."""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult
from textual.widgets import Input, Static

import kenttä.ui.app  # noqa: F401  # applies the app's fixes to Textual's widgets


class Fields(App[None]):
    CSS = "#grows { width: auto; }"

    def compose(self) -> ComposeResult:
        yield Input(id="field")
        yield Input(id="grows")
        yield Static("under the fields")


def count_layouts(screen: Any) -> list[int]:
    counted = [0]
    lay_out = screen._refresh_layout

    def counting(*args: Any, **kwargs: Any) -> None:
        counted[0] += 1
        lay_out(*args, **kwargs)

    screen._refresh_layout = counting
    return counted


async def test_letters_typed_into_a_field_lay_out_nothing_and_a_long_value_scrolls():
    app = Fields()
    async with app.run_test(size=(40, 12)) as pilot:
        field = app.query_one("#field", Input)
        field.focus()
        await pilot.pause()
        layouts = count_layouts(app.screen)
        typed = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ"
        for letter in typed:
            await pilot.press(letter)
        await pilot.pause()
        assert field.value == typed
        assert layouts[0] == 0
        # scrolled along: the cursor, after the last letter, is in sight
        assert field.scroll_x > 0
        assert 0 <= field.cursor_position - field.scroll_x < field.scrollable_content_region.width


async def test_an_auto_width_field_still_grows_with_its_text():
    app = Fields()
    async with app.run_test(size=(60, 12)) as pilot:
        grows = app.query_one("#grows", Input)
        grows.focus()
        await pilot.pause()
        before = grows.size.width
        for letter in "a longer value":
            await pilot.press(letter)
        await pilot.pause()
        assert grows.size.width > before
