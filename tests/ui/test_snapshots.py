"""Snapshots of the main screens at 80×24 and 120×36 (seeded caseload, 'today' frozen).

Update with `uv run pytest tests/ui/test_snapshots.py --snapshot-update` after a deliberate
change, and look at the report before committing the new SVGs.
"""

from __future__ import annotations

import pytest

from tests.ui.conftest import settle

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 36), id="120x36")]


async def _open_client(pilot) -> None:
    await pilot.press("f3")
    await settle(pilot)
    await pilot.press(*"Ojala Lau", "enter")
    await settle(pilot)


async def _open_employer(pilot) -> None:
    await pilot.press("f4")
    await settle(pilot)
    await pilot.press(*"Kuopion", "enter")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


FLOWS = {
    "today": [],
    "clients": ["clients"],
    "client_card": ["client"],
    "employer_card": ["employer"],
    "visit_form": ["employer", "v"],
    "voucher_issue": ["client", "v"],
}


@pytest.mark.parametrize("screen", list(FLOWS))
@pytest.mark.parametrize("size", SIZES)
def test_screen(snap_compare, make_app, screen: str, size: tuple[int, int]) -> None:
    async def run_before(pilot) -> None:
        await settle(pilot)
        for step in FLOWS[screen]:
            if step == "clients":
                await pilot.press("f3")
            elif step == "client":
                await _open_client(pilot)
            elif step == "employer":
                await _open_employer(pilot)
            else:
                await pilot.press(step)
            await settle(pilot)

    assert snap_compare(make_app(), terminal_size=size, run_before=run_before)
