"""Helpers of the write-flow tests: a canonical picture of every record, and what changed.

A write flow is proved by the database, not by a toast: take `records()` before the keys are
pressed and after, and `changed()` names every record (table, id) that was added, removed or
altered — the test then asserts it is exactly the record the screen was about.
"""

from __future__ import annotations

from typing import Any

from tests.ui.conftest import settle

SIZE = (80, 24)

RECORD_TABLES = {
    "clients": "id",
    "notes": "id",
    "assessments": "id",
    "plans": "id",
    "plan_steps": "id",
    "outcomes": "id",
    "placements": "id",
    "employers": "id",
    "visits": "id",
    "vouchers": "id",
    "voucher_ledger": "voucher_id",
    "voucher_grants": "grant_id",
    "budget_orders": "order_id",
    "services": "id",
    "providers": "id",
    "feedback": "id",
    "placement_follow_ups": "id",
    "_conflicts": "id",
    "labour_needs": "id",
    "work_profiles": "id",
    "proposals": "id",
}
"""Every table that holds a person's work, and the column naming one of its records."""

Records = dict[tuple[str, str], tuple[Any, ...]]


def records(ws: Any) -> Records:
    """Every record of every work table, keyed (table, id)."""
    conn = ws.store.conn
    out: Records = {}
    for table, key in RECORD_TABLES.items():
        cursor = conn.execute(f'SELECT * FROM "{table}"')
        names = [d[0] for d in cursor.description]
        index = names.index(key)
        for row in cursor:
            out[(table, str(row[index]))] = tuple(row)
    return out


def changed(before: Records, after: Records) -> set[tuple[str, str]]:
    """The records added, removed or altered between two pictures."""
    keys = before.keys() | after.keys()
    return {k for k in keys if before.get(k) != after.get(k)}


def tables_changed(before: Records, after: Records) -> dict[str, int]:
    """How many records of each table changed (for new records whose id is not known)."""
    counts: dict[str, int] = {}
    for table, _ in changed(before, after):
        counts[table] = counts.get(table, 0) + 1
    return counts


def row(ws: Any, sql: str, *params: Any) -> tuple[Any, ...] | None:
    return ws.store.conn.execute(sql, params).fetchone()


async def open_client(pilot: Any, name: str) -> None:
    """F3, type the name (the list takes a letter to the search box), Enter: the card."""
    await pilot.press("f3")
    await settle(pilot)
    await pilot.press("slash", *name)
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    assert type(pilot.app.screen).__name__ == "ClientCardScreen"


async def open_employer(pilot: Any, name: str) -> None:
    await pilot.press("f4")
    await settle(pilot)
    await pilot.press("slash", *name)
    await settle(pilot)
    await pilot.press("enter")  # from the search box to the list
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    assert type(pilot.app.screen).__name__ == "EmployerCardScreen"


async def tab_to(pilot: Any, field_id: str) -> Any:
    """Tab through the form to a field, as a person would."""
    for _ in range(25):
        if pilot.app.focused is not None and pilot.app.focused.id == field_id:
            return pilot.app.focused
        await pilot.press("tab")
    raise AssertionError(f"no field {field_id} on {type(pilot.app.screen).__name__}")


def screen_name(pilot: Any) -> str:
    return type(pilot.app.screen).__name__
