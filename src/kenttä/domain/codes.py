"""Code lists of the domain. Stored values are these English codes; screens translate them."""

from __future__ import annotations

from enum import StrEnum


class ClientStatus(StrEnum):
    CONTACTED = "contacted"
    MET = "met"
    PARTICIPATING = "participating"
    FINISHED = "finished"
    DECLINED = "declined"


FUNNEL = (
    ClientStatus.CONTACTED,
    ClientStatus.MET,
    ClientStatus.PARTICIPATING,
    ClientStatus.FINISHED,
)


class Outcome(StrEnum):
    JOB = "job"
    WAGE_SUBSIDISED_JOB = "wage_subsidised_job"
    DEGREE_EDUCATION = "degree_education"
    OTHER_EDUCATION = "other_education"
    OTHER_SERVICE = "other_service"
    UNEMPLOYED = "unemployed"
    INACTIVE = "inactive"
    UNKNOWN = "unknown"


POSITIVE_PATHS = frozenset(
    {Outcome.JOB, Outcome.WAGE_SUBSIDISED_JOB, Outcome.DEGREE_EDUCATION, Outcome.OTHER_SERVICE}
)
JOB_OR_DEGREE = frozenset({Outcome.JOB, Outcome.WAGE_SUBSIDISED_JOB, Outcome.DEGREE_EDUCATION})


class ReferralSource(StrEnum):
    TE_OFFICE = "te_office"
    SOCIAL_SERVICES = "social_services"
    MUNICIPAL_EXPERIMENT = "municipal_experiment"
    SELF = "self"
    OTHER = "other"


class Education(StrEnum):
    """ISCED 2011 bands used in ESF+ reporting."""

    ISCED_0_2 = "isced_0_2"
    ISCED_3_4 = "isced_3_4"
    ISCED_5_8 = "isced_5_8"


class LabourStatus(StrEnum):
    UNEMPLOYED = "unemployed"
    LONG_TERM_UNEMPLOYED = "long_term_unemployed"
    INACTIVE = "inactive"
    EMPLOYED = "employed"


class Gender(StrEnum):
    WOMAN = "woman"
    MAN = "man"
    NON_BINARY = "non_binary"


class Disclosure(StrEnum):
    """An optional ESF+ flag, with the right not to answer."""

    YES = "yes"
    NO = "no"
    PREFER_NOT_TO_ANSWER = "prefer_not_to_answer"


class Language(StrEnum):
    FI = "fi"
    SV = "sv"
    EN = "en"
    OTHER = "other"


class EmployerKind(StrEnum):
    COMPANY = "company"
    MUNICIPALITY = "municipality"
    ASSOCIATION = "association"
    SCHOOL = "school"  # TOPI's information events at schools (issue 16)


class VisitPurpose(StrEnum):
    FIRST_CONTACT = "first_contact"
    NEEDS_ANALYSIS = "needs_analysis"
    FOLLOW_UP = "follow_up"
    SPONSOR_AGREEMENT = "sponsor_agreement"


class PlacementKind(StrEnum):
    WORK_TRIAL = "work_trial"
    WAGE_SUBSIDISED_JOB = "wage_subsidised_job"
    JOB = "job"
    APPRENTICESHIP = "apprenticeship"
    COACHING_UNIT = "coaching_unit"


class StepStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


class VoucherStatus(StrEnum):
    ISSUED = "issued"
    PROVIDER_CHOSEN = "provider_chosen"
    USED = "used"
    INVOICED = "invoiced"
    PAID = "paid"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class AssessmentArea(StrEnum):
    WORK_ABILITY = "work_ability"
    SKILLS = "skills"
    JOB_SEARCH = "job_search"
    LIFE_MANAGEMENT = "life_management"
    MOTIVATION = "motivation"
    HOUSING_AND_MONEY = "housing_and_money"
    DIGITAL_SKILLS = "digital_skills"
    LANGUAGE = "language"


class OutcomeCheck(StrEnum):
    EXIT = "exit"
    DAYS_28 = "days_28"
    MONTHS_6 = "months_6"


class Role(StrEnum):
    COACH = "coach"
    COORDINATOR = "coordinator"
    SUPERVISOR = "supervisor"


class NoteKind(StrEnum):
    MEETING = "meeting"
    PHONE = "phone"
    HOME_VISIT = "home_visit"
    GROUP = "group"
    OTHER = "other"


class FeedbackQuestion(StrEnum):
    """The fixed questionnaire after a coaching (1 = disagree … 5 = agree); the order asked.

    `satisfaction` is the overall question: the single rating feedback held before the
    questionnaire (schema 9) reads as it.
    """

    USEFUL = "useful"
    GOALS = "goals"
    RESPECT = "respect"
    NEXT_STEPS = "next_steps"
    SATISFACTION = "satisfaction"


class FeedbackSource(StrEnum):
    COACH = "coach"  # entered by the coach with the client
    SURVEY = "survey"  # imported from a survey's answers


# Labour needs and matching (issue 16) -----------------------------------------------------


class NeedTerm(StrEnum):
    """Short-term: the need falls within six months; long-term: later or lasting."""

    SHORT = "short"
    LONG = "long"


class NeedStatus(StrEnum):
    OPEN = "open"
    FILLED = "filled"
    WITHDRAWN = "withdrawn"


class Licence(StrEnum):
    """Cards and licences an employer asks for and a client holds."""

    HYGIENE_PASS = "hygiene_pass"  # hygieniapassi
    SAFETY_CARD = "safety_card"  # työturvallisuuskortti
    DRIVING_B = "driving_b"  # ajokortti B
    DRIVING_C = "driving_c"  # ajokortti C (kuorma-auto)
    FORKLIFT = "forklift"  # trukkikortti
    FIRST_AID = "first_aid"  # ensiapukortti (EA1)
    HOT_WORK = "hot_work"  # tulityökortti
    ELECTRICAL_SAFETY = "electrical_safety"  # sähköturvallisuus (SFS 6002)
    ALCOHOL_PASS = "alcohol_pass"  # anniskelupassi
    SECURITY_GUARD = "security_guard"  # järjestyksenvalvoja / vartijakortti


class ProposalOutcome(StrEnum):
    PLACED = "placed"
    DECLINED = "declined"
    NOT_SUITABLE = "not_suitable"


class TeamRole(StrEnum):
    """A co-worker's part in a client's team (the responsible coach is `clients.owner`)."""

    COACH = "coach"
    PSYCHOLOGIST = "psychologist"
    NURSE = "nurse"
    TE_COUNSELLOR = "te_counsellor"
    SOCIAL_WORKER = "social_worker"
