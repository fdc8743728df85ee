"""Issue 15, points 1 and 2 by keyboard (Pilot, 80×24), proved by the database: every start
data field of the client form, a new client with start data, a recorded eligibility
exception, and a quality gap's Enter opening the form at the field that fixes it."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from textual.widgets import Input, Select, Static

from tests.ui.caseload import TODAY
from tests.ui.conftest import settle
from tests.ui.writes import SIZE, changed, open_client, records, row, screen_name, tables_changed

LAURI = 5  # Ojala Lauri: TOPI, 50 years old

START_COLUMNS = (
    "gender, entry_date, labour_status, education, unemployed_since, benefit_days,"
    " months_unemployed_last_16, earnings_related_allowance, referral_source, disability,"
    " foreign_background, third_country_national, minority, homelessness, consent, consent_date"
)


async def tab_to(pilot: Any, field_id: str) -> Any:
    """Tab through the form to a field, as a person would (the form is long: many tabs)."""
    for _ in range(60):
        if pilot.app.focused is not None and pilot.app.focused.id == field_id:
            return pilot.app.focused
        await pilot.press("tab")
    raise AssertionError(f"no field {field_id} on {screen_name(pilot)}")


async def type_into(pilot: Any, field_id: str, text: str) -> None:
    field = await tab_to(pilot, field_id)
    assert isinstance(field, Input)
    await pilot.press("end", "ctrl+u", *text)


async def choose(pilot: Any, field_id: str, words: str) -> None:
    """Open the Select (Enter), type the start of the option's words, Enter."""
    field = await tab_to(pilot, field_id)
    assert isinstance(field, Select)
    await pilot.press("enter")
    await settle(pilot)
    await pilot.press(*words, "enter")
    await settle(pilot)
    assert pilot.app.focused is field


def client_start(ws: Any, client_id: str) -> tuple[Any, ...]:
    return row(ws, f"SELECT {START_COLUMNS} FROM clients WHERE id = ?", client_id)


