"""Every main screen in every language: no catalogue key shows through untranslated."""

from __future__ import annotations

import pytest

from kenttä import i18n
from tests.ui.conftest import settle

WALK = [
    [],
    ["f3", *"Ojala Lau", "enter"],
    ["n"],
    ["escape", "v"],
    ["escape", "f4", "down", "enter"],
    ["v"],
    ["escape", "f5"],
    ["f6"],
    ["f1"],
]


def screen_text(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


@pytest.mark.parametrize("language", ["sv"])  # a key missing in fi shows in any language
async def test_no_untranslated_keys_on_screen(make_app, language: str) -> None:
    keys = {k for k in i18n.catalogue("fi") if "." in k}
    app = make_app(language)
    seen: list[str] = []
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        for step in WALK:
            for key in step:
                await pilot.press(key)
            await settle(pilot)
            text = screen_text(app)
            seen += [k for k in keys if k in text]
    assert seen == []


async def test_an_empty_database_opens(tmp_path) -> None:
    from kenttä.config import Config
    from kenttä.services.context import Workspace
    from kenttä.store.db import open_store
    from kenttä.ui.app import KenttaApp

    ws = Workspace(open_store(tmp_path / "empty.db"), Config(user="uusi"))
    app = KenttaApp(ws)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for key in ("f3", "f4", "f5", "f6", "f2"):
            await pilot.press(key)
            await settle(pilot)
        assert type(app.screen).__name__ == "TodayScreen"
    ws.close()
