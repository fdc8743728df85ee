"""Roles: what a coach, a coordinator and a supervisor may do, enforced in the services layer.

The UI hides what a role cannot do, but hiding is not enforcement: every service function
that does something on the list below calls `require(ws, action)` first, so a script, a CLI
command or a tampered screen gets the same refusal. The office server enforces the same
table for what reaches the central store (the device's enrolled role and scopes).

| action            | coach | coordinator | supervisor | what it is                                |
|-------------------|:-----:|:-----------:|:----------:|-------------------------------------------|
| view_client       |   x   |      x      |     x      | open a client's summary (own scope)       |
| edit_client       |   x   |             |     x      | create or change a client                 |
| write_note        |   x   |             |     x      | notes, assessments, plans and their steps |
| view_notes        |   x   |             |     x      | read notes, assessments and plans         |
| record_placement  |   x   |      x      |     x      | placements and their follow-ups           |
| record_outcome    |   x   |             |     x      | exit outcome and its 28-day/6-month check |
| record_feedback   |   x   |             |     x      | a client's feedback (form or survey file) |
| edit_employer     |   x   |      x      |     x      | employers, contacts and company visits    |
| issue_voucher     |   x   |             |     x      | issue or cancel a service voucher         |
| import_clients    |   x   |             |     x      | import clients from CSV                   |
| import_employers  |   x   |      x      |     x      | import employers from CSV                 |
| view_reports      |   x   |      x      |     x      | reports over the device's own scopes      |
| sync              |   x   |      x      |     x      | sync with the office or by bundle         |
| view_all_scopes   |       |             |     x      | records and reports of every scope        |
| export_table      |       |             |     x      | `kenttä export`: whole tables out         |
| resolve_conflict  |       |             |     x      | choose the value of a sync conflict       |
| set_budget        |       |             |     x      | voucher budgets and device shares         |
| edit_service_tray |       |             |     x      | services and providers of the tray        |
| enroll_device     |       |             |     x      | enrol a laptop with the office server     |
| view_audit        |       |             |     x      | `kenttä audit client`                     |
| subject_access    |       |             |     x      | `kenttä subject-access`                   |
| erase_client      |       |             |     x      | `kenttä erase client`                     |
| purge             |       |             |     x      | `kenttä purge` (retention)                |
| manage_segments   |       |             |     x      | add and retire client segments (Polku)    |
| record_event      |   x   |      x      |     x      | information events and who attended       |
| set_targets       |       |             |     x      | a programme's targets (F7, report esf)    |

A day in the field decides the table. A coordinator visits companies: they keep employers,
contacts and visits, record placements and their follow-ups, and open a client's summary
(name, status, placements) to follow a placement up, but never read or write a client's
notes, assessment or plan (`client_card` leaves them out for a coordinator, and the client
search does not look into note text); of feedback they see the scores (in reports, by service
and provider), never what the client wrote (that needs view_notes). A coach does casework in their own scope and may work
with employers too, but exports no whole tables, erases nothing and resolves no conflicts.
A supervisor may do everything, in every scope.

The role comes from the config on the device, except that once the laptop is enrolled the
role the office enrolled it with counts (`role_of`): editing the local config gains nothing.
Records of the config's scope and of every scope the device was enrolled with are its own
(`require_scope`); before enrolment a standalone laptop (demo, seeded or imported caseload)
holds only what was made on it, so all its records are its own.

The office server enforces the same line for what reaches the central store
(kenttä_sync.transport.server.enrolment.ROLE_OPS): a push's resolve and erase changes are refused per
transaction, and reported back like an out-of-scope write, unless the device was enrolled
as a supervisor; a device pulls only its enrolled scopes, and writes outside them are
refused. Likewise a supervisor's budget orders queued on a laptop (`budget_orders`) are
applied at the next sync only if the device was enrolled as a supervisor
(kenttä_sync.counters.orders.ORDER_ROLES), else refused with a reason. What each role's
device receives and may write, table by table and column by column, is declared once in
the sync schema (store/schema.py `POLICIES`) and enforced by the office: a coordinator's
laptop never receives notes, assessments or plans, and its writes of clients or notes are
refused and listed by `kenttä sync`.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from kenttä.services.context import Workspace

Role = Literal["coach", "coordinator", "supervisor"]
ROLES: tuple[Role, ...] = ("coach", "coordinator", "supervisor")

_ALL: frozenset[str] = frozenset(ROLES)
_CASEWORK: frozenset[str] = frozenset({"coach", "supervisor"})
_SUPERVISOR: frozenset[str] = frozenset({"supervisor"})

PERMISSIONS: dict[str, frozenset[str]] = {
    "view_client": _ALL,
    "edit_client": _CASEWORK,
    "write_note": _CASEWORK,
    "view_notes": _CASEWORK,
    "record_placement": _ALL,
    "record_outcome": _CASEWORK,
    "record_feedback": _CASEWORK,
    "edit_employer": _ALL,
    "issue_voucher": _CASEWORK,
    "import_clients": _CASEWORK,
    "import_employers": _ALL,
    "view_reports": _ALL,
    "sync": _ALL,
    "view_all_scopes": _SUPERVISOR,
    "export_table": _SUPERVISOR,
    "resolve_conflict": _SUPERVISOR,
    "set_budget": _SUPERVISOR,
    "edit_service_tray": _SUPERVISOR,
    "enroll_device": _SUPERVISOR,
    "view_audit": _SUPERVISOR,
    "subject_access": _SUPERVISOR,
    "erase_client": _SUPERVISOR,
    "purge": _SUPERVISOR,
    "manage_segments": _SUPERVISOR,
    "record_event": _ALL,
    "set_targets": _SUPERVISOR,
}

_WHAT: dict[str, str] = {
    "view_client": "open a client",
    "edit_client": "change a client",
    "write_note": "write notes, assessments or plans",
    "view_notes": "read notes, assessments or plans",
    "record_placement": "record placements",
    "record_outcome": "record outcomes",
    "record_feedback": "record feedback",
    "edit_employer": "change employers or visits",
    "issue_voucher": "issue or cancel vouchers",
    "import_clients": "import clients",
    "import_employers": "import employers",
    "view_reports": "see reports",
    "sync": "sync",
    "view_all_scopes": "see other scopes",
    "export_table": "export whole tables",
    "resolve_conflict": "resolve conflicts",
    "set_budget": "set voucher budgets",
    "edit_service_tray": "change the service tray",
    "enroll_device": "enrol devices",
    "view_audit": "read the audit trail",
    "subject_access": "make a subject access report",
    "erase_client": "erase a client",
    "purge": "purge by the retention rule",
    "manage_segments": "add or retire client segments",
    "record_event": "record information events",
    "set_targets": "set programme targets",
}


class PermissionDenied(ValueError):
    """The user's role may not do this; the message says who may, in one line."""

    def __init__(self, action: str, role: str) -> None:
        self.action = action
        self.role = role
        who = " or ".join(sorted(PERMISSIONS.get(action, ()))) or "nobody"
        super().__init__(
            f"only a {who} may {_WHAT.get(action, action)} (this device's role is {role})"
        )


