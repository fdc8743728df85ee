"""The app's schema as the sync module sees it, derived from the domain models.

One declaration per table: its model (the columns come from the model's fields), its kind,
natural key, personal-data columns, references and sticky columns. Bump SCHEMA_VERSION with
every migration that changes a replicated table and every change of merge rules (3: sticky
voucher statuses), so a device still merging by the old rules is refused with the version
it needs.
"""

from __future__ import annotations

import types
import typing
from datetime import date, datetime
from enum import Enum
from typing import Any

from kenttä_sync.ground import ColumnType, RolePolicy, SyncSchema, TableAccess, TableSpec
from pydantic import BaseModel

from kenttä.domain import models as m
from kenttä.domain.codes import VoucherStatus

SCHEMA_VERSION = 12


def _column_type(annotation: Any) -> ColumnType:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _column_type(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _column_type(args[0])
    if origin in (list, dict, tuple) or (
        isinstance(annotation, type) and issubclass(annotation, BaseModel)
    ):
        return "json"
    if annotation is bool:
        return "boolean"
    if annotation is int:
        return "integer"
    if annotation is float:
        return "real"
    if annotation in (date, datetime):
        return "date"
    if annotation is str or (isinstance(annotation, type) and issubclass(annotation, Enum)):
        return "text"
    raise TypeError(f"no column type for {annotation!r}")


def columns_of(model: type[m.Record]) -> dict[str, ColumnType]:
    hints = typing.get_type_hints(model, include_extras=True)
    return {name: _column_type(hints[name]) for name in model.model_fields if name != "id"}


def codes_of(model: type[m.Record]) -> dict[str, tuple[str, ...]]:
    """Text columns whose values are an enum's codes: the codes (checked by the office)."""
    hints = typing.get_type_hints(model)
    out: dict[str, tuple[str, ...]] = {}
    for name in model.model_fields:
        annotation = hints[name]
        if typing.get_origin(annotation) in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0] if len(args) == 1 else None
        if isinstance(annotation, type) and issubclass(annotation, Enum):
            out[name] = tuple(str(member.value) for member in annotation)
    return out


def required_of(model: type[m.Record]) -> tuple[str, ...]:
    """Columns whose field does not allow None: the office refuses a change leaving them null."""
    hints = typing.get_type_hints(model)
    out = []
    for name in model.model_fields:
        annotation = hints[name]
        nullable = typing.get_origin(annotation) in (typing.Union, types.UnionType) and (
            type(None) in typing.get_args(annotation)
        )
        if name != "id" and not nullable and annotation is not Any:
            out.append(name)
    return tuple(out)


def _spec(table: str, model: type[m.Record], **kwargs: Any) -> TableSpec:
    return TableSpec(
        name=table, columns=columns_of(model), codes=codes_of(model),
        required=required_of(model), **kwargs,
    )  # fmt: skip


CLIENT_PERSONAL = (
    "henkilotunnus",
    "first_name",
    "last_name",
    "birth_date",
    "postal_code",
    "phone",
    "email",
    "eligibility_exception",  # a coach's free-text reason (issue 15)
)

MODELS: dict[str, type[m.Record]] = {
    "clients": m.Client,
    "notes": m.Note,
    "assessments": m.Assessment,
    "plans": m.Plan,
    "plan_steps": m.PlanStep,
    "employers": m.Employer,
    "visits": m.Visit,
    "placements": m.Placement,
    "services": m.Service,
    "providers": m.Provider,
    "vouchers": m.Voucher,
    "outcomes": m.OutcomeRecord,
    "feedback": m.Feedback,
    "audit_events": m.AuditEvent,
    "segments": m.Segment,  # client segments (Polku): a supervisor's list, read by coaches
    "placement_follow_ups": m.PlacementFollowUp,
    # issue 16: labour needs, clients' work profiles, proposals of a client for a need
    "labour_needs": m.Need,
    "work_profiles": m.WorkProfile,
    "proposals": m.Proposal,
    # issue 16: programme targets (a supervisor's), information events and attendees
    "programme_targets": m.ProgrammeTarget,
    "info_events": m.InfoEvent,
    "event_attendees": m.EventAttendee,
    # group coaching and teams (issue 15): a coordinator receives none of them (casework)
    "coaching_groups": m.CoachingGroup,
    "group_sessions": m.GroupSession,
    "group_attendance": m.GroupAttendance,
    "client_team": m.TeamMember,
}

