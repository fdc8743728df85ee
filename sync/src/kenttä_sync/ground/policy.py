"""What each role may read and write at the central store, declared by the application.

The sync module knows roles only as names the application hands it: `SyncSchema.policies`
maps a role to a `RolePolicy`, which lists, per table, the columns a device of that role
receives on a pull (`read`) and may write (`write`), and the special operations (`ops`:
erase, resolve) it may push. The office enforces it on every push (a refused write is
reported back per transaction, with a reason the device keeps in `_rejected`) and on every
pull (tables it may not read are not sent; columns it may not read are sent as null in
inserts, and their updates and resolves not at all).

A schema without policies puts no role limits (a single-role application, tests). With
policies, a role that is not declared may read and write nothing. A request that comes with
no role at all (an in-process caller such as the office's own CLI) is not limited.

An insert may set only writable columns (the others must be null; the scope column always
counts as writable, its check is the scope's); a delete needs every column writable (the
whole row); a change of a sticky column is a write of that column like any other.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

ALL: Literal["*"] = "*"
SpecialOp = Literal["erase", "resolve"]


class TableAccess(BaseModel):
    """One role's access to one table: columns read and written ("*": every column)."""

    model_config = ConfigDict(frozen=True)

    read: Literal["*"] | tuple[str, ...] = ALL
    write: Literal["*"] | tuple[str, ...] = ()

    def reads(self, column: str) -> bool:
        return self.read == ALL or column in self.read

    def writes(self, column: str) -> bool:
        return self.write == ALL or column in self.write


class RolePolicy(BaseModel):
    """A role's access: tables not listed are neither read nor written."""

    model_config = ConfigDict(frozen=True)

    tables: dict[str, TableAccess]
    ops: tuple[SpecialOp, ...] = ()


NO_ACCESS = RolePolicy(tables={})


def refusal(
    policy: RolePolicy, role: str, table: str, columns: dict[str, str], op: str,
    column: str | None, value: object, scope_column: str | None,
) -> str | None:  # fmt: skip
    """Why a device of `role` may not push this change (None: it may). The reason names the
    role, the table, the column and the operation, never a value."""
    access = policy.tables.get(table)
    if access is None or (access.write != ALL and not access.write):
        return f"a {role}'s device may not write {table}"
    if op in ("erase", "resolve") and op not in policy.ops:
        return f"a {role}'s device may not push {op} changes"
    if access.write == ALL:
        return None
    if op == "insert":
        if isinstance(value, dict):
            for col, val in value.items():
                if val is not None and col != scope_column and col not in access.write:
                    return f"a {role}'s device may not write {table}.{col}"
        return None
    if op in ("update", "resolve"):
        if column not in access.write:
            return f"a {role}'s device may not write {table}.{column}"
        return None
    if op == "delete":
        return f"a {role}'s device may not delete {table} rows"
    return None


def hidden_columns(policy: RolePolicy, table: str, columns: dict[str, str]) -> frozenset[str]:
    """The columns of `table` a device of this role is not sent (all, if the table is not)."""
    access = policy.tables.get(table)
    if access is None:
        return frozenset(columns)
    if access.read == ALL:
        return frozenset()
    return frozenset(c for c in columns if c not in access.read)
