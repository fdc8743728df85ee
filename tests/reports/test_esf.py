"""The ESF report on cohorts with known answers."""

from __future__ import annotations

from datetime import date

import pytest

from kenttä.services.reports import Period, ReportError, resolve_programme
from kenttä.services.reports.esf import compute, explain
from tests.reports.cohort import Cohort, hetu

OUTCOMES = [
    "job",
    "job",
    "job",
    "wage_subsidised_job",
    "degree_education",
    "other_service",
    "other_education",
    "unemployed",
    "inactive",
    None,
]


def ten_leavers(cohort: Cohort) -> None:
    for i, outcome in enumerate(OUTCOMES):
        cohort.finished(f"leaver{i}", outcome)


def test_ten_leavers_positive_path_rate_is_exactly_point_six(workspace, cohort, period):
    ten_leavers(cohort)
    report = compute(workspace, period)
    assert report.participants == 10
    assert report.finished == 10
    assert report.positive_paths == 6
    assert report.positive_path_rate == 0.6
    assert report.job_or_degree == 5
    assert report.job_or_degree_rate == 0.5
    assert report.on_leaving.in_employment == 4
    assert report.on_leaving.in_education == 2
    assert report.on_leaving.gained_qualification == 2
    assert report.outcomes["job"] == 3
    assert report.outcomes["none"] == 1
    assert sum(report.outcomes.values()) == report.finished


def test_rates_are_null_when_nobody_finished(workspace, cohort, period):
    cohort.client("still_in")
    report = compute(workspace, period)
    assert report.participants == 1
    assert report.finished == 0
    assert report.positive_path_rate is None
    assert report.job_or_degree_rate is None


def test_who_is_a_participant(workspace, cohort, period):
    cohort.client("in")
    cohort.client("met", status="met")
    cohort.client("declined", status="declined", entry_date=None)
    cohort.client("contacted", status="contacted", entry_date=None)
    cohort.client("no_entry_date", entry_date=None)
    cohort.finished("left_before", "job", entry_date=date(2023, 1, 1), exit_date=date(2023, 12, 31))
    cohort.finished(
        "left_on_first_day", "job", entry_date=date(2023, 1, 1), exit_date=date(2024, 1, 1)
    )
    cohort.client("entered_on_last_day", entry_date=date(2024, 12, 31))
    cohort.client("entered_after", entry_date=date(2025, 1, 1))
    cohort.client("tombstoned")
    cohort.tombstone("clients", "tombstoned")
    cohort.client("erased")
    cohort.erase("clients", "erased")
    records = explain(workspace, "participants", period)
    assert {r["id"] for r in records} == {
        cohort.ids["in"],
        cohort.ids["left_on_first_day"],
        cohort.ids["entered_on_last_day"],
    }
    report = compute(workspace, period)
    assert report.participants == 3
    assert report.entered == 2  # `in` and `entered_on_last_day`
    assert report.finished == 1  # left on the period's first day


def test_finished_in_period_boundaries(workspace, cohort, period):
    cohort.finished("first_day", "job", exit_date=date(2024, 1, 1), entry_date=date(2023, 5, 1))
    cohort.finished("last_day", "job", exit_date=date(2024, 12, 31))
    cohort.finished("after", "job", exit_date=date(2025, 1, 1))
    cohort.client("participating_with_exit", exit_date=date(2024, 6, 1))
    ids = {r["id"] for r in explain(workspace, "finished", period)}
    assert ids == {cohort.ids["first_day"], cohort.ids["last_day"]}


def test_programme_filter(workspace, cohort, period):
    cohort.finished("topi", "job")
    cohort.finished("valke", "unemployed", programme="VALKE")
    cohort.client("polku", programme="POLKU")
    assert resolve_programme(workspace, "valke") == "VALKE"
    report = compute(workspace, period, "VALKE")
    assert (report.participants, report.finished, report.positive_paths) == (1, 1, 0)
    assert report.programme == "VALKE"
    everyone = compute(workspace, period)
    assert (everyone.participants, everyone.finished, everyone.positive_paths) == (3, 2, 1)


def test_unknown_programme_lists_the_known_ones(workspace, cohort):
    cohort.client("own", programme="OMA-HANKE")
    with pytest.raises(ReportError) as info:
        resolve_programme(workspace, "NOPE")
    assert "OMA-HANKE" in str(info.value) and "TOPI" in str(info.value)


