"""Feedback by keyboard (Pilot, 80×24), proved by the database: from the client card, and
offered when a voucher is marked used on F5 (then it is that voucher's feedback)."""

from __future__ import annotations

import json
from typing import Any

from kenttä.services.vouchers import core as vouchers
from tests.ui.caseload import TODAY
from tests.ui.conftest import settle
from tests.ui.test_write_flows_vouchers import issue_chosen
from tests.ui.writes import SIZE, changed, open_client, records, screen_name, tables_changed


def feedback_row(ws: Any, feedback_id: str) -> dict[str, Any]:
    cursor = ws.store.conn.execute("SELECT * FROM feedback WHERE id = ?", (feedback_id,))
    names = [d[0] for d in cursor.description]
    return dict(zip(names, cursor.fetchone(), strict=True))


def new_ids(before: Any, after: Any, table: str) -> list[str]:
    return sorted(key for t, key in changed(before, after) if t == table)


async def test_feedback_from_the_card_by_keys(make_app):
    app = make_app()
    client_id = app.ws.ids["clients"][1]  # Korhonen Eero
    before = records(app.ws)
    async with app.run_test(size=SIZE) as pilot:
        await open_client(pilot, "Korhonen Eero")
        await pilot.press("f")
        await settle(pilot)
        assert screen_name(pilot) == "FeedbackForm"
        # the date is today's; tab to the questions: useful, goals, respect, next steps, overall
        await pilot.press("tab", "5", "tab", "4", "tab", "tab", "2", "tab", "4", "tab")
        await pilot.press(*"Hyvä tuki")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen_name(pilot) == "ClientCardScreen"
    after = records(app.ws)
    assert tables_changed(before, after) == {"feedback": 1}  # that one record, nothing else
    (feedback_id,) = new_ids(before, after, "feedback")
    row = feedback_row(app.ws, feedback_id)
    assert row["client_id"] == client_id and row["given_on"] == TODAY.isoformat()
    assert json.loads(row["scores"]) == {
        "useful": 5,
        "goals": 4,
        "next_steps": 2,
        "satisfaction": 4,
    }
    assert row["rating"] == 4 and row["comment"] == "Hyvä tuki" and row["source"] == "coach"
    assert row["voucher_id"] is None and row["entered_by"] == app.ws.user
    audit = app.ws.store.conn.execute(
        "SELECT action FROM audit_events WHERE record_table = 'feedback' AND record_id = ?",
        (feedback_id,),
    ).fetchall()
    assert audit == [("create",)]


async def test_the_overall_question_is_asked_for_and_nothing_is_saved_without_it(make_app):
    app = make_app()
    before = records(app.ws)
    async with app.run_test(size=SIZE) as pilot:
        await open_client(pilot, "Korhonen Eero")
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("tab", "5", "ctrl+s")
        await settle(pilot)
        assert screen_name(pilot) == "FeedbackForm"
        assert app.screen.focused.id == "score-satisfaction"
        await pilot.press("escape")  # asks: the form holds a typed answer
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
    assert not new_ids(before, records(app.ws), "feedback")


async def test_marking_a_voucher_used_offers_its_feedback(make_app):
    app = make_app()
    first = min(issue_chosen(app.ws), key=lambda v: v.number)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        before = records(app.ws)
        await pilot.press("u")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert screen_name(pilot) == "FeedbackForm"
        assert first.number in str(app.screen.query_one("#feedback-voucher").render())
        await pilot.press("tab", "3", "tab", "tab", "tab", "tab", "5", "ctrl+s")
        await settle(pilot)
        assert screen_name(pilot) == "VouchersScreen"
    after = records(app.ws)
    assert vouchers.get_voucher(app.ws, first.number).status == "used"
    (feedback_id,) = new_ids(before, after, "feedback")
    touched = changed(before, after)
    assert touched == {("vouchers", first.id), ("feedback", feedback_id)}
    row = feedback_row(app.ws, feedback_id)
    assert (row["client_id"], row["voucher_id"]) == (first.client_id, first.id)
    assert (row["service_code"], row["provider_id"]) == ("VALM", first.provider_id)
    assert json.loads(row["scores"]) == {"useful": 3, "satisfaction": 5}


async def test_the_offered_feedback_can_be_skipped(make_app):
    app = make_app()
    first = min(issue_chosen(app.ws), key=lambda v: v.number)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        before = records(app.ws)
        await pilot.press("u", "y")
        await settle(pilot)
        assert screen_name(pilot) == "FeedbackForm"
        await pilot.press("escape")
        await settle(pilot)
        assert screen_name(pilot) == "VouchersScreen"
    after = records(app.ws)
    assert vouchers.get_voucher(app.ws, first.number).status == "used"
    assert not new_ids(before, after, "feedback")
