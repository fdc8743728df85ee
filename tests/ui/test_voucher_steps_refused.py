"""Issue 14, found in tmux: a step the voucher's status does not allow is said at once (no
"mark as used?" for a paid voucher), and Swedish "j" (ja) answers yes, as y and k do."""

from __future__ import annotations

from kenttä.services.vouchers import core as vouchers
from tests.ui.conftest import settle
from tests.ui.test_write_flows_vouchers import issue_chosen
from tests.ui.writes import SIZE, records, screen_name


async def test_a_step_the_status_does_not_allow_is_refused_before_asking(make_app) -> None:
    app = make_app("sv")
    issued = issue_chosen(app.ws)  # provider chosen: "invoiced" is not the next step
    before = records(app.ws)
    messages: list[str] = []
    real_notify = app.notify
    app.notify = lambda message, *a, **k: (
        messages.append(str(message)),
        real_notify(message, *a, **k),
    )  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("i")  # invoiced, straight from "provider chosen"
        await settle(pilot)
        assert screen_name(pilot) == "VouchersScreen"  # no question was asked
        number = app.screen.query_one("#voucher-table").selected().voucher.number
        assert f"Sedeln {number} kan inte flyttas från" in "\n".join(messages)
    assert records(app.ws) == before  # nothing written
    assert {vouchers.get_voucher(app.ws, v.number).status for v in issued} == {"provider_chosen"}


async def test_j_answers_yes_in_swedish(make_app) -> None:
    app = make_app("sv")
    issue_chosen(app.ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        number = app.screen.query_one("#voucher-table").selected().voucher.number
        await pilot.press("u")
        await settle(pilot)
        assert screen_name(pilot) == "ConfirmModal"
        await pilot.press("j")
        await settle(pilot)
    assert vouchers.get_voucher(app.ws, number).status == "used"
