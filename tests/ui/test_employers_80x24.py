"""Issue 14, found in tmux: at 80×24 the employer list showed no next-contact column (off to
the right of a long name). Every column fits; a long name is cut with "…"; Enter opens the
card with the full name."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kenttä.i18n import catalogue
from kenttä.services.employers import core as employers
from kenttä.services.employers import visits
from tests.ui.caseload import TODAY
from tests.ui.conftest import settle
from tests.ui.screens_i18n import screen_text

LONG = "Järvi-Suomen Ravintola ja Kahvila Osuuskunta"


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
async def test_the_employer_list_fits_80_columns(make_app, caseload_ws, language: str) -> None:
    long = employers.create_employer(caseload_ws, name=LONG, municipality="749", sponsor=True)
    visits.log_visit(
        caseload_ws, employer_id=long.id, visited_on=TODAY, purpose="needs_analysis",
        next_contact=TODAY + timedelta(days=300),
    )  # fmt: skip
    app = make_app(language)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f4")
        await settle(pilot)
        table = app.screen.query_one("#employer-table")
        assert table.virtual_size.width <= table.scrollable_content_region.width
        text = screen_text(app)
        assert catalogue(language)["employers_narrow.col_next"] in text
        assert "10.1.27" in text  # the long-named employer's next contact, with its year
        await pilot.press(*"Ravintola ja", "enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert LONG in screen_text(app)  # the full name, one key away
