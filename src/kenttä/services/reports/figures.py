"""The ESF report's figures as pydantic models: `EsfReport.model_dump(mode="json")` is the JSON.

Definitions of every figure are in `kenttä.services.reports.esf`.
"""

from __future__ import annotations

from pydantic import BaseModel


class Gender(BaseModel):
    women: int = 0
    men: int = 0
    non_binary: int = 0
    unknown: int = 0


class AtEntry(BaseModel):
    unemployed: int = 0
    long_term_unemployed: int = 0
    inactive: int = 0
    employed: int = 0
    unknown: int = 0


class Age(BaseModel):
    under_30: int = 0
    aged_30_to_54: int = 0
    aged_55_or_over: int = 0
    unknown: int = 0


class EducationBands(BaseModel):
    isced_0_2: int = 0
    isced_3_4: int = 0
    isced_5_8: int = 0
    unknown: int = 0


class OnLeaving(BaseModel):
    in_education: int = 0
    gained_qualification: int = 0
    in_employment: int = 0
    employed_at_6_months: int = 0
    checked_at_6_months: int = 0


class Funnel(BaseModel):
    contacted: int = 0
    met: int = 0
    participating: int = 0
    finished: int = 0
    declined: int = 0


class Money(BaseModel):
    count: int = 0
    value_cents: int = 0
    euros: float = 0.0


class Vouchers(Money):
    by_service: dict[str, Money] = {}
    by_status: dict[str, Money] = {}


class GroupCoaching(BaseModel):
    sessions: int = 0
    attendances: int = 0
    participants: int = 0


class EsfReport(BaseModel):
    """The figures; `model_dump(mode="json")` is the JSON that scripts read."""

    period: dict[str, str]
    programme: str | None
    participants: int
    entered: int
    finished: int
    positive_paths: int
    positive_path_rate: float | None
    job_or_degree: int
    job_or_degree_rate: float | None
    participating_companies: int
    network_size: int
    sponsor_employers: int
    by_gender: Gender
    at_entry: AtEntry
    age: Age
    education: EducationBands
    on_leaving: OnLeaving
    outcomes: dict[str, int]
    funnel: Funnel
    vouchers: Vouchers
    # issue 16: the programme's targets beside the actuals (services/reports/targets.py)
    targets: dict[str, dict[str, int | float | None]] = {}
    group_coaching: GroupCoaching = GroupCoaching()
