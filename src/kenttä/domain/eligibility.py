"""Programme eligibility rules as data; eligibility is computed, never stored.

A rule is an age band and a list of alternatives; a client is eligible when their age is in
the band and at least one alternative holds (every condition an alternative names). Every
answer carries the reason, for the client card and reports.

The seeds' definitions (DESIGN §1):
- TOPI: 30–59, unemployed 12 months (the current spell) or 12 of the last 16 months; a young
  person with prolonged unemployment comes in as an exception a coach records with a reason.
- Kuopio pilot: 30–55, 500 days of labour-market subsidy or 12 months unemployed.
- Valmennuksesta virtaa!: people not entitled to earnings-related allowance; under-30s and
  immigrants come in on a referral (a referral source other than the person themselves).

A recorded exception (`RecordedException`: the programme it was granted for and why) turns a
"no" or "cannot tell" into "exception" for that programme only; the rule's own verdict stays
readable (`Eligibility.ruled`) so the card can say what the exception overrides.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

if TYPE_CHECKING:
    from kenttä.domain.models import Client

SELF_REFERRAL = "self"


class Alternative(BaseModel):
    """One way into a programme: any condition left None/False is not required."""

    months_unemployed: int | None = None
    months_in_window: tuple[int, int] | None = None  # (12, 16): 12 of the last 16 months
    benefit_days: int | None = None
    no_earnings_related: bool = False  # not entitled to earnings-related allowance
    max_age: int | None = None  # a younger group inside the band (with `referred`)
    immigrant: bool = False  # foreign background or a third-country national (with `referred`)
    referred: bool = False  # a referral source other than the person themselves


class ProgrammeRule(BaseModel):
    programme: str
    name: str
    min_age: int
    max_age: int
    alternatives: list[Alternative]
    exception_hint: str = ""  # catalogue key: what the seed accepts as an exception


RULES: dict[str, ProgrammeRule] = {
    "TOPI": ProgrammeRule(
        programme="TOPI",
        name="TOPI (Kuopio 2016–18)",
        min_age=30,
        max_age=59,
        alternatives=[Alternative(months_unemployed=12), Alternative(months_in_window=(12, 16))],
        exception_hint="intake.exception_hint_topi",
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
        alternatives=[
            Alternative(no_earnings_related=True),
            Alternative(max_age=29, referred=True),
            Alternative(immigrant=True, referred=True),
        ],
        exception_hint="intake.exception_hint_virtaa",
    ),
}


@dataclass(frozen=True)
class RecordedException:
    """A coach's exception to a programme's rule for one client, with the reason."""

    programme: str
    reason: str


@dataclass(frozen=True)
class Eligibility:
    eligible: bool | None  # None: not enough data to tell; True also for an exception
    reason: str
    reason_code: str
    params: dict[str, Any] = field(default_factory=dict)  # age, months, days… for the screen
    ruled: Eligibility | None = None  # with an exception: the rule's own verdict

    @property
    def state(self) -> str:
        """eligible | exception | not_eligible | unknown (what the card marks ✓ / ! / ✗ / ?)."""
        if self.reason_code == "exception":
            return "exception"
        return {True: "eligible", False: "not_eligible", None: "unknown"}[self.eligible]


def months_between(start: date, end: date) -> int:
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - (1 if end.day < start.day else 0)


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def evaluation_day(entry_date: date | None, today: date) -> date:
    """The day eligibility is judged on: the entry date once the client has entered."""
    return entry_date if entry_date is not None and entry_date <= today else today


def client_eligibility(client: Client, today: date) -> Eligibility:
    """A client's eligibility for their own programme, judged on their entry date with the
    start data recorded at intake and the exception a coach recorded, if any."""
    exception = None
    if client.eligibility_exception and client.eligibility_exception_programme:
        exception = RecordedException(
            client.eligibility_exception_programme, client.eligibility_exception
        )
    answers = (client.foreign_background, client.third_country_national)
    immigrant = True if "yes" in answers else (False if "no" in answers else None)
    return evaluate(
        client.programme,
        birth_date=client.birth_date,
        unemployed_since=client.unemployed_since,
        benefit_days=client.benefit_days,
        on=evaluation_day(client.entry_date, today),
        months_unemployed_in_window=client.months_unemployed_last_16,
        earnings_related_allowance=client.earnings_related_allowance,
        immigrant=immigrant,
        referral_source=client.referral_source,
        exception=exception,
    )


def rule_for(programme: str | None) -> ProgrammeRule | None:
    return RULES.get((programme or "").upper())


def evaluate(
    programme: str | None,
    *,
    birth_date: date | None,
    unemployed_since: date | None,
    benefit_days: int | None,
    on: date,
    months_unemployed_in_window: int | None = None,
    earnings_related_allowance: bool | None = None,
    immigrant: bool | None = None,
    referral_source: str | None = None,
    exception: RecordedException | None = None,
) -> Eligibility:
    """Whether a client fits a programme's target group on a day, and why."""
    rule = rule_for(programme)
    if rule is None:
        return Eligibility(None, "no eligibility rule for this programme", "no_rule")
    verdict = _by_rule(
        rule,
        birth_date=birth_date,
        unemployed_since=unemployed_since,
        benefit_days=benefit_days,
        on=on,
        window=months_unemployed_in_window,
        earnings_related=earnings_related_allowance,
        immigrant=immigrant,
        referral_source=referral_source,
    )
    granted = exception is not None and (exception.programme or "").upper() == rule.programme
    if granted and verdict.eligible is not True and exception and exception.reason.strip():
        reason = exception.reason.strip()
        return Eligibility(
            True, "exception recorded", "exception", {**verdict.params, "why": reason}, verdict
        )
    return verdict


