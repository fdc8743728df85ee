"""The card's start-data lines at 80 columns: every ESF+ answer given makes a long line, which
is wrapped by hand and indented under its heading, never left to wrap to column 1."""

from __future__ import annotations

from datetime import date

import pytest

from kenttä.domain.models import Client
from kenttä.i18n import set_language
from kenttä.ui.start_text import CARD_TEXT_WIDTH, DISCLOSURES, start_data_text


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_all_esf_answers_stay_indented_within_the_card(language: str) -> None:
    set_language(language)
    try:
        client = Client(
            id="c1", scope="kuopio", first_name="Testi", last_name="Asiakas",
            consent=True, consent_date=date(2026, 3, 1),
            **{field: "prefer_not_to_answer" for field in DISCLOSURES},
        )  # fmt: skip
        lines = start_data_text(client).plain.rstrip("\n").split("\n")
    finally:
        set_language("fi")
    assert len(lines) >= 3  # heading, consent, ESF+ (wrapped)
    assert all(line.startswith("  ") for line in lines[1:]), lines
    assert all(len(line) <= CARD_TEXT_WIDTH for line in lines), lines