# What the office sends and accepts per role (services/roles.py says why; the office
# enforces it, kenttä_sync.ground.policy). Coaches and supervisors work with every table; only a
# supervisor erases and resolves. A coordinator keeps employers, visits and placements,
# reads a client's name, contact data and status (for placement follow-ups) and never a
# note, assessment, plan, voucher, outcome or feedback's free text (it reads feedback scores,
# by service and provider, for the providers it keeps); it writes audit events of its own
# and the shared service tray, and reads no one's audit trail.
# note, assessment, plan, voucher, outcome or feedback; it writes audit events of its own
# and reads no one's audit trail. The service tray (services, providers) is a supervisor's
# to write (issue 15; roles.py `edit_service_tray`): coaches and coordinators read it.
_EVERYTHING = {name: TableAccess(read="*", write="*") for name in MODELS}
_TRAY_READ = {name: TableAccess(read="*", write=()) for name in ("services", "providers")}
COORDINATOR_CLIENT_COLUMNS = (
    "first_name", "last_name", "phone", "email", "municipality", "language", "status", "owner",
)  # fmt: skip
# segments: a supervisor keeps the list; a coach reads it (and sets clients.segment)
_COACH_TABLES = {**_EVERYTHING, **_TRAY_READ, "segments": TableAccess(read="*", write=())}
FEEDBACK_COORDINATOR_COLUMNS = tuple(
    name for name in m.Feedback.model_fields if name not in ("id", "comment")
)  # schema 9: scores read by the coordinators who keep the providers; free text is not
_TARGETS_READ = {"programme_targets": TableAccess(read="*", write=())}  # a supervisor's to set
_EVENTS = {t: TableAccess(read="*", write="*") for t in ("info_events", "event_attendees")}
POLICIES = {
    "coach": RolePolicy(tables={**_COACH_TABLES, **_TARGETS_READ}),
    "supervisor": RolePolicy(tables=_EVERYTHING, ops=("erase", "resolve")),
    "coordinator": RolePolicy(
        tables={
            "clients": TableAccess(read=COORDINATOR_CLIENT_COLUMNS, write=()),
            "employers": TableAccess(read="*", write="*"),
            "visits": TableAccess(read="*", write="*"),
            "placements": TableAccess(read="*", write="*"),
            **_TRAY_READ,
            "audit_events": TableAccess(read=(), write="*"),
            # feedback scores per service and provider, never the client's own words
            "feedback": TableAccess(read=FEEDBACK_COORDINATOR_COLUMNS, write=()),
            "placement_follow_ups": TableAccess(read="*", write="*"),
            # issue 16: a coordinator matches and proposes: needs and proposals in full, a
            # client's interests, licences and area (never the free-text skills), no writes
            "labour_needs": TableAccess(read="*", write="*"),
            "proposals": TableAccess(read="*", write="*"),
            "work_profiles": TableAccess(
                read=("client_id", "occupations", "licences", "municipalities"), write=()
            ),
            **_TARGETS_READ,
            **_EVENTS,
        }
    ),
}

