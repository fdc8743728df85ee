"""Programme eligibility, with the reason a coach reads on the client card."""

from __future__ import annotations

from datetime import date

from kenttä.domain.eligibility import RULES, age_on, evaluate, months_between

ON = date(2026, 11, 22)


def born(age: int) -> date:
    return date(ON.year - age, 1, 1)


def test_topi_age_band_30_to_59() -> None:
    since = date(2025, 1, 1)
    assert evaluate(
        "TOPI", birth_date=born(30), unemployed_since=since, benefit_days=None, on=ON
    ).eligible
    assert evaluate(
        "TOPI", birth_date=born(59), unemployed_since=since, benefit_days=None, on=ON
    ).eligible
    young = evaluate("TOPI", birth_date=born(29), unemployed_since=since, benefit_days=None, on=ON)
    assert young.eligible is False
    assert young.reason_code == "age_outside"
    assert "29" in young.reason and "30–59" in young.reason
    old = evaluate("TOPI", birth_date=born(60), unemployed_since=since, benefit_days=None, on=ON)
    assert old.eligible is False


def test_topi_twelve_months_unemployed() -> None:
    result = evaluate(
        "TOPI", birth_date=born(40), unemployed_since=date(2025, 11, 22), benefit_days=None, on=ON
    )
    assert result.eligible is True
    assert result.reason_code == "months_unemployed"
    assert "12 months" in result.reason


def test_topi_twelve_of_the_last_sixteen_months() -> None:
    result = evaluate(
        "TOPI",
        birth_date=born(40),
        unemployed_since=date(2026, 8, 1),  # the current spell is only 3 months
        benefit_days=None,
        on=ON,
        months_unemployed_in_window=12,
    )
    assert result.eligible is True
    assert result.reason_code == "months_in_window"
    assert "12 of the last 16 months" in result.reason


def test_topi_too_short() -> None:
    result = evaluate(
        "TOPI",
        birth_date=born(40),
        unemployed_since=date(2026, 3, 1),
        benefit_days=None,
        on=ON,
        months_unemployed_in_window=8,
    )
    assert result.eligible is False
    assert result.reason_code == "too_short"
    assert "8 months" in result.reason


def test_kuopio_30_to_55_and_500_benefit_days() -> None:
    result = evaluate(
        "KUOPIO", birth_date=born(45), unemployed_since=date(2026, 6, 1), benefit_days=500, on=ON
    )
    assert result.eligible is True
    assert result.reason_code == "benefit_days"
    assert "500 benefit days" in result.reason
    short = evaluate(
        "KUOPIO", birth_date=born(45), unemployed_since=date(2026, 6, 1), benefit_days=499, on=ON
    )
    assert short.eligible is False
    assert "499 benefit days" in short.reason


def test_kuopio_twelve_months_instead_of_benefit_days() -> None:
    result = evaluate(
        "KUOPIO", birth_date=born(50), unemployed_since=date(2025, 10, 1), benefit_days=100, on=ON
    )
    assert result.eligible is True
    assert result.reason_code == "months_unemployed"


def test_kuopio_age_band() -> None:
    old = evaluate("KUOPIO", birth_date=born(56), unemployed_since=None, benefit_days=900, on=ON)
    assert old.eligible is False and "30–55" in old.reason


def test_unknowns_are_not_guessed() -> None:
    assert (
        evaluate(
            "TOPI", birth_date=None, unemployed_since=None, benefit_days=None, on=ON
        ).reason_code
        == "no_birth_date"
    )
    no_data = evaluate("TOPI", birth_date=born(40), unemployed_since=None, benefit_days=None, on=ON)
    assert no_data.eligible is None and no_data.reason_code == "no_unemployment_data"
    assert (
        evaluate(
            "NOPE", birth_date=born(40), unemployed_since=None, benefit_days=1, on=ON
        ).reason_code
        == "no_rule"
    )
    assert evaluate(
        "topi", birth_date=born(40), unemployed_since=date(2020, 1, 1), benefit_days=None, on=ON
    ).eligible


def test_month_and_age_arithmetic() -> None:
    assert months_between(date(2025, 11, 22), ON) == 12
    assert months_between(date(2025, 11, 23), ON) == 11
    assert age_on(date(1996, 11, 22), ON) == 30
    assert age_on(date(1996, 11, 23), ON) == 29
    assert set(RULES) == {"TOPI", "KUOPIO", "VALKE", "POLKU", "VIRTAA"}
