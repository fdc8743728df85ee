"""The client card is built once and reused (issue 14, opening speed): another client's card
shows only that client, from the first frame, and a late read for the client before is never
shown on it; each opening is audited; a language switch makes it anew."""

from __future__ import annotations

from typing import Any

from textual.widgets import Static

from tests.ui.conftest import settle

SIZE = (80, 24)


async def find_and_open(pilot: Any, name: str) -> None:
    await pilot.press("f3")
    await settle(pilot)
    await pilot.press("ctrl+r", *name)
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


def summary(app: Any) -> str:
    return str(app.screen.query_one("#summary-text", Static).render())


def views(app: Any, client_id: str) -> int:
    return app.ws.store.conn.execute(
        "SELECT count(*) FROM audit_events WHERE action = 'view' AND record_id = ?",
        (client_id,),
    ).fetchone()[0]


async def test_the_next_card_shows_only_the_next_client(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await find_and_open(pilot, "Ojala Lau")
        first = app.screen
        lauri = first.client_id
        loaded_for_lauri = (first.card, first.allowed, {}, [])
        assert "Ojala Lauri" in first.sub_title and "Lauri" in summary(app)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        await pilot.press("down", "enter")  # another client, on the same card screen
        assert app.screen is first and app.screen.client_id != lauri
        assert "Lauri" not in summary(app)  # nothing of the client before, not for a frame
        first.show(loaded_for_lauri)  # the read for Lauri arrives late: not shown here
        assert "Lauri" not in summary(app) and "Lauri" not in app.screen.sub_title
        await settle(pilot)
        other = app.screen.card.client
        assert other.id == app.screen.client_id != lauri
        assert other.last_name in app.screen.sub_title and other.last_name in summary(app)
        assert views(app, lauri) == 1 and views(app, other.id) == 1  # each opening audited


async def test_a_language_switch_makes_the_kept_card_anew(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await find_and_open(pilot, "Ojala Lau")
        finnish_card = app.screen
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("f9")  # Swedish
        await settle(pilot)
        assert not finnish_card.is_attached  # let go, not kept beside the new one
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "ClientCardScreen"
        assert app.screen is not finnish_card
        assert "Sammanfattning" in str(app.screen.query_one("Tabs").render()) or any(
            "Sammanfattning" in str(tab.label) for tab in app.screen.query("Tab")
        )


async def test_a_coordinators_card_shows_no_identity_number_nor_start_data(caseload_ws) -> None:
    from kenttä.config import Config
    from kenttä.services.context import Workspace
    from kenttä.ui.app import KenttaApp
    from tests.ui.caseload import TODAY

    ws = Workspace(caseload_ws.store, Config(user="outi.k", scope="kuopio", role="coordinator"))
    hetu = ws.store.conn.execute(
        "SELECT henkilotunnus FROM clients WHERE last_name = 'Ojala' AND first_name = 'Lauri'"
    ).fetchone()[0]
    app = KenttaApp(ws, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await find_and_open(pilot, "Ojala Lau")
        shown = summary(app)
    assert "Ojala Lauri" in shown  # who, yes: the coordinator follows the placement up
    assert hetu and hetu not in shown  # the laptop holds it (a demo), the card does not say it
    assert "ESF+" not in shown and "✓" not in shown and "✗" not in shown
