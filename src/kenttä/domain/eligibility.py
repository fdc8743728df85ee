"""Programme eligibility rules as data; eligibility is computed, never stored.

A rule is a list of alternatives; a client is eligible when their age is in the band and at
least one alternative holds. Every answer carries the reason, for the client card and reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel


class Alternative(BaseModel):
    """One way into a programme: any condition left None is not required."""

    months_unemployed: int | None = None
    months_in_window: tuple[int, int] | None = None  # (12, 16): 12 of the last 16 months
    benefit_days: int | None = None


class ProgrammeRule(BaseModel):
    programme: str
    name: str
    min_age: int
    max_age: int
    alternatives: list[Alternative]


RULES: dict[str, ProgrammeRule] = {
    "TOPI": ProgrammeRule(
        programme="TOPI",
        name="TOPI (Kuopio 2016–18)",
        min_age=30,
        max_age=59,
        alternatives=[Alternative(months_unemployed=12), Alternative(months_in_window=(12, 16))],
    ),
    "KUOPIO": ProgrammeRule(
        programme="KUOPIO",
        name="Kuopion pilotti (2012–15)",
        min_age=30,
        max_age=55,
        alternatives=[Alternative(benefit_days=500), Alternative(months_unemployed=12)],
    ),
    "VALKE": ProgrammeRule(
        programme="VALKE",
        name="VÄLKE (Kuopion seutu 2008–11)",
        min_age=17,
        max_age=64,
        alternatives=[Alternative(benefit_days=500), Alternative(months_unemployed=12)],
    ),
    "POLKU": ProgrammeRule(
        programme="POLKU",
        name="Polku (Lappi 2015–18)",
        min_age=17,
        max_age=64,
        alternatives=[Alternative(months_unemployed=12)],
    ),
    "VIRTAA": ProgrammeRule(
        programme="VIRTAA",
        name="Valmennuksesta virtaa! (Jyväskylä 2021–22)",
        min_age=17,
        max_age=64,
        alternatives=[Alternative(months_unemployed=6)],
    ),
}


@dataclass(frozen=True)
class Eligibility:
    eligible: bool | None  # None: not enough data to tell
    reason: str
    reason_code: str


def months_between(start: date, end: date) -> int:
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - (1 if end.day < start.day else 0)


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def evaluate(
    programme: str | None,
    *,
    birth_date: date | None,
    unemployed_since: date | None,
    benefit_days: int | None,
    on: date,
    months_unemployed_in_window: int | None = None,
) -> Eligibility:
    """Whether a client fits a programme's target group on a day, and why."""
    rule = RULES.get((programme or "").upper())
    if rule is None:
        return Eligibility(None, "no eligibility rule for this programme", "no_rule")
    if birth_date is None:
        return Eligibility(None, "birth date unknown", "no_birth_date")
    age = age_on(birth_date, on)
    if not rule.min_age <= age <= rule.max_age:
        return Eligibility(False, f"age {age} outside {rule.min_age}–{rule.max_age}", "age_outside")
    months = months_between(unemployed_since, on) if unemployed_since else None
    unknown = True
    for alt in rule.alternatives:
        if alt.months_unemployed is not None and months is not None:
            unknown = False
            if months >= alt.months_unemployed:
                return Eligibility(
                    True,
                    f"age {age}, unemployed {months} months (≥ {alt.months_unemployed})",
                    "months_unemployed",
                )
        if alt.months_in_window is not None:
            need, window = alt.months_in_window
            counted = months_unemployed_in_window
            if counted is None and months is not None:
                counted = min(months, window)
            if counted is not None:
                unknown = False
                if counted >= need:
                    return Eligibility(
                        True,
                        f"age {age}, unemployed {counted} of the last {window} months",
                        "months_in_window",
                    )
        if alt.benefit_days is not None and benefit_days is not None:
            unknown = False
            if benefit_days >= alt.benefit_days:
                return Eligibility(
                    True,
                    f"age {age}, {benefit_days} benefit days (≥ {alt.benefit_days})",
                    "benefit_days",
                )
    if unknown:
        return Eligibility(None, "unemployment data missing", "no_unemployment_data")
    parts = []
    if months is not None:
        parts.append(f"unemployed {months} months")
    if benefit_days is not None:
        parts.append(f"{benefit_days} benefit days")
    return Eligibility(False, f"age {age}, only " + ", ".join(parts), "too_short")