def test_start_indicators(workspace, cohort, period):
    cohort.client("woman_young", gender="woman", birth_date=date(1995, 3, 2), education="isced_0_2")
    cohort.client("man_29_on_entry", gender="man", birth_date=date(1994, 3, 2))  # 29 on 1.3.2024
    cohort.client("man_30_on_entry", gender="man", birth_date=date(1994, 3, 1))  # 30 that day
    cohort.client("nb_55", gender="non_binary", birth_date=date(1969, 3, 1), education="isced_5_8")
    cohort.client("no_gender", gender=None, birth_date=None, education=None)
    cohort.client(
        "from_hetu",
        gender=None,
        birth_date=None,
        henkilotunnus=hetu(date(1960, 1, 1), 912, female=False),
    )
    cohort.client("long_term", labour_status="long_term_unemployed")
    cohort.client("derived_long", labour_status=None, unemployed_since=date(2023, 3, 1))
    cohort.client("short", labour_status=None, unemployed_since=date(2023, 3, 2))
    cohort.client("inactive", labour_status="inactive")
    cohort.client("employed", labour_status="employed", unemployed_since=date(2020, 1, 1))
    cohort.client("unknown_status", labour_status=None)
    report = compute(workspace, period)
    assert report.participants == 12
    assert report.by_gender.model_dump() == {"women": 7, "men": 3, "non_binary": 1, "unknown": 1}
    assert report.age.under_30 == 2
    assert report.age.aged_55_or_over == 2  # 55 on entry, and 64 (from the henkilötunnus)
    assert report.age.unknown == 1
    assert report.age.aged_30_to_54 == 7
    assert report.education.model_dump() == {
        "isced_0_2": 1,
        "isced_3_4": 9,
        "isced_5_8": 1,
        "unknown": 1,
    }
    assert report.at_entry.model_dump() == {
        "unemployed": 9,  # 6 by labour_status, long_term, derived_long, short
        "long_term_unemployed": 2,
        "inactive": 1,
        "employed": 1,
        "unknown": 1,
    }
    long_term = {r["id"] for r in explain(workspace, "at_entry.long_term_unemployed", period)}
    assert long_term == {cohort.ids["long_term"], cohort.ids["derived_long"]}


def test_outcome_from_outcomes_table_and_six_months(workspace, cohort, period):
    cohort.finished("table_exit", None)
    cohort.outcome("exit_row", "table_exit", "exit", date(2024, 9, 30), date(2024, 9, 30), "job")
    cohort.finished("employed_later", "other_service")
    cohort.outcome(
        "m6",
        "employed_later",
        "months_6",
        date(2025, 3, 30),
        date(2025, 4, 2),
        "wage_subsidised_job",
    )
    cohort.finished("unchecked", "job")
    cohort.outcome("m6_open", "unchecked", "months_6", date(2025, 3, 30))
    cohort.finished("checked_unemployed", "job")
    cohort.outcome(
        "m6_unemp",
        "checked_unemployed",
        "months_6",
        date(2025, 3, 30),
        date(2025, 4, 1),
        "unemployed",
    )
    report = compute(workspace, period)
    assert report.outcomes["job"] == 3
    assert report.positive_paths == 4
    assert report.on_leaving.employed_at_6_months == 1
    assert report.on_leaving.checked_at_6_months == 2
    ids = [r["id"] for r in explain(workspace, "on_leaving.employed_at_6_months", period)]
    assert ids == [cohort.ids["employed_later"]]


def test_funnel_counts(workspace, cohort, period):
    for i in range(4):
        cohort.client(f"contacted{i}", status="contacted", entry_date=None)
    for i in range(3):
        cohort.client(f"met{i}", status="met", entry_date=None)
    cohort.client("declined", status="declined", entry_date=None)
    cohort.client("participating")
    cohort.finished("finished", "job")
    cohort.finished("finished_later", "job", exit_date=date(2025, 2, 1))
    cohort.finished("long_gone", "job", entry_date=date(2020, 1, 1), exit_date=date(2021, 1, 1))
    report = compute(workspace, period)
    assert report.funnel.model_dump() == {
        "contacted": 11,
        "met": 6,
        "participating": 3,
        "finished": 1,
        "declined": 1,
    }
    assert {r["id"] for r in explain(workspace, "funnel.declined", period)} == {
        cohort.ids["declined"]
    }