def _by_rule(
    rule: ProgrammeRule,
    *,
    birth_date: date | None,
    unemployed_since: date | None,
    benefit_days: int | None,
    on: date,
    window: int | None,
    earnings_related: bool | None,
    immigrant: bool | None,
    referral_source: str | None,
) -> Eligibility:
    if birth_date is None:
        return Eligibility(None, "birth date unknown", "no_birth_date")
    age = age_on(birth_date, on)
    months = months_between(unemployed_since, on) if unemployed_since else None
    params: dict[str, Any] = {
        "age": age,
        "min_age": rule.min_age,
        "max_age": rule.max_age,
        "months": "?" if months is None else months,
        "days": "?" if benefit_days is None else benefit_days,
    }
    if not rule.min_age <= age <= rule.max_age:
        return Eligibility(
            False, f"age {age} outside {rule.min_age}–{rule.max_age}", "age_outside", params
        )
    referred = None if referral_source is None else referral_source != SELF_REFERRAL
    missing: str | None = None
    for alt in rule.alternatives:
        checks = _checks(alt, params, age, months, benefit_days, window, earnings_related)
        if alt.immigrant:
            checks.append(("immigrant_referral", bool(immigrant), "immigrant"))  # unasked: no
        if alt.referred:
            checks.append(("referred", referred, "referred"))
        results = [held for _, held, _ in checks]
        if all(held is True for held in results):
            why = ", ".join(text for _, _, text in checks)
            return Eligibility(True, f"age {age}, {why}", checks[0][0], params)
        if missing is None and not any(held is False for held in results):
            missing = MISSING[next(code for code, held, _ in checks if held is None)]
    if missing is not None:  # an alternative could still hold: do not guess
        return Eligibility(None, missing.replace("_", " "), missing, params)
    if earnings_related and any(a.no_earnings_related for a in rule.alternatives):
        return Eligibility(
            False, f"age {age}, entitled to earnings-related allowance", "earnings_related", params
        )
    parts = []
    if months is not None:
        parts.append(f"unemployed {months} months")
    if benefit_days is not None:
        parts.append(f"{benefit_days} benefit days")
    return Eligibility(False, f"age {age}, only " + (", ".join(parts) or "–"), "too_short", params)


MISSING = {
    "months_unemployed": "no_unemployment_data",
    "months_in_window": "no_unemployment_data",
    "benefit_days": "no_unemployment_data",
    "no_earnings_related": "no_allowance_data",
    "young_referral": "no_referral_data",
    "immigrant_referral": "no_referral_data",
    "referred": "no_referral_data",
}
"""A condition that cannot be judged → the reason code saying which data is missing."""


def _checks(
    alt: Alternative,
    params: dict[str, Any],
    age: int,
    months: int | None,
    benefit_days: int | None,
    window: int | None,
    earnings_related: bool | None,
) -> list[tuple[str, bool | None, str]]:
    """(code, holds or None when unknown, reason) for each condition of an alternative."""
    checks: list[tuple[str, bool | None, str]] = []
    if alt.months_unemployed is not None:
        held = None if months is None else months >= alt.months_unemployed
        checks.append(
            ("months_unemployed", held, f"unemployed {months} months (≥ {alt.months_unemployed})")
        )
    if alt.months_in_window is not None:
        need, span = alt.months_in_window
        counted = window
        if counted is None and months is not None:
            counted = min(months, span)
        held = None if counted is None else counted >= need
        checks.append(("months_in_window", held, f"unemployed {counted} of the last {span} months"))
        if counted is not None:
            params["window"] = counted
    if alt.benefit_days is not None:
        held = None if benefit_days is None else benefit_days >= alt.benefit_days
        checks.append(("benefit_days", held, f"{benefit_days} benefit days (≥ {alt.benefit_days})"))
    if alt.no_earnings_related:
        held = None if earnings_related is None else not earnings_related
        checks.append(("no_earnings_related", held, "not entitled to earnings-related allowance"))
    if alt.max_age is not None:
        checks.append(("young_referral", age <= alt.max_age, f"under {alt.max_age + 1}"))
    return checks
