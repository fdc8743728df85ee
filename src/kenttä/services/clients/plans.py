"""The employment plan (työllistymissuunnitelma): a goal and steps with due dates."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from kenttä.domain.codes import StepStatus
from kenttä.services.context import Workspace
from kenttä.services.privacy import audit_in
from kenttä.services.records import LIVE, live_scope, whose_sql
from kenttä.services.roles import may, require

# The models (pydantic) load on the first write: the Today screen reads this module at
# start-up (tests/test_startup.py).
if TYPE_CHECKING:
    from kenttä.domain.models import PlanStep

STEP_COLUMNS = ("id", "plan_id", "client_id", "description", "service_code", "due_date", "status")
STATUS_CYCLE = [s.value for s in StepStatus]


class PlanError(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _client_scope(ws: Workspace, client_id: str) -> str:
    scope = live_scope(ws, "clients", client_id, PlanError("no_client", "no such client"))
    return scope or ws.config.scope


def plan_of(ws: Workspace, client_id: str) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """The client's current (latest) plan and its steps, by due date."""
    require(ws, "view_notes")
    row = ws.store.conn.execute(
        f"SELECT id, goal, created_on, reviewed_on FROM plans WHERE client_id = ? AND {LIVE}"
        " ORDER BY created_on DESC, id DESC LIMIT 1",
        (client_id,),
    ).fetchone()
    if row is None:
        return None, []
    plan = dict(zip(("id", "goal", "created_on", "reviewed_on"), row, strict=True))
    steps = ws.store.conn.execute(
        f"SELECT {', '.join(STEP_COLUMNS)} FROM plan_steps WHERE plan_id = ? AND {LIVE}"
        " ORDER BY due_date IS NULL, due_date, id",
        (plan["id"],),
    ).fetchall()
    return plan, [dict(zip(STEP_COLUMNS, s, strict=True)) for s in steps]


def save_plan(ws: Workspace, client_id: str, *, goal: str, today: date) -> str:
    """Create the plan, or change the goal of the current one (a review); returns its id."""
    from kenttä.domain.models import Plan

    require(ws, "write_note")
    scope = _client_scope(ws, client_id)
    plan, _ = plan_of(ws, client_id)
    with ws.store.replica.transaction(ws.user) as tx:
        if plan is None:
            new = Plan(client_id=client_id, goal=goal, created_on=today, scope=scope)
            tx.insert("plans", new.to_row())
            audit_in(tx, ws, "create", "plans", new.id, scope=scope)
            return new.id
        changed = tx.update("plans", plan["id"], {"goal": goal, "reviewed_on": today})
        if changed:
            audit_in(tx, ws, "change", "plans", plan["id"], ",".join(changed), scope)
        return plan["id"]


def add_step(
    ws: Workspace,
    client_id: str,
    *,
    description: str,
    due_date: date | None = None,
    service_code: str | None = None,
    today: date,
) -> PlanStep:
    """Add a step to the client's plan (a plan is created if there is none)."""
    from kenttä.domain.models import PlanStep

    require(ws, "write_note")
    plan, _ = plan_of(ws, client_id)
    plan_id = plan["id"] if plan else save_plan(ws, client_id, goal="", today=today)
    step = PlanStep(
        plan_id=plan_id,
        client_id=client_id,
        description=description,
        due_date=due_date,
        service_code=service_code or None,
        scope=_client_scope(ws, client_id),
    )
    with ws.store.replica.transaction(ws.user) as tx:
        tx.insert("plan_steps", step.to_row())
        audit_in(tx, ws, "create", "plan_steps", step.id, scope=step.scope)
    return step


def set_step_status(ws: Workspace, step_id: str, status: str) -> None:
    require(ws, "write_note")
    status = StepStatus(status).value
    with ws.store.replica.transaction(ws.user) as tx:
        row = tx.conn.execute(
            f"SELECT scope FROM plan_steps WHERE id = ? AND {LIVE}", (step_id,)
        ).fetchone()
        if row is None:
            raise PlanError("not_found", "no such step")
        if tx.update("plan_steps", step_id, {"status": status}):
            audit_in(tx, ws, "change", "plan_steps", step_id, "status", row[0])


def next_status(status: str) -> str:
    index = STATUS_CYCLE.index(status) if status in STATUS_CYCLE else -1
    return STATUS_CYCLE[(index + 1) % len(STATUS_CYCLE)]


def due_steps(
    ws: Workspace, *, until: date, owner: str | None = None, limit: int = 50
) -> list[dict[str, Any]]:
    """Open steps due on or before `until`, with the client's name (one owner's, or all).

    Plans are casework: for a role that may not read them (a coordinator) the list is empty,
    so the Today view shows what that role does see."""
    if not may(ws, "view_notes"):
        return []
    rows = ws.store.conn.execute(
        "SELECT s.id, s.client_id, c.first_name, c.last_name, s.description, s.due_date,"
        " s.status FROM plan_steps s JOIN clients c ON c.id = s.client_id"
        " AND c._deleted IS NULL AND c._erased IS NULL"
        " WHERE s.status IN ('planned', 'in_progress') AND s.due_date <= ?"
        " AND s._deleted IS NULL AND s._erased IS NULL"
        f" AND (? IS NULL OR {whose_sql('c')})"
        " ORDER BY s.due_date, s.id LIMIT ?",
        (until.isoformat(), owner, owner, owner, limit),
    ).fetchall()
    keys = ("id", "client_id", "first_name", "last_name", "description", "due_date", "status")
    return [dict(zip(keys, r, strict=True)) for r in rows]
