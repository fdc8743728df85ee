"""Correcting a client's details from the card, by keyboard alone at 80×24 (Pilot)."""

from __future__ import annotations

import os

from textual.widgets import Input, Static

from kenttä.domain.identifiers import expected_check_character, municipalities
from tests.ui.conftest import settle

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

SIZE = (80, 24)
NEW_PHONE = "050 987 6543"


async def open_card(pilot, name: str = "Ojala Lau") -> None:
    await pilot.press("f3")
    await settle(pilot)
    await pilot.press(*name)
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    assert type(pilot.app.screen).__name__ == "ClientCardScreen"


async def focus_field(pilot, field_id: str) -> Input:
    """Tab through the form to a field (as a person would), then clear it."""
    for _ in range(20):
        if pilot.app.focused is not None and pilot.app.focused.id == field_id:
            break
        await pilot.press("tab")
    field = pilot.app.focused
    assert isinstance(field, Input) and field.id == field_id
    await pilot.press("end", "ctrl+u")
    return field


def summary(app) -> str:
    return app.screen.query_one("#summary-text", Static).content.plain


def changes_logged(app, client_id: str) -> list[str]:
    rows = app.ws.store.conn.execute(
        "SELECT col FROM _changes WHERE tbl = 'clients' AND row_id = ? AND op = 'update'",
        (client_id,),
    ).fetchall()
    return [r[0] for r in rows]


async def test_correct_the_phone_number_from_the_card(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_card(pilot)
        client_id = app.screen.client_id
        old_phone = app.screen.card.client.phone
        assert old_phone and old_phone in summary(app)
        await pilot.press("m")
        await settle(pilot)
        assert type(app.screen).__name__ == "ClientEditModal"
        form = app.screen
        assert form.query_one("#first-name", Input).value == "Lauri"  # pre-filled
        assert form.query_one("#last-name", Input).value == "Ojala"
        assert form.query_one("#phone", Input).value == old_phone
        code = app.screen.original.municipality  # shown by name; saved unchanged (only
        assert form.query_one("#municipality", Input).value == municipalities()[code]  # phone)
        await focus_field(pilot, "phone")
        await pilot.press(*NEW_PHONE)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "ClientCardScreen"
        assert NEW_PHONE in summary(app)
        assert old_phone not in summary(app)
        assert any(n.message == "Asiakkaan tiedot tallennettu" for n in app._notifications)
        assert changes_logged(app, client_id) == ["phone"]


async def test_a_wrong_check_character_is_named_and_nothing_is_saved(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_card(pilot)
        client_id = app.screen.client_id
        hetu = app.screen.card.client.henkilotunnus
        await pilot.press("m")
        await settle(pilot)
        expected = expected_check_character(hetu)
        wrong = hetu[:-1] + ("X" if expected != "X" else "Y")
        await focus_field(pilot, "hetu")
        await pilot.press(*wrong)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "ClientEditModal"
        reason = app.screen.query_one("#form-error", Static).content
        assert f"pitäisi olla {expected}" in str(reason)
        assert app.focused is not None and app.focused.id == "hetu"
        await pilot.press("escape")  # the form was changed: Esc asks before discarding
        await settle(pilot)
        assert type(app.screen).__name__ == "ConfirmModal"
        await pilot.press("y")
        await settle(pilot)
        assert type(app.screen).__name__ == "ClientCardScreen"
        assert changes_logged(app, client_id) == []


async def test_a_henkilotunnus_of_another_client_is_refused(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_card(pilot)
        client_id = app.screen.client_id
        other = app.ws.store.conn.execute(
            "SELECT henkilotunnus FROM clients WHERE id != ? AND henkilotunnus IS NOT NULL",
            (client_id,),
        ).fetchone()[0]
        await pilot.press("m")
        await settle(pilot)
        await focus_field(pilot, "hetu")
        await pilot.press(*other)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "ClientEditModal"
        reason = str(app.screen.query_one("#form-error", Static).content)
        assert reason == "Asiakas tällä henkilötunnuksella on jo olemassa"
        assert changes_logged(app, client_id) == []


async def test_a_phone_that_is_no_phone_number_is_refused_by_the_import_s_rule(make_app) -> None:
    """Issue 14: the form checks a typed phone number with the same domain rule as
    `kenttä import` (`validate_phone`), names it in words, and saves nothing."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_card(pilot)
        client_id = app.screen.client_id
        old_phone = app.screen.card.client.phone
        await pilot.press("m")
        await settle(pilot)
        await focus_field(pilot, "phone")
        await pilot.press(*"040 abc")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "ClientEditModal"
        reason = str(app.screen.query_one("#form-error", Static).content)
        assert reason == "Ei kelpaa puhelinnumeroksi (numerot, välilyönnit, + - ( ), 6–15 numeroa)"
        assert app.focused is not None and app.focused.id == "phone"
        assert changes_logged(app, client_id) == []
    phone = app.ws.store.conn.execute("SELECT phone FROM clients WHERE id = ?", (client_id,))
    assert phone.fetchone()[0] == old_phone
