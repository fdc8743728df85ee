"""The screens show a refusal as a notification in the person's language, never a crash."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kenttä.config import Config
from kenttä.i18n import set_language
from kenttä.services.context import Workspace
from kenttä.services.roles import PERMISSIONS, PermissionDenied
from kenttä.store.db import open_store
from tests.ui.caseload import TODAY, build_caseload
from tests.ui.conftest import settle

SIZE = (100, 30)


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_every_refusal_has_words_in_every_language(language: str) -> None:
    from kenttä.ui.app import error_text

    set_language(language)
    try:
        refusals = {a: PermissionDenied(a, "coach") for a in PERMISSIONS}
        texts = {a: error_text(exc) for a, exc in refusals.items()}
    finally:
        set_language("fi")
    for action, text in texts.items():
        assert text and "\n" not in text and "_" not in text, action
        assert text != str(refusals[action])  # from the catalogue, not the service's English
    assert len(set(texts.values())) == len(texts)  # each says what was refused


def test_finnish_words_for_the_supervisors_actions() -> None:
    from kenttä.ui.app import error_text

    set_language("fi")
    assert error_text(PermissionDenied("resolve_conflict", "coach")) == (
        "Vain esihenkilö voi ratkaista ristiriitoja"
    )


@pytest.fixture
def coordinator(tmp_path: Path) -> Iterator[Workspace]:
    store = open_store(tmp_path / "ui.db")
    boss = Workspace(store, Config(user="testi.esihenkilo", scope="kuopio", role="supervisor"))
    ids = build_caseload(boss)
    ws = Workspace(store, Config(user="testi.koordinaattori", scope="kuopio", role="coordinator"))
    ws.ids = ids  # type: ignore[attr-defined]
    yield ws
    store.close()


async def test_a_refused_action_is_a_notification(coordinator: Workspace) -> None:
    from kenttä.services.clients import notes
    from kenttä.ui.app import KenttaApp
    from kenttä.ui.base import run_db

    app = KenttaApp(coordinator, today=TODAY, language="fi")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        client_id = coordinator.ids["clients"][0]  # type: ignore[attr-defined]
        run_db(app.screen, notes.add_note, client_id, "ei saa tallentua")
        await settle(pilot)
        shown = [n.message for n in app._notifications]
        assert (
            "Vain valmentaja tai esihenkilö voi kirjoittaa merkintöjä, arvioita ja suunnitelmia"
            in (shown)
        )
        assert app.is_running
    written = coordinator.store.conn.execute(
        "SELECT count(*) FROM notes WHERE body = 'ei saa tallentua'"
    ).fetchone()[0]
    assert written == 0


async def test_a_coordinator_opens_a_card_without_notes_or_errors(coordinator: Workspace) -> None:
    from kenttä.ui.app import KenttaApp
    from kenttä.ui.screens.client_card import ClientCardScreen

    app = KenttaApp(coordinator, today=TODAY, language="fi")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        client_id = coordinator.ids["clients"][0]  # type: ignore[attr-defined]
        await app.push_screen(ClientCardScreen(client_id))
        await settle(pilot)
        assert type(app.screen).__name__ == "ClientCardScreen"
        assert app.screen.card.notes == []  # type: ignore[attr-defined]
        assert [n for n in app._notifications if n.severity == "error"] == []
