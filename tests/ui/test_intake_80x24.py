"""Issue 15: the extended client form at 80×24, at its start data section, in fi, sv and en.

Update with `uv run pytest tests/ui/test_intake_80x24.py --snapshot-update` after a
deliberate change, and look at the report before committing the new SVGs.
"""

from __future__ import annotations

import pytest

from tests.ui.conftest import settle
from tests.ui.screens_i18n import fixed_zone
from tests.ui.test_intake_form import tab_to
from tests.ui.writes import open_client


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_client_form_start_data(snap_compare, make_app, monkeypatch, language: str) -> None:
    fixed_zone(monkeypatch)

    async def run_before(pilot) -> None:
        await settle(pilot)
        await open_client(pilot, "Ojala Lau")
        await pilot.press("m")
        await settle(pilot)
        await tab_to(pilot, "consent")  # the start data and ESF+ rows in view
        await settle(pilot)

    assert snap_compare(make_app(language), terminal_size=(80, 24), run_before=run_before)
