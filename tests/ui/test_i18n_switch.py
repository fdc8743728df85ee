"""Issue 14: a language switch keeps every table's columns; Textual's own key words are
translated; the sync screen's summary and conflicts are in words."""

from __future__ import annotations

from tests.ui.conftest import settle
from tests.ui.screens_i18n import add_vouchers_and_conflict, fixed_zone, screen_text


async def test_f9_keeps_the_columns_of_every_table(make_app, caseload_ws, monkeypatch) -> None:
    """F9 recomposes each screen; tables made in compose kept no columns, and the reload's
    rows failed: "More values provided than there are columns" (item 4)."""
    fixed_zone(monkeypatch)
    add_vouchers_and_conflict(caseload_ws)
    app = make_app("fi")
    errors: list[str] = []
    app.notify = lambda message, *a, severity="information", **k: (  # type: ignore[method-assign]
        errors.append(str(message)) if severity == "error" else None
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f6")  # the sync screen stays in its mode's stack
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press(*"Kuopion", "enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "EmployerCardScreen"
        for _ in range(3):  # fi → sv → en → fi
            await pilot.press("f9")
            await settle(pilot)
            visits = app.screen.query_one("#visits-table")
            assert len(visits.columns) == 4 and visits.row_count >= 1
        for mode in ("f6", "f5"):
            await pilot.press(mode)
            await settle(pilot)
            for table in app.screen.query("DataTable"):
                if table.display:
                    assert table.columns, (mode, table.id)
        assert app.screen.query_one("#voucher-table").row_count == 3
    assert errors == []


async def test_an_open_menu_says_its_keys_in_the_language(make_app) -> None:
    app = make_app("fi")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        app.screen.query_one("#voucher-status").focus()
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(app)
        assert "Sulje valikko" in text and "Dismiss" not in text
        await pilot.press("escape", "f9")  # sv
        await settle(pilot)
        app.screen.query_one("#voucher-status").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert "Stäng menyn" in screen_text(app)


async def test_sync_summary_in_words(make_app, caseload_ws) -> None:
    """The last sync's counts read in the language, not the stored English line."""
    conn = caseload_ws.store.conn
    conn.execute(
        "INSERT OR REPLACE INTO _sync_state (key, value) VALUES ('last_sync_summary', ?)",
        ('{"pushed": 2, "pulled": 2, "conflicts": 1, "refused": 0}',),
    )
    conn.execute(
        "INSERT OR REPLACE INTO _sync_state (key, value) VALUES ('last_summary', ?)",
        ("pushed 2, pulled 2, conflicts 1, refused 0",),
    )
    app = make_app("fi")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f6")
        await settle(pilot)
        text = screen_text(app)
        assert "lähetetty 2, haettu 2, ristiriitoja 1, torjuttu 0" in text
        assert "pushed" not in text
