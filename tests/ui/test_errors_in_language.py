"""Issue 14: every error a person sees reads in the configured language. A service's refusal
(its English reason is for logs and tests) reaches the screen through the catalogue."""

from __future__ import annotations

import pytest

from kenttä.i18n import catalogue, set_language
from tests.ui.conftest import settle
from tests.ui.screens_i18n import add_vouchers_and_conflict

# Every code a service or the domain raises has words in fi, sv and en:
# tests/i18n/test_refusal_codes_complete.py (it walks the source).


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_a_refusal_without_words_is_never_english_on_a_finnish_or_swedish_screen(
    language: str,
) -> None:
    from kenttä.services.refusal import Refused
    from kenttä.services.vouchers import VoucherError
    from kenttä.ui.errors import error_text

    set_language(language)
    try:
        english = "cannot change voucher KUOPIO-2026-TEST-00001 from issued to paid"
        coded = error_text(Refused("placement_dates", "end date is before the start date"))
        assert coded == catalogue(language)["error.placement_dates"]
        assert (
            error_text(VoucherError(english, code="retired_service"))
            == catalogue(language)["error.retired_service"]
        )
        plain = error_text(ValueError(english))
        assert plain == (english if language == "en" else catalogue(language)["error.refused"])
        crash = error_text(KeyError("x"))
        assert "KeyError" in crash and ("failed" in crash) == (language == "en")
    finally:
        set_language("fi")


@pytest.mark.slow
@pytest.mark.parametrize("language", ["fi", "sv"])
async def test_a_refused_voucher_move_says_why_in_the_language(
    make_app, caseload_ws, monkeypatch, language: str
) -> None:
    """A service refusal (here an English reason with no code) reaches the toast in words."""
    from kenttä.services.vouchers import core
    from tests.ui.i18n_words import data_words, problems
    from tests.ui.screens_i18n import screen_text

    add_vouchers_and_conflict(caseload_ws)

    def refuse(*args, **kwargs):
        raise ValueError("cannot change voucher from issued to used (allowed: cancelled)")

    monkeypatch.setattr(core, "transition", refuse)
    app = make_app(language)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("down", "u")  # the second row's provider is chosen: "used" is next
        await settle(pilot)
        assert type(app.screen).__name__ == "ConfirmModal"
        await pilot.press("y")
        await settle(pilot)
        await pilot.pause(0.3)  # the toast is drawn a moment after it is posted
        toasts = [n.message for n in app._notifications]
        text = "\n".join([screen_text(app), *toasts])
        assert catalogue(language)["error.refused"] in text
        found = problems(text, language, data_words(caseload_ws.store.conn))
        assert [p for p in found if p.startswith("english")] == []


@pytest.mark.slow
@pytest.mark.parametrize("language", ["fi", "sv"])
async def test_a_refused_learning_period_says_why_in_the_form(
    make_app, monkeypatch, language: str
) -> None:
    """A model's own validator refuses (a learning period that ends before it starts, as the
    domain checks it): the placement form says so in the language and nothing is saved."""
    from datetime import date

    from kenttä.domain.models import LearningPeriod
    from kenttä.services.employers import placements
    from tests.ui.writes import SIZE, open_client, records

    def refuse(*args, **kwargs):
        LearningPeriod(start=date(2026, 3, 1), end=date(2026, 2, 1))

    monkeypatch.setattr(placements, "add_placement", refuse)
    app = make_app(language)
    before = records(app.ws)
    async with app.run_test(size=SIZE) as pilot:
        await open_client(pilot, "Laitinen Helm")
        await pilot.press("l")
        await settle(pilot)
        await pilot.press(*"Savon")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "PlacementForm"
        shown = str(app.screen.query_one("#form-error").render())
    assert shown == catalogue(language)["error.learning_period_order"]
    assert records(app.ws) == before
