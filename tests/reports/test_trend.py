"""Month-by-month trend and the dashboard's periods."""

from __future__ import annotations

from datetime import date

from kenttä.services.reports import Period
from kenttä.services.reports.esf import compute
from kenttä.services.reports.trend import monthly_trend, months, period_for


def test_months_are_clipped_to_the_period():
    got = months(Period(date(2024, 1, 15), date(2024, 3, 10)))
    assert [(p.start, p.end) for p in got] == [
        (date(2024, 1, 15), date(2024, 1, 31)),
        (date(2024, 2, 1), date(2024, 2, 29)),
        (date(2024, 3, 1), date(2024, 3, 10)),
    ]


def test_monthly_counts_sum_to_the_report(workspace, cohort, period):
    cohort.client("jan", entry_date=date(2024, 1, 5))
    cohort.finished("mar_to_jun", "job", entry_date=date(2024, 3, 1), exit_date=date(2024, 6, 30))
    cohort.finished(
        "mar_to_jul", "unemployed", entry_date=date(2024, 3, 31), exit_date=date(2024, 7, 1)
    )
    cohort.client("before", entry_date=date(2023, 11, 1))
    points = monthly_trend(workspace, period)
    assert [p.month for p in points] == [f"2024-{m:02d}" for m in range(1, 13)]
    by_month = {p.month: p for p in points}
    assert by_month["2024-03"].entered == 2
    assert by_month["2024-06"].finished == 1 and by_month["2024-06"].positive == 1
    assert by_month["2024-07"].finished == 1 and by_month["2024-07"].positive == 0
    assert by_month["2024-01"].active == 2
    assert by_month["2024-07"].active == 3
    assert by_month["2024-08"].active == 2
    report = compute(workspace, period)
    assert sum(p.finished for p in points) == report.finished
    assert sum(p.positive for p in points) == report.positive_paths
    assert sum(p.entered for p in points) == 3


def test_dashboard_periods(workspace, cohort):
    today = date(2024, 12, 15)
    assert period_for(workspace, "year", today) == Period(date(2024, 1, 1), today)
    assert period_for(workspace, "12m", today) == Period(date(2023, 12, 16), today)
    assert period_for(workspace, "lifetime", today) == Period(today, today)
    cohort.client("first", entry_date=date(2016, 4, 1))
    cohort.client("other", entry_date=date(2010, 4, 1), programme="VALKE")
    assert period_for(workspace, "lifetime", today, "TOPI").start == date(2016, 4, 1)
    assert period_for(workspace, "lifetime", today).start == date(2010, 4, 1)
