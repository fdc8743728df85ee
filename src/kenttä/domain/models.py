"""The records of kenttä (DESIGN §2) as pydantic v2 models.

Each model is one replicated table; `kenttä.store.schema` derives the sync schema from these
fields, so a column is declared once. Models validate input from people and files; stored
rows are read back through `Model.model_validate(dict(row))`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from kenttä.domain.codes import (
    AssessmentArea,
    ClientStatus,
    Disclosure,
    Education,
    EmployerKind,
    FeedbackQuestion,
    FeedbackSource,
    Gender,
    LabourStatus,
    Language,
    NoteKind,
    Outcome,
    OutcomeCheck,
    PlacementKind,
    ReferralSource,
    StepStatus,
    VisitPurpose,
    VoucherStatus,
)
from kenttä.domain.identifiers import (
    parse_henkilotunnus,
)
from kenttä.domain.record import (
    Henkilotunnus,
    LaterList,
    LongText,
    MunicipalityCode,
    NonEmpty,
    Record,
    YTunnus,
)
from kenttä.domain.refusal import Refused


class Client(Record):
    henkilotunnus: Henkilotunnus | None = None
    first_name: NonEmpty
    last_name: NonEmpty
    birth_date: date | None = None
    sex: str | None = None  # "male" | "female", from the henkilötunnus
    gender: Gender | None = None  # ESF+: from the henkilötunnus unless the person says otherwise
    municipality: MunicipalityCode | None = None
    postal_code: str | None = None
    language: Language = Language.FI
    phone: str | None = None
    email: str | None = None
    education: Education | None = None
    labour_status: LabourStatus | None = None
    unemployed_since: date | None = None
    benefit_days: int | None = Field(default=None, ge=0, le=10_000)
    referral_source: ReferralSource | None = None
    programme: str | None = None
    status: ClientStatus = ClientStatus.CONTACTED
    owner: str | None = None
    consent: bool = False
    entry_date: date | None = None
    exit_date: date | None = None
    outcome: Outcome | None = None
    disability: Disclosure | None = None
    foreign_background: Disclosure | None = None
    minority: Disclosure | None = None
    homelessness: Disclosure | None = None
    segment: str | None = None  # a code of the segments table (Polku), set by the coach
    # issue 15 (migration 0005): the rest of the ESF+ start data, the data eligibility
    # needs, and a coach's recorded exception to the programme's rule (with the reason)
    third_country_national: Disclosure | None = None
    consent_date: date | None = None
    months_unemployed_last_16: int | None = Field(default=None, ge=0, le=16)
    earnings_related_allowance: bool | None = None  # entitled to ansiosidonnainen päiväraha
    eligibility_exception: str | None = Field(default=None, max_length=500)  # the reason
    eligibility_exception_programme: str | None = None
    eligibility_exception_on: date | None = None

    @model_validator(mode="after")
    def _derive_from_henkilotunnus(self) -> Client:
        if self.henkilotunnus:
            identity = parse_henkilotunnus(self.henkilotunnus)
            self.birth_date = self.birth_date or identity.birth_date
            self.sex = identity.sex
            if self.gender is None:
                self.gender = Gender.MAN.value if identity.sex == "male" else Gender.WOMAN.value
        return self

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Note(Record):
    """Append-only: a correction is a new note whose `corrects` points at the old one."""

    client_id: str
    author: str
    written_at: datetime
    kind: NoteKind = NoteKind.MEETING
    body: LongText
    corrects: str | None = None


class Assessment(Record):
    client_id: str
    assessed_on: date
    assessors: list[str] = Field(default_factory=list)  # roles: coach, psychologist, nurse…
    ratings: dict[AssessmentArea, int] = Field(default_factory=dict)  # 1 (obstacle) … 5
    strengths: LongText = ""
    obstacles: LongText = ""
    recommended_services: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _ratings_in_range(self) -> Assessment:
        for area, rating in self.ratings.items():
            if not 1 <= rating <= 5:
                raise Refused("rating_range", f"rating for {area} must be 1–5")
        return self


class Plan(Record):
    client_id: str
    goal: LongText
    created_on: date
    reviewed_on: date | None = None


class PlanStep(Record):
    plan_id: str
    client_id: str
    description: NonEmpty
    service_code: str | None = None
    due_date: date | None = None
    status: StepStatus = StepStatus.PLANNED


class Employer(Record):
    y_tunnus: YTunnus | None = None
    name: NonEmpty
    kind: EmployerKind = EmployerKind.COMPANY
    industry: str | None = None  # TOL 2008 code
    municipality: MunicipalityCode | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    contact_email: str | None = None
    network_since: date | None = None
    sponsor: bool = False
    sponsor_since: date | None = None  # when the sponsor agreement began (issue 16)


class LabourNeed(BaseModel):
    model_config = ConfigDict(use_enum_values=True, extra="forbid")

    occupation: NonEmpty
    headcount: int = Field(default=1, ge=1, le=10_000)
    skills: str = ""
    when: date | None = None
    long_term: bool = False  # short-term: within 6 months


class Visit(Record):
    employer_id: str
    visited_on: date
    visitors: list[str] = Field(default_factory=list)
    purpose: VisitPurpose = VisitPurpose.FIRST_CONTACT
    labour_needs: list[LabourNeed] = Field(default_factory=list)
    openings: list[PlacementKind] = Field(default_factory=list)
    next_contact: date | None = None
    notes: LongText = ""
    programme: str | None = None  # issue 16: the programme the visit belongs to


class LearningPeriod(BaseModel):
    """A supported apprenticeship's period of study at the school (issue 16)."""

    model_config = ConfigDict(extra="forbid")

    start: date
    end: date

    @model_validator(mode="after")
    def _in_order(self) -> LearningPeriod:
        if self.end < self.start:
            raise Refused("learning_period_order", "a learning period ends before it starts")
        return self


