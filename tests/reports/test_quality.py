"""Each data-quality finding, and a clean cohort with none."""

from __future__ import annotations

from datetime import date

from kenttä.services.reports import Period
from kenttä.services.reports.quality import CODES, quality_findings, summary


def codes_for(findings, cohort, name):
    return sorted(f.code for f in findings if f.id == cohort.ids[name])


def test_clean_records_have_no_findings(workspace, cohort):
    cohort.client("ok", unemployed_since=date(2022, 1, 1))
    cohort.finished("ok_left", "job", unemployed_since=date(2022, 1, 1))
    cohort.employer("e", network_since=date(2024, 1, 1))
    cohort.visit("v", "e", date(2024, 2, 1))
    assert quality_findings(workspace) == []


def test_each_finding(workspace, cohort):
    long = {"unemployed_since": date(2022, 1, 1)}
    cohort.client("no_entry", entry_date=None, **long)
    cohort.client("no_start_data", birth_date=None, gender=None, education=None, labour_status=None)
    cohort.client("finished_no_exit", status="finished", exit_date=None, outcome="job", **long)
    cohort.finished(
        "exit_before_entry", "job", entry_date=date(2024, 5, 1), exit_date=date(2024, 4, 1), **long
    )
    cohort.finished("no_outcome", None, **long)
    cohort.client("too_young", birth_date=date(2000, 1, 1), **long)  # TOPI: age 30–59
    cohort.client("too_short", unemployed_since=date(2024, 1, 1))  # 2 months before entry
    cohort.client("met_without_data", status="met", entry_date=None, birth_date=None)
    cohort.employer("idle_sponsor", sponsor=True)
    cohort.employer("idle_network", network_since=date(2020, 1, 1))
    cohort.employer("idle_outside", network_since=date(2025, 6, 1))
    cohort.employer("not_counted")
    cohort.employer("visited", network_since=date(2020, 1, 1))
    cohort.visit("v", "visited", date(2021, 1, 1))
    cohort.employer("placed", sponsor=True)
    cohort.placement("p", "no_entry", "placed", date(2024, 4, 1))
    found = quality_findings(workspace)
    assert codes_for(found, cohort, "no_entry") == ["missing_entry_date"]
    nsd = [f for f in found if f.id == cohort.ids["no_start_data"]]
    assert [(f.code, f.detail) for f in nsd] == [
        ("missing_start_data", "birth_date, gender, education, labour_status")
    ]
    assert codes_for(found, cohort, "finished_no_exit") == ["finished_without_exit_date"]
    assert codes_for(found, cohort, "exit_before_entry") == ["exit_before_entry"]
    assert codes_for(found, cohort, "no_outcome") == ["exit_without_outcome"]
    assert codes_for(found, cohort, "too_young") == ["outside_target_group"]
    assert [f.detail for f in found if f.id == cohort.ids["too_young"]] == ["age_outside"]
    assert codes_for(found, cohort, "too_short") == ["outside_target_group"]
    assert codes_for(found, cohort, "met_without_data") == []
    companies = {f.id: f.detail for f in found if f.code == "company_without_activity"}
    assert companies == {
        cohort.ids["idle_sponsor"]: "sponsor",
        cohort.ids["idle_network"]: "network",
        cohort.ids["idle_outside"]: "network",
    }
    counts = summary(found)
    assert list(counts) == list(CODES)
    assert sum(counts.values()) == len(found)
    assert not any("Testi" in f.label for f in found)
    in_2024 = quality_findings(workspace, Period(date(2024, 1, 1), date(2024, 12, 31)))
    assert cohort.ids["idle_outside"] not in {f.id for f in in_2024}


def test_programme_filter_and_period(workspace, cohort):
    cohort.finished("valke_no_outcome", None, programme="VALKE")
    cohort.finished("topi_no_outcome", None, unemployed_since=date(2022, 1, 1))
    cohort.finished(
        "old",
        None,
        entry_date=date(2019, 1, 1),
        exit_date=date(2019, 6, 1),
        unemployed_since=date(2017, 1, 1),
    )
    valke = quality_findings(workspace, programme="VALKE")
    assert {f.id for f in valke if f.table == "clients"} == {cohort.ids["valke_no_outcome"]}
    in_2024 = quality_findings(workspace, Period(date(2024, 1, 1), date(2024, 12, 31)), "TOPI")
    assert {f.id for f in in_2024} == {cohort.ids["topi_no_outcome"]}
