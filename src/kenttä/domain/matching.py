"""Labour needs and matching (issue 16) as records: an employer's need, a client's work
profile, and a coordinator's proposal of a client for a need."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import AfterValidator, Field

from kenttä.domain.codes import Licence, NeedStatus, NeedTerm, ProposalOutcome
from kenttä.domain.occupations import validate_occupation
from kenttä.domain.record import MunicipalityCode, Record

OccupationCode = Annotated[str, AfterValidator(validate_occupation)]


class Need(Record):
    """A labour need of an employer (table `labour_needs`), recorded at a visit or alone."""

    employer_id: str
    # ammattiluokitus 2010; empty only on needs moved from a visit's old free-text list
    # (migration 0010), whose words stay in `title`
    occupation: OccupationCode | None = None
    title: str = Field(default="", max_length=200)  # the employer's own words
    headcount: int = Field(default=1, ge=1, le=10_000)
    term: NeedTerm = NeedTerm.SHORT
    licences: list[Licence] = Field(default_factory=list)
    skills: str = Field(default="", max_length=2_000)
    starts_on: date | None = None
    status: NeedStatus = NeedStatus.OPEN
    recorded_on: date
    visit_id: str | None = None
    programme: str | None = None


class WorkProfile(Record):
    """A client's work interests, skills, licences and area (one per client)."""

    client_id: str
    occupations: list[OccupationCode] = Field(default_factory=list)
    licences: list[Licence] = Field(default_factory=list)
    municipalities: list[MunicipalityCode] = Field(default_factory=list)
    skills: str = Field(default="", max_length=2_000)


class Proposal(Record):
    """A coordinator proposes a client for a need; the client's coach records the outcome."""

    need_id: str
    client_id: str
    proposed_by: str
    proposed_on: date
    coach: str | None = None  # the client's owner when proposed: whose Today shows it
    reasons: list[str] = Field(default_factory=list)  # interest | licence:CODE | municipality
    outcome: ProposalOutcome | None = None
    decided_on: date | None = None
    placement_id: str | None = None
    programme: str | None = None


# --- issue 16: programme targets and information events -------------------------------