class Placement(Record):
    client_id: str
    employer_id: str
    kind: PlacementKind
    start_date: date
    end_date: date | None = None
    follow_ups: list[str] = Field(default_factory=list)  # legacy: dates only (PlacementFollowUp)
    programme: str | None = None  # issue 16: the programme the placement belongs to
    # a path (issue 16): the placement this one follows (work trial → wage subsidy → job);
    # a supported apprenticeship's learning periods and the association that employs
    follows: str | None = None
    learning_periods: list[LearningPeriod] = Field(default_factory=list)
    employed_by: str | None = None  # an employer id (kind association)


class PlacementFollowUp(Record):
    """A contact after a placement (Kuopio): who was contacted, how it goes, the next date."""

    placement_id: str
    client_id: str
    employer_id: str
    contacted_on: date
    contacted: NonEmpty  # who: the employer's contact person, the client, a workmate…
    how_it_goes: LongText = ""
    next_date: date | None = None
    author: str


class Service(Record):
    """An entry of the service tray (palvelutarjotin): data a supervisor keeps (issue 15)."""

    code: NonEmpty
    name: NonEmpty  # Finnish
    category: str
    default_value_cents: int = Field(default=0, ge=0)
    name_sv: str | None = None
    programmes: LaterList = Field(default_factory=list)  # empty: every programme
    retired_on: date | None = None  # not offered for new vouchers; old ones still show it


class Provider(Record):
    y_tunnus: YTunnus | None = None
    name: NonEmpty
    services: list[str] = Field(default_factory=list)  # service codes
    contact_name: str | None = None
    contact_phone: str | None = None
    contact_email: str | None = None
    retired_on: date | None = None  # not offered for new choices; old vouchers still show it


class Voucher(Record):
    number: NonEmpty
    client_id: str
    service_code: str
    provider_id: str | None = None
    value_cents: int = Field(ge=0)
    issued_on: date
    valid_until: date
    status: VoucherStatus = VoucherStatus.ISSUED
    issued_by: str
    budget_id: str | None = None