def allowed(role: str, action: str) -> bool:
    """Whether `role` may do `action`; an unknown action is allowed to nobody."""
    return role in PERMISSIONS.get(action, frozenset())


def actions_for(role: str) -> list[str]:
    """Every action `role` may do, sorted (for a UI deciding what to show)."""
    return sorted(action for action, roles in PERMISSIONS.items() if role in roles)


def role_of(ws: Workspace) -> str:
    """The role that counts: the enrolled one once the laptop is enrolled, else the config's."""
    enrolled = _state(ws, "enrolled_role")
    return enrolled if enrolled in ROLES else ws.role


def may(ws: Workspace, action: str) -> bool:
    """Whether this workspace's user may do `action` (for what a service shows, not refuses)."""
    return allowed(role_of(ws), action)


def require(ws: Workspace, action: str) -> None:
    """Raise PermissionDenied unless the workspace's role may do `action`."""
    if action not in PERMISSIONS:
        raise KeyError(f"unknown action {action!r}")  # a programming error, not a refusal
    role = role_of(ws)
    if not allowed(role, action):
        raise PermissionDenied(action, role)


def own_scopes(ws: Workspace) -> set[str] | None:
    """The device's scopes: the config's and every scope the office enrolled it with. None
    before enrolment: a standalone laptop (a demo, a seeded or imported caseload) holds only
    what was made on it, so every scope in it is its own until the office assigns scopes."""
    text = _state(ws, "enrolled_scopes")
    if text is None:
        return None
    try:
        listed = json.loads(text)
    except ValueError:
        listed = []
    return {ws.config.scope, *(str(s) for s in listed if isinstance(s, str))}


def require_scope(ws: Workspace, scope: str | None) -> None:
    """Raise PermissionDenied unless the record's scope is the device's or the role sees all."""
    if scope is None or scope == ws.config.scope:
        return
    role = role_of(ws)
    if allowed(role, "view_all_scopes"):
        return
    scopes = own_scopes(ws)
    if scopes is None or scope in scopes:
        return
    raise PermissionDenied("view_all_scopes", role)


def _state(ws: Workspace, key: str) -> str | None:
    """A value of the local `_sync_state` (enrolment is kept there by sync_client)."""
    return ws.store.state(key)
