"""Whether a change's values fit the column types of the schema (both ends of a sync).

Values travel in their stored form (see `replica.to_sql`): text, integer and boolean (0/1)
as JSON strings and numbers, a date or time as ISO text, a JSON column as its canonical
text. The central store refuses a change whose value does not fit (the transaction is
refused with a reason, the rest of the push goes on), and a device refuses a pulled one (it
keeps it in its quarantine), so a value no replica can hold never reaches a table.

Reasons name the table, the column and what was expected, never the value.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kenttä_sync.ground.changes import Change
    from kenttä_sync.ground.schema import TableSpec

INT_MIN, INT_MAX = -(2**63), 2**63 - 1
MAX_TEXT = 1_000_000  # characters in one value
MAX_ID = 200  # characters in a row id


def _text_ok(value: str) -> bool:
    if "\x00" in value or len(value) > MAX_TEXT:
        return False
    if value.isascii():
        return True
    try:
        value.encode("utf-8")  # a lone surrogate cannot be stored
    except UnicodeEncodeError:
        return False
    return True


def _text(value: Any) -> bool:
    return type(value) is str and _text_ok(value)


def _integer(value: Any) -> bool:
    return type(value) is int and INT_MIN <= value <= INT_MAX


def _real(value: Any) -> bool:
    kind = type(value)
    if kind is float:
        return math.isfinite(value)
    return kind is int and INT_MIN <= value <= INT_MAX


def _boolean(value: Any) -> bool:
    return type(value) is int and value in (0, 1)


def _date(value: Any) -> bool:
    if type(value) is not str or len(value) > 40 or not value.isascii():
        return False
    try:
        if len(value) == 10:
            date.fromisoformat(value)
        else:
            datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _json(value: Any) -> bool:
    if type(value) is not str or not _text_ok(value):
        return False
    try:
        json.loads(value)
    except (ValueError, RecursionError):
        return False
    return True


CHECKS: dict[str, Callable[[Any], bool]] = {
    "text": _text,
    "integer": _integer,
    "real": _real,
    "boolean": _boolean,
    "date": _date,
    "json": _json,
}
EXPECTED = {
    "text": "text",
    "integer": "a 64-bit integer",
    "real": "a finite number",
    "boolean": "0 or 1",
    "date": "an ISO date or time",
    "json": "JSON text",
}


def column_refusal(spec: TableSpec, column: str, value: Any) -> str | None:
    """Why `value` cannot be stored in `spec.column` (None: it can; null always can)."""
    if value is None:
        return None
    kind = spec.columns.get(column)
    if kind is None:
        return f"{spec.name} has no such column"
    if not CHECKS[kind](value):
        return f"{spec.name}.{column} must be {EXPECTED[kind]}"
    codes = spec.codes.get(column)
    if codes is not None and value not in codes:
        return f"{spec.name}.{column} holds a value outside its codes"
    return None


_Plan = dict[str, tuple[bool, Callable[[Any], bool], Any]]
_PLANS: dict[int, tuple[TableSpec, _Plan]] = {}


def _plan(spec: TableSpec) -> _Plan:
    """column -> (plain text without codes, type check, codes or None), once per spec."""
    found = _PLANS.get(id(spec))
    if found is None or found[0] is not spec:
        plan = {
            col: (kind == "text" and col not in spec.codes, CHECKS[kind], spec.codes.get(col))
            for col, kind in spec.columns.items()
        }
        found = _PLANS[id(spec)] = (spec, plan)
    return found[1]


def row_refusal(spec: TableSpec, row: dict, required: bool = True) -> str | None:
    """Why an insert's row cannot be stored (unknown column, a value that does not fit, a
    `required` column left null)."""
    plan = _plan(spec)
    if required:
        for column in spec.required:
            if row.get(column) is None:
                return f"{spec.name}.{column} must have a value"
    for column, value in row.items():
        if value is None:
            continue
        entry = plan.get(column)
        if entry is None:
            return f"{spec.name} has no such column"
        plain, check, codes = entry
        if (  # the common case, checked in place: short ASCII text
            plain
            and type(value) is str
            and value.isascii()
            and "\x00" not in value
            and len(value) <= MAX_TEXT
        ):
            continue
        if not check(value) or (codes is not None and value not in codes):
            return column_refusal(spec, column, value)
    return None


def change_refusal(spec: TableSpec, change: Change, required: bool = True) -> str | None:
    """Why a change's value or ids cannot be stored in `spec` (None: they can). `required`:
    whether `spec.required` columns must hold a value (the central store's check; a device
    receives rows with the columns its role may not read left null)."""
    row_id = change.row_id
    ids = row_id + change.tx_id + change.author + change.stamp + (change.prev_stamp or "")
    ids += change.column or ""
    if not (ids.isascii() and "\x00" not in ids) and not _text_ok(ids):
        return "a change's ids, stamps and author must be text"
    if not row_id or len(row_id) > MAX_ID or len(change.author) > 1000:
        return f"{spec.name}: a row id must be 1 to {MAX_ID} characters"
    op = change.op
    value = change.value
    if op == "insert":
        if type(value) is not dict:
            return "an insert must carry the row"
        return row_refusal(spec, value, required)
    if op == "update":
        if change.column not in spec.columns:
            return f"{spec.name} has no such column"
        if required and value is None and change.column in spec.required:
            return f"{spec.name}.{change.column} must have a value"
        return column_refusal(spec, change.column, value)
    if op == "resolve":
        if change.column not in spec.columns:
            return f"{spec.name} has no such column"
        if type(value) is not dict or not isinstance(value.get("conflicts"), list):
            return "a resolve must carry its conflicts and value"
        if not all(type(c) is str and _text_ok(c) for c in value["conflicts"]):
            return "a resolve's conflicts must be ids"
        return column_refusal(spec, change.column, value.get("value"))
    if op == "merge":
        into = value.get("into") if type(value) is dict else None
        return None if type(into) is str and _text_ok(into) else "a merge must name its row"
    if value is not None and op in ("delete", "erase"):
        return f"a {op} carries no value"
    return None