class OutcomeRecord(Record):
    """An outcome on exit (checkpoint `exit`) and again at 28 days and 6 months (ESF+)."""

    client_id: str
    checkpoint: OutcomeCheck
    due_on: date
    checked_on: date | None = None
    outcome: Outcome | None = None


class Feedback(Record):
    """A client's feedback after a coaching or a used voucher; append-only.

    `scores` answers the fixed questionnaire (FeedbackQuestion → 1–5; a question may be left
    unanswered, the overall `satisfaction` may not); `rating` is that overall score, kept as
    the column older rows (before schema 9: a single rating, no scores) hold it.
    """

    client_id: str
    given_on: date
    service_code: str | None = None
    rating: int = Field(ge=1, le=5)
    comment: LongText = ""
    scores: dict[FeedbackQuestion, int] = Field(default_factory=dict)
    voucher_id: str | None = None
    provider_id: str | None = None
    source: FeedbackSource | None = None
    entered_by: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _rating_from_scores(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("rating") is None and data.get("scores"):
            scores = data["scores"]
            if isinstance(scores, dict) and FeedbackQuestion.SATISFACTION.value in scores:
                data = {**data, "rating": scores[FeedbackQuestion.SATISFACTION.value]}
        return data

    @model_validator(mode="after")
    def _scores_in_range(self) -> Feedback:
        for question, score in self.scores.items():
            if not 1 <= score <= 5:
                raise Refused("score_range", f"score for {question} must be 1–5")
        overall = self.scores.get(FeedbackQuestion.SATISFACTION.value)  # type: ignore[call-overload]
        if overall is None:
            self.scores[FeedbackQuestion.SATISFACTION.value] = self.rating  # type: ignore[index]
        elif overall != self.rating:
            raise Refused("rating_mismatch", "rating must equal the satisfaction score")
        return self


class AuditEvent(Record):
    """Who saw, changed, exported or erased a person's data; append-only."""

    at: datetime
    actor: str
    device_id: str
    action: str  # view | change | export | erase | subject_access
    record_table: str
    record_id: str
    detail: str = ""


class Segment(Record):
    """A client segment (Polku) of the supervisor's short list; retired ones stay readable."""

    code: Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z0-9_]+$")]
    name_fi: NonEmpty
    name_sv: str | None = None
    name_en: str | None = None
    retired_on: date | None = None


# Labour needs and matching (issue 16) -----------------------------------------------------


class ProgrammeTarget(Record):
    """A supervisor's targets for a programme; a figure left empty has no target."""

    programme: NonEmpty
    participants: int | None = Field(default=None, ge=0)
    positive_path_rate: float | None = Field(default=None, ge=0, le=1)
    participating_companies: int | None = Field(default=None, ge=0)
    network_size: int | None = Field(default=None, ge=0)
    sponsor_employers: int | None = Field(default=None, ge=0)
    coachings_purchased: int | None = Field(default=None, ge=0)


class InfoEvent(Record):
    """An information event (TOPI: at schools and fairs): when, where, who organised it and
    how many attended; attendees who are clients are EventAttendee rows."""

    held_on: date
    place: NonEmpty
    organisers: list[str] = Field(default_factory=list)
    attended: int = Field(default=0, ge=0, le=100_000)
    employer_id: str | None = None  # the school or employer that hosted it, when one did
    notes: LongText = ""


class EventAttendee(Record):
    """A client who attended an information event (erased with the client)."""

    event_id: str
    client_id: str


# Records of their own modules, named here too (store/schema.py reads every table's model here)
from kenttä.domain.groups import (  # noqa: E402, F401
    CoachingGroup,
    GroupAttendance,
    GroupSession,
    TeamMember,
)
from kenttä.domain.matching import Need, OccupationCode, Proposal, WorkProfile  # noqa: E402, F401
