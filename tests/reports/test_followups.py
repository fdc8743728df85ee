"""Follow-ups due: from the outcomes table, and derived from the exit date."""

from __future__ import annotations

from datetime import date

from kenttä.services.reports._base import add_months
from kenttä.services.reports.followups import due_date, due_followups

TODAY = date(2024, 11, 1)


def test_due_dates():
    assert due_date("days_28", date(2024, 1, 31)) == date(2024, 2, 28)
    assert due_date("months_6", date(2024, 8, 31)) == date(2025, 2, 28)
    assert add_months(date(2023, 8, 31), 6) == date(2024, 2, 29)
    assert add_months(date(2024, 12, 15), -12) == date(2023, 12, 15)


def test_derived_from_exit_date(workspace, cohort):
    cohort.finished("left_oct_1", "job", exit_date=date(2024, 10, 1))  # 28 d: 29.10 (overdue)
    cohort.finished("left_oct_10", "job", exit_date=date(2024, 10, 10))  # 28 d: 7.11 (in window)
    cohort.finished("left_oct_30", "job", exit_date=date(2024, 10, 30))  # 28 d: 27.11 (outside)
    cohort.finished("left_may", "job", exit_date=date(2024, 5, 1))  # 28 d: 29.5, 6 m: 1.11
    cohort.client("participating", exit_date=None)
    found = due_followups(workspace, TODAY, window_days=14)
    got = [(f.client_id, f.checkpoint, f.due_on, f.overdue) for f in found]
    assert got == [
        (cohort.ids["left_may"], "days_28", date(2024, 5, 29), True),
        (cohort.ids["left_oct_1"], "days_28", date(2024, 10, 29), True),
        (cohort.ids["left_may"], "months_6", date(2024, 11, 1), False),
        (cohort.ids["left_oct_10"], "days_28", date(2024, 11, 7), False),
    ]
    assert all(f.outcome_id is None for f in found)


def test_outcome_rows_win_over_derivation(workspace, cohort):
    cohort.finished("done28", "job", exit_date=date(2024, 5, 1))
    cohort.outcome("c28", "done28", "days_28", date(2024, 5, 29), date(2024, 5, 30), "job")
    cohort.outcome("o6", "done28", "months_6", date(2024, 11, 5))  # open, in window
    cohort.finished("gone", "job", exit_date=date(2024, 5, 1))
    cohort.outcome("gone6", "gone", "months_6", date(2024, 11, 1))
    cohort.tombstone("clients", "gone")
    cohort.finished("erased", "job", exit_date=date(2024, 5, 1))
    cohort.erase("clients", "erased")
    found = due_followups(workspace, TODAY, window_days=7)
    assert [(f.client_id, f.checkpoint, f.outcome_id) for f in found] == [
        (cohort.ids["done28"], "months_6", cohort.ids["o6"])
    ]
    assert found[0].as_dict()["source"] == "outcomes"
    assert "Testi" not in str(found[0].as_dict())
    assert found[0].display_name.startswith("Testi")


def test_filters_and_since(workspace, cohort):
    cohort.finished("a", "job", exit_date=date(2024, 10, 1), owner="anna")
    cohort.finished("b", "job", exit_date=date(2024, 10, 1), owner="ville", programme="VALKE")
    cohort.finished("old", "job", exit_date=date(2019, 1, 1))
    assert {f.client_id for f in due_followups(workspace, TODAY, owner="anna")} == {cohort.ids["a"]}
    assert {f.client_id for f in due_followups(workspace, TODAY, programme="VALKE")} == {
        cohort.ids["b"]
    }
    recent = due_followups(workspace, TODAY, since=date(2024, 1, 1))
    assert cohort.ids["old"] not in {f.client_id for f in recent}
    assert cohort.ids["old"] in {f.client_id for f in due_followups(workspace, TODAY)}


def test_items_for_the_today_screen(workspace, cohort):
    cohort.finished("derived", "job", exit_date=date(2024, 10, 1))
    cohort.finished("row", "job", exit_date=date(2024, 5, 1))
    cohort.outcome("r28", "row", "days_28", date(2024, 5, 29), date(2024, 5, 29), "job")
    cohort.outcome("r6", "row", "months_6", date(2024, 11, 1))
    from datetime import timedelta

    from kenttä.services.reports.followups import exit_checks_for_today

    items = exit_checks_for_today(workspace, today=TODAY, until=TODAY + timedelta(days=7))
    assert [(i["id"], i["checkpoint"], i["due_on"], i["derived"]) for i in items] == [
        (f"{cohort.ids['derived']}:days_28", "days_28", "2024-10-29", True),
        (cohort.ids["r6"], "months_6", "2024-11-01", False),
    ]
    assert items[0]["first_name"] == "Testi"