SCHEMA = SyncSchema(
    name="kentta",
    version=SCHEMA_VERSION,
    policies=POLICIES,
    tables=(
        _spec(
            "clients",
            m.Client,
            natural_key="henkilotunnus",
            personal_columns=CLIENT_PERSONAL,
        ),
        _spec(
            "notes",
            m.Note,
            kind="append_only",
            personal_columns=("body",),
            references={"client_id": "clients", "corrects": "notes"},
            erase_with="client_id",
        ),
        _spec(
            "assessments",
            m.Assessment,
            personal_columns=("strengths", "obstacles", "ratings"),
            references={"client_id": "clients"},
            erase_with="client_id",
        ),
        _spec(
            "plans",
            m.Plan,
            personal_columns=("goal",),
            references={"client_id": "clients"},
            erase_with="client_id",
        ),
        _spec(
            "plan_steps",
            m.PlanStep,
            personal_columns=("description",),
            references={"plan_id": "plans", "client_id": "clients"},
            erase_with="client_id",
        ),
        _spec(
            "employers",
            m.Employer,
            natural_key="y_tunnus",
            personal_columns=("contact_name", "contact_phone", "contact_email"),
        ),
        _spec("visits", m.Visit, references={"employer_id": "employers"}),
        _spec(
            "placements",
            m.Placement,
            references={
                "client_id": "clients",
                "employer_id": "employers",
                "follows": "placements",
                "employed_by": "employers",
            },
            erase_with="client_id",
        ),
        _spec("services", m.Service, natural_key="code"),
        _spec(
            "providers",
            m.Provider,
            natural_key="y_tunnus",
            personal_columns=("contact_name", "contact_phone", "contact_email"),
        ),
        _spec(
            "vouchers",
            m.Voucher,
            natural_key="number",
            references={"client_id": "clients", "provider_id": "providers"},
            erase_with="client_id",
            # a voucher that gave its value back to a budget share stays released: a
            # concurrent edit elsewhere must never revive it (see services/vouchers/budgets/escrow.py)
            sticky={"status": (VoucherStatus.CANCELLED.value, VoucherStatus.EXPIRED.value)},
        ),
        _spec(
            "outcomes",
            m.OutcomeRecord,
            references={"client_id": "clients"},
            erase_with="client_id",
        ),
        _spec(
            "feedback",
            m.Feedback,
            kind="append_only",
            personal_columns=("comment", "scores", "rating"),
            # voucher_id and provider_id are no references: an index on them would be made
            # by the replica's install on databases older than schema 9 (which lack them);
            # reports read a voucher's provider and service through the voucher, which is
            # re-pointed when providers merge (services/reports/feedback.py)
            references={"client_id": "clients"},
            erase_with="client_id",
        ),
        _spec("audit_events", m.AuditEvent, kind="append_only"),
        _spec("segments", m.Segment, natural_key="code"),
        _spec(
            "placement_follow_ups",
            m.PlacementFollowUp,
            personal_columns=("contacted", "how_it_goes"),
            references={
                "placement_id": "placements",
                "client_id": "clients",
                "employer_id": "employers",
            },
            erase_with="client_id",
        ),
        # issue 16
        _spec(
            "labour_needs",
            m.Need,
            references={"employer_id": "employers", "visit_id": "visits"},
        ),
        _spec(
            "work_profiles",
            m.WorkProfile,
            natural_key="client_id",
            personal_columns=("skills",),
            references={"client_id": "clients"},
            erase_with="client_id",
        ),
        _spec(
            "proposals",
            m.Proposal,
            references={
                "need_id": "labour_needs",
                "client_id": "clients",
                "placement_id": "placements",
            },
            erase_with="client_id",
        ),
        _spec("programme_targets", m.ProgrammeTarget, natural_key="programme"),
        _spec("info_events", m.InfoEvent, references={"employer_id": "employers"}),
        _spec(
            "event_attendees",
            m.EventAttendee,
            references={"event_id": "info_events", "client_id": "clients"},
            erase_with="client_id",
        ),
        # group coaching and teams (issue 15 points 4, 7)
        _spec("coaching_groups", m.CoachingGroup),
        _spec("group_sessions", m.GroupSession, references={"group_id": "coaching_groups"}),
        _spec(
            "group_attendance",
            m.GroupAttendance,
            references={
                "session_id": "group_sessions",
                "client_id": "clients",
                "note_id": "notes",
            },
            erase_with="client_id",
        ),
        _spec(
            "client_team",
            m.TeamMember,
            references={"client_id": "clients"},
            erase_with="client_id",
        ),
    ),
)
