"""Programme eligibility, with the reason a coach reads on the client card."""

from __future__ import annotations

from datetime import date

from kenttä.domain.eligibility import (
    RULES,
    Eligibility,
    RecordedException,
    age_on,
    evaluate,
    months_between,
)

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


# Issue 15, point 2: the seeds' own definitions, at their boundaries, and recorded exceptions.


def topi(birth: date, **kw) -> Eligibility:
    kw.setdefault("unemployed_since", date(2024, 1, 1))
    return evaluate("TOPI", birth_date=birth, benefit_days=None, on=ON, **kw)


def test_topi_age_boundaries_on_the_birthday() -> None:
    assert topi(date(1996, 11, 22)).eligible is True  # 30 today
    assert topi(date(1996, 11, 23)).reason_code == "age_outside"  # 30 tomorrow
    assert topi(date(1966, 11, 23)).eligible is True  # 59, 60 tomorrow
    sixty = topi(date(1966, 11, 22))  # 60 today
    assert sixty.eligible is False and sixty.params["age"] == 60


def test_topi_twelve_within_sixteen_months_from_the_count_recorded_at_intake() -> None:
    short_spell = {"unemployed_since": date(2026, 9, 1)}  # current spell: 2 months
    eleven = topi(born(40), months_unemployed_in_window=11, **short_spell)
    assert eleven.eligible is False and eleven.reason_code == "too_short"
    twelve = topi(born(40), months_unemployed_in_window=12, **short_spell)
    assert twelve.eligible is True and twelve.reason_code == "months_in_window"
    # no count recorded: the current spell is all that is known (11 months → no; 12 → yes)
    assert topi(born(40), unemployed_since=date(2025, 12, 23)).eligible is False
    assert topi(born(40), unemployed_since=date(2025, 11, 22)).eligible is True
    # neither known: not guessed
    unknown = topi(born(40), unemployed_since=None)
    assert unknown.eligible is None and unknown.state == "unknown"


def test_kuopio_500_benefit_days_and_55_years() -> None:
    def kuopio(birth: date, days: int | None, since: date | None = None) -> Eligibility:
        return evaluate(
            "KUOPIO", birth_date=birth, unemployed_since=since, benefit_days=days, on=ON
        )

    assert kuopio(born(45), 500).reason_code == "benefit_days"
    assert kuopio(born(45), 499, date(2026, 6, 1)).reason_code == "too_short"
    assert kuopio(date(1970, 11, 22), 500).eligible is False  # 56 today
    assert kuopio(date(1970, 11, 23), 500).eligible is True  # 55 until tomorrow
    assert kuopio(date(1996, 11, 23), 900).reason_code == "age_outside"  # 29
    # 499 days and no unemployment date: the 12-month way may still hold, so not "no"
    assert kuopio(born(45), 499).eligible is None


def virtaa(age: int, **kw) -> Eligibility:
    return evaluate(
        "VIRTAA", birth_date=born(age), unemployed_since=None, benefit_days=None, on=ON, **kw
    )


def test_virtaa_not_entitled_to_earnings_related_allowance() -> None:
    ok = virtaa(45, earnings_related_allowance=False)
    assert ok.eligible is True and ok.reason_code == "no_earnings_related"
    no = virtaa(45, earnings_related_allowance=True, referral_source="te_office")
    assert no.eligible is False and no.reason_code == "earnings_related"
    assert virtaa(45).reason_code == "no_allowance_data"


def test_virtaa_under_30s_and_immigrants_come_in_on_a_referral() -> None:
    young = virtaa(29, earnings_related_allowance=True, referral_source="te_office")
    assert young.eligible is True and young.reason_code == "young_referral"
    self_referred = virtaa(29, earnings_related_allowance=True, referral_source="self")
    assert self_referred.eligible is False
    thirty = virtaa(30, earnings_related_allowance=True, referral_source="social_services")
    assert thirty.eligible is False and thirty.reason_code == "earnings_related"
    immigrant = virtaa(
        45, earnings_related_allowance=True, immigrant=True, referral_source="social_services"
    )
    assert immigrant.eligible is True and immigrant.reason_code == "immigrant_referral"
    not_referred = virtaa(45, earnings_related_allowance=True, immigrant=True)
    assert not_referred.eligible is None and not_referred.reason_code == "no_referral_data"


def test_a_recorded_exception_lets_a_young_person_into_topi_with_the_reason() -> None:
    why = "nuori, työttömyys pitkittynyt 10 kk"
    young = date(2001, 5, 5)  # 25
    plain = topi(young)
    assert plain.state == "not_eligible" and plain.reason_code == "age_outside"
    granted = topi(young, exception=RecordedException("TOPI", why))
    assert granted.state == "exception" and granted.eligible is True
    assert granted.params["why"] == why
    assert granted.ruled is not None and granted.ruled.reason_code == "age_outside"
    # granted for another programme, or with no reason: the rule stands
    assert topi(young, exception=RecordedException("KUOPIO", why)).state == "not_eligible"
    assert topi(young, exception=RecordedException("TOPI", "  ")).state == "not_eligible"
    # an eligible client needs no exception: the rule's own yes is shown
    assert topi(born(40), exception=RecordedException("topi", why)).state == "eligible"
