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

SCHEMA_VERSION = 7


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
# note, assessment, plan, voucher, outcome or feedback; it writes audit events of its own
# and the shared service tray, and reads no one's audit trail.
_EVERYTHING = {name: TableAccess(read="*", write="*") for name in MODELS}
COORDINATOR_CLIENT_COLUMNS = (
    "first_name", "last_name", "phone", "email", "municipality", "language", "status", "owner",
)  # fmt: skip
POLICIES = {
    "coach": RolePolicy(tables=_EVERYTHING),
    "supervisor": RolePolicy(tables=_EVERYTHING, ops=("erase", "resolve")),
    "coordinator": RolePolicy(
        tables={
            "clients": TableAccess(read=COORDINATOR_CLIENT_COLUMNS, write=()),
            "employers": TableAccess(read="*", write="*"),
            "visits": TableAccess(read="*", write="*"),
            "placements": TableAccess(read="*", write="*"),
            "services": TableAccess(read="*", write="*"),
            "providers": TableAccess(read="*", write="*"),
            "audit_events": TableAccess(read=(), write="*"),
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
            references={"client_id": "clients", "employer_id": "employers"},
            erase_with="client_id",
        ),
        _spec("services", m.Service, natural_key="code"),
        _spec("providers", m.Provider, natural_key="y_tunnus"),
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
            personal_columns=("comment",),
            references={"client_id": "clients"},
            erase_with="client_id",
        ),
        _spec("audit_events", m.AuditEvent, kind="append_only"),
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