@pytest.mark.slow
async def test_every_start_data_field_is_saved_to_that_client_only(make_app) -> None:
    app = make_app()
    client_id = app.ws.ids["clients"][LAURI]
    before = records(app.ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_client(pilot, "Ojala Lau")
        await pilot.press("m")
        await settle(pilot)
        assert screen_name(pilot) == "ClientEditModal"
        await choose(pilot, "gender", "muun")
        await type_into(pilot, "entry-date", "2.3.2026")
        await choose(pilot, "labour-status", "pitkä")
        await choose(pilot, "education", "ISCED 3")
        await type_into(pilot, "unemployed-since", "1.10.2024")
        await type_into(pilot, "benefit-days", "512")
        await type_into(pilot, "months-16", "14")
        await choose(pilot, "earnings-related", "ei")
        await choose(pilot, "referral-source", "sosiaali")
        await choose(pilot, "disability", "ei halua")
        await choose(pilot, "foreign-background", "kyllä")
        await choose(pilot, "third-country", "ei")
        await choose(pilot, "minority", "ei halua")
        await choose(pilot, "homelessness", "kyllä")
        await choose(pilot, "consent", "kyllä")
        await type_into(pilot, "consent-date", "3.3.2026")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen_name(pilot) == "ClientCardScreen"
        shown = app.screen.query_one("#summary-text", Static).content.plain
        assert "muunsukupuolinen · pitkäaikaistyötön" in shown
        assert "Suostumus annettu 3.3.2026" in shown
    after = records(app.ws)
    assert changed(before, after) == {("clients", client_id)}
    assert client_start(app.ws, client_id) == (
        "non_binary",
        "2026-03-02",
        "long_term_unemployed",
        "isced_3_4",
        "2024-10-01",
        512,
        14,
        0,
        "social_services",
        "prefer_not_to_answer",
        "yes",
        "no",
        "prefer_not_to_answer",
        "yes",
        1,
        "2026-03-03",
    )
    audited = row(
        app.ws,
        "SELECT detail FROM audit_events WHERE record_id = ? AND action = 'change'",
        client_id,
    )
    assert audited is not None and "third_country_national" in audited[0]


async def test_a_new_client_is_saved_with_its_start_data(make_app) -> None:
    app = make_app()
    before = records(app.ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"Testi", "tab", *"Asiakas")
        await choose(pilot, "education", "ISCED 5")
        await type_into(pilot, "benefit-days", "600")
        await choose(pilot, "homelessness", "ei halua")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen_name(pilot) == "ClientCardScreen"
    after = records(app.ws)
    assert tables_changed(before, after) == {"clients": 1}
    ((_, client_id),) = changed(before, after)
    assert row(
        app.ws,
        "SELECT education, benefit_days, homelessness, entry_date, consent, consent_date"
        " FROM clients WHERE id = ?",
        client_id,
    ) == ("isced_5_8", 600, "prefer_not_to_answer", TODAY.isoformat(), 0, None)


async def test_a_bad_number_is_named_and_nothing_is_saved(make_app) -> None:
    app = make_app()
    before = records(app.ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_client(pilot, "Ojala Lau")
        await pilot.press("m")
        await settle(pilot)
        await type_into(pilot, "months-16", "17")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen_name(pilot) == "ClientEditModal"
        assert str(app.screen.query_one("#form-error", Static).content) == (
            "Anna luku väliltä 0–16"
        )
        assert app.focused is not None and app.focused.id == "months-16"
        await pilot.press("end", "ctrl+u")  # cleared; then a date without consent
        await type_into(pilot, "consent-date", "1.3.2026")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.focused is not None and app.focused.id == "consent-date"
    assert changed(before, records(app.ws)) == set()


async def test_a_recorded_exception_is_saved_and_shown_on_the_card(make_app) -> None:
    app = make_app()
    client_id = app.ws.ids["clients"][LAURI]
    with app.ws.store.replica.transaction(app.ws.user) as tx:  # a young TOPI client: ✗ by age
        tx.update("clients", client_id, {"birth_date": date(2000, 1, 1), "henkilotunnus": None})
    before = records(app.ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_client(pilot, "Ojala Lau")
        shown = app.screen.query_one("#summary-text", Static).content.plain
        assert "Kelpoisuus: ✗ ei kelpoinen: ikä aloittaessa 26" in shown
        await pilot.press("x")
        await settle(pilot)
        assert screen_name(pilot) == "EligibilityExceptionModal"
        await pilot.press(*"Nuori, työttömyys pitkittynyt", "ctrl+s")
        await settle(pilot)
        assert screen_name(pilot) == "ClientCardScreen"
        shown = app.screen.query_one("#summary-text", Static).content.plain
        assert (
            "Kelpoisuus: ! poikkeus: Nuori, työttömyys pitkittynyt (sääntö: ikä aloittaessa 26"
            in shown
        )
    assert changed(before, records(app.ws)) == {("clients", client_id)}
    assert row(
        app.ws,
        "SELECT eligibility_exception, eligibility_exception_programme, eligibility_exception_on"
        " FROM clients WHERE id = ?",
        client_id,
    ) == ("Nuori, työttömyys pitkittynyt", "TOPI", TODAY.isoformat())


async def test_enter_on_a_quality_gap_opens_the_form_at_its_field(make_app) -> None:
    app = make_app()
    before = records(app.ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        await pilot.press("q")
        await settle(pilot)
        assert screen_name(pilot) == "QualityScreen"
        table = app.screen.query_one("#quality-table")
        assert table.virtual_size.width <= table.scrollable_content_region.width  # 80 columns
        first = app.screen.findings[0]
        assert (first.code, first.detail) == ("missing_start_data", "education")
        count = len(app.screen.findings)
        await pilot.press("enter")
        await settle(pilot)
        assert screen_name(pilot) == "ClientEditModal"
        assert app.screen.original.id == first.id
        assert app.focused is not None and app.focused.id == "education"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press(*"ISCED 0", "enter")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen_name(pilot) == "QualityScreen"  # back on the list, one gap fewer
        assert len(app.screen.findings) == count - 1
        assert first.id not in {f.id for f in app.screen.findings if f.detail == "education"}
    assert changed(before, records(app.ws)) == {("clients", first.id)}
    assert row(app.ws, "SELECT education FROM clients WHERE id = ?", first.id) == ("isced_0_2",)
