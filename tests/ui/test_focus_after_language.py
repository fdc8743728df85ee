"""Issue 14: after F9 (language) every screen still opens with its list focused, so the next
key is a command (`b`, `n`, `v`), never a letter typed into the search box."""

from __future__ import annotations

import pytest

from tests.ui.conftest import settle

# (the screen's key, the widget that has the focus when it opens)
SCREENS = [
    ("f2", "today-list"),
    ("f3", "client-table"),
    ("f4", "employer-table"),
    ("f5", "voucher-table"),
]


def _focused(app) -> str | None:
    return getattr(app.screen.focused, "id", None)


@pytest.mark.slow
async def test_f9_on_another_screen_keeps_each_screens_focus(make_app) -> None:
    """Each screen opened once, F9 pressed elsewhere, then back: the list has the focus."""
    app = make_app("fi")
    async with app.run_test(size=(80, 24)) as pilot:
        opened: dict[str, str | None] = {}
        for key, _ in SCREENS:
            await pilot.press(key)
            await settle(pilot)
            opened[key] = _focused(app)
        await pilot.press("f2", "f9")  # fi → sv while on Today
        await settle(pilot)
        for key, table in SCREENS:
            await pilot.press(key)
            await settle(pilot)
            assert _focused(app) == opened[key] == table, key


@pytest.mark.slow
async def test_f9_on_the_screen_keeps_its_focus(make_app, caseload_ws) -> None:
    app = make_app("fi")
    async with app.run_test(size=(80, 24)) as pilot:
        for key, table in SCREENS:
            await pilot.press(key)
            await settle(pilot)
            await pilot.press("f9")
            await settle(pilot)
            assert _focused(app) == table, key
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("b")  # the needs board, not a "b" in the search box
        await settle(pilot)
        assert type(app.screen).__name__ == "NeedsBoardScreen"


@pytest.mark.slow
async def test_f9_on_the_dashboard_and_sync_keeps_a_focus(make_app) -> None:
    app = make_app("fi")
    async with app.run_test(size=(80, 24)) as pilot:
        for keys in (["f6"], ["f7"]):
            await pilot.press(*keys)
            await settle(pilot)
            before = _focused(app)
            await pilot.press("f9")
            await settle(pilot)
            assert _focused(app) == before, keys
            await pilot.press("f2")
            await settle(pilot)