def test_companies_network_and_sponsors(workspace, cohort, period):
    cohort.client("topi_client")
    cohort.client("valke_client", programme="VALKE")
    cohort.employer("visited", network_since=date(2023, 5, 1))
    cohort.employer("placed", sponsor=True, network_since=date(2024, 6, 1))
    cohort.employer("visited_before", network_since=date(2025, 2, 1), sponsor=True)
    cohort.employer("valke_placement")
    cohort.employer("deleted")
    cohort.employer("twice")
    cohort.visit("v1", "visited", date(2024, 2, 1), programme="TOPI")
    cohort.visit("v1b", "visited", date(2024, 4, 1))
    cohort.visit("v2", "visited_before", date(2023, 12, 31))
    cohort.visit("v3", "deleted", date(2024, 2, 1))
    cohort.visit("v4", "twice", date(2024, 2, 1), programme="TOPI")
    cohort.placement("p0", "topi_client", "twice", date(2024, 3, 1))
    cohort.tombstone("employers", "deleted")
    cohort.placement("p1", "topi_client", "placed", date(2023, 11, 1), date(2024, 1, 15))
    cohort.placement("p2", "valke_client", "valke_placement", date(2024, 5, 1))
    report = compute(workspace, period)
    assert report.participating_companies == 4
    assert report.network_size == 2
    assert report.sponsor_employers == 1
    topi = {r["id"] for r in explain(workspace, "participating_companies", period, "TOPI")}
    assert topi == {cohort.ids["visited"], cohort.ids["placed"], cohort.ids["twice"]}


def test_vouchers_by_service_and_status(workspace, cohort, period):
    cohort.client("a")
    cohort.client("b", programme="VALKE")
    cohort.voucher("1", "a", "coaching", 120_000, date(2024, 1, 1))
    cohort.voucher("2", "a", "coaching", 80_050, date(2024, 12, 31), status="used")
    cohort.voucher("3", "b", "training", 50_000, date(2024, 6, 1), status="used")
    cohort.voucher("4", "a", "training", 99_999, date(2025, 1, 1))
    cohort.voucher("5", "a", "training", 10_000, date(2024, 6, 1), status="cancelled")
    cohort.tombstone("vouchers", "5")
    report = compute(workspace, period)
    v = report.vouchers
    assert (v.count, v.value_cents, v.euros) == (3, 250_050, 2500.5)
    assert {k: (m.count, m.value_cents) for k, m in v.by_service.items()} == {
        "coaching": (2, 200_050),
        "training": (1, 50_000),
    }
    assert {k: (m.count, m.value_cents) for k, m in v.by_status.items()} == {
        "issued": (1, 120_000),
        "used": (2, 130_050),
    }
    topi = compute(workspace, period, "TOPI").vouchers
    assert (topi.count, topi.value_cents) == (2, 200_050)
    used = explain(workspace, "vouchers.by_status.used.count", period)
    assert {r["id"] for r in used} == {cohort.ids["2"], cohort.ids["3"]}


def test_explain_rate_lists_the_numerator_and_no_personal_data(workspace, cohort, period):
    ten_leavers(cohort)
    records = explain(workspace, "positive_path_rate", period)
    expected = {cohort.ids[f"leaver{i}"] for i in range(6)}
    assert {r["id"] for r in records} == expected
    assert all(r["table"] == "clients" for r in records)
    assert not any("Testi" in r["label"] or "Asiakas" in r["label"] for r in records)
    named = explain(workspace, "positive_path_rate", period, names=True)
    assert all("Testi" in r["label"] for r in named)


def test_explain_every_figure_matches_its_count(workspace, cohort, period):
    ten_leavers(cohort)
    cohort.employer("e", network_since=date(2020, 1, 1))
    cohort.visit("v", "e", date(2024, 5, 5))
    cohort.voucher("1", "leaver0", "coaching", 100, date(2024, 2, 2))
    report = compute(workspace, period)
    data = report.model_dump(mode="json")
    from kenttä.services.reports.esf import figure_names

    for name in figure_names(report):
        if name.endswith(("_rate", ".value_cents", ".euros")) or name == "vouchers.value_cents":
            continue
        value = data
        for part in name.split("."):
            value = value[part]
        assert len(explain(workspace, name, period)) == value, name


def test_unknown_figure(workspace, period):
    with pytest.raises(ReportError, match="unknown figure"):
        explain(workspace, "nonsense", period)


def test_period_must_not_end_before_it_starts():
    with pytest.raises(ReportError):
        Period(date(2024, 2, 1), date(2024, 1, 31))
