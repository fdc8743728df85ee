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
| enroll_device     |       |             |     x      | enrol a laptop with the office server     |
| view_audit        |       |             |     x      | `kenttä audit client`                     |
| subject_access    |       |             |     x      | `kenttä subject-access`                   |
| erase_client      |       |             |     x      | `kenttä erase client`                     |
| purge             |       |             |     x      | `kenttä purge` (retention)                |

The role comes from the config on the device; the server checks the role it enrolled the
device with, so changing the local config gains nothing beyond the device's own data.
"""

from __future__ import annotations

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
    "enroll_device": _SUPERVISOR,
    "view_audit": _SUPERVISOR,
    "subject_access": _SUPERVISOR,
    "erase_client": _SUPERVISOR,
    "purge": _SUPERVISOR,
}

_WHAT: dict[str, str] = {
    "view_client": "open a client",
    "edit_client": "change a client",
    "write_note": "write notes, assessments or plans",
    "view_notes": "read notes, assessments or plans",
    "record_placement": "record placements",
    "record_outcome": "record outcomes",
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
    "enroll_device": "enrol devices",
    "view_audit": "read the audit trail",
    "subject_access": "make a subject access report",
    "erase_client": "erase a client",
    "purge": "purge by the retention rule",
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


def require(ws: Workspace, action: str) -> None:
    """Raise PermissionDenied unless the workspace's role may do `action`."""
    if action not in PERMISSIONS:
        raise KeyError(f"unknown action {action!r}")  # a programming error, not a refusal
    if not allowed(ws.role, action):
        raise PermissionDenied(action, ws.role)


def require_scope(ws: Workspace, scope: str | None) -> None:
    """Raise PermissionDenied unless the record's scope is the device's or the role sees all."""
    if scope in (None, ws.config.scope) or allowed(ws.role, "view_all_scopes"):
        return
    raise PermissionDenied("view_all_scopes", ws.role)
