"""The records of kenttä (DESIGN §2) as pydantic v2 models.

Each model is one replicated table; `kenttä.store.schema` derives the sync schema from these
fields, so a column is declared once. Models validate input from people and files; stored
rows are read back through `Model.model_validate(dict(row))`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from kenttä_sync.ground import uuid7
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from kenttä.domain.codes import (
    AssessmentArea,
    ClientStatus,
    Disclosure,
    Education,
    EmployerKind,
    Gender,
    LabourStatus,
    Language,
    NoteKind,
    Outcome,
    OutcomeCheck,
    PlacementKind,
    ReferralSource,
    StepStatus,
    TeamRole,
    VisitPurpose,
    VoucherStatus,
)
from kenttä.domain.identifiers import (
    parse_henkilotunnus,
    validate_municipality,
    validate_y_tunnus,
)

Henkilotunnus = Annotated[str, AfterValidator(lambda v: parse_henkilotunnus(v).code)]
YTunnus = Annotated[str, AfterValidator(validate_y_tunnus)]
MunicipalityCode = Annotated[str, AfterValidator(validate_municipality)]
NonEmpty = Annotated[str, Field(min_length=1, max_length=200)]
LongText = Annotated[str, Field(max_length=100_000)]


class Record(BaseModel):
    """Every record: a device-made UUIDv7 id and the scope that decides who receives it."""

    model_config = ConfigDict(str_strip_whitespace=True, use_enum_values=True, extra="forbid")

    id: str = Field(default_factory=uuid7)
    scope: str = "default"

    def to_row(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


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
                raise ValueError(f"rating for {area} must be 1–5")
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


class Placement(Record):
    client_id: str
    employer_id: str
    kind: PlacementKind
    start_date: date
    end_date: date | None = None
    follow_ups: list[str] = Field(default_factory=list)  # dates of follow-up contacts


class Service(Record):
    """An entry of the service tray (palvelutarjotin)."""

    code: NonEmpty
    name: NonEmpty
    category: str
    default_value_cents: int = Field(default=0, ge=0)


class Provider(Record):
    y_tunnus: YTunnus | None = None
    name: NonEmpty
    services: list[str] = Field(default_factory=list)  # service codes


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
    """A client's feedback after a coaching; append-only."""

    client_id: str
    given_on: date
    service_code: str | None = None
    rating: int = Field(ge=1, le=5)
    comment: LongText = ""


class AuditEvent(Record):
    """Who saw, changed, exported or erased a person's data; append-only."""

    at: datetime
    actor: str
    device_id: str
    action: str  # view | change | export | erase | subject_access
    record_table: str
    record_id: str
    detail: str = ""


# -- group coaching and teams (issue 15 points 4 and 7) ------------------------------------


class CoachingGroup(Record):
    """A coaching group: a series of sessions (VÄLKE's group model, Kuopio's coaching unit)."""

    name: NonEmpty
    programme: str | None = None
    place: str | None = None
    coaches: list[str] = Field(default_factory=list)
    started_on: date | None = None


class GroupSession(Record):
    group_id: str
    held_on: date
    place: str | None = None
    coaches: list[str] = Field(default_factory=list)
    topic: NonEmpty


class GroupAttendance(Record):
    """One attendee of a session; `present` marked, `note_id` the group note it wrote."""

    session_id: str
    client_id: str
    present: bool = False
    note_id: str | None = None


class TeamMember(Record):
    """A co-worker on a client's team besides the responsible coach (`clients.owner`)."""

    client_id: str
    member: NonEmpty  # the co-worker's user name ("user" is a reserved word in PostgreSQL)
    role: TeamRole = TeamRole.COACH
