"""Canonical export of a replicated table: the same state gives the same bytes everywhere.

- Rows sorted by id; columns in the schema's fixed order (`id` first), JSON keys sorted.
- JSONL: one object per line, `ensure_ascii=False`, `separators=(",", ":")`; JSON columns as
  structured values, booleans as true/false, missing values as null.
- CSV: a header row, the same column order, `\\n` line endings, JSON columns as canonical
  JSON text, booleans as true/false, missing values as empty cells; a text cell that would
  start a spreadsheet formula (`=`, `+`, `-`, `@`, tab, CR) is prefixed with `'`
  (services/transfer/csv_safe.py); numbers are never changed.
- Sync metadata (`_stamp`, `_clock`, `_deleted`, `_erased`) only with `include_meta`;
  tombstoned rows only with `include_deleted`.
- Exporting a table that holds personal data writes an 'export' audit event.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any, Literal

from kenttä_sync.ground import META_COLUMNS, TableSpec

from kenttä.services.context import Workspace
from kenttä.services.privacy.audit import audit
from kenttä.services.roles import require
from kenttä.services.transfer import csv_safe
from kenttä.store.schema import SCHEMA

Format = Literal["jsonl", "csv"]
FORMATS: tuple[str, ...] = ("jsonl", "csv")


class ExportError(ValueError):
    """An export that cannot be made (unknown table or format)."""

    def __init__(
        self, message: str, *, code: str = "export_format", field: str | None = None
    ) -> None:
        super().__init__(message)
        self.code = code  # the catalogue's words (`error.<code>`); the message is for logs
        self.field = field  # the column at fault (a header name, never a value)


@dataclass(frozen=True)
class ExportResult:
    table: str
    format: str
    rows: int


def table_spec(table: str) -> TableSpec:
    try:
        return SCHEMA.table(table)
    except KeyError:
        names = ", ".join(SCHEMA.table_names)
        raise ExportError(
            f"unknown table {table!r} (tables: {names})", code="unknown_table"
        ) from None


def holds_personal_data(spec: TableSpec) -> bool:
    return bool(spec.personal_columns) or spec.erase_with is not None


def columns(spec: TableSpec, include_meta: bool = False) -> list[str]:
    return ["id", *spec.columns, *(META_COLUMNS if include_meta else ())]


def _canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def rows(
    ws: Workspace, table: str, *, include_meta: bool = False, include_deleted: bool = False
) -> Iterator[dict[str, Any]]:
    """The table's rows in canonical form (values decoded by column kind), sorted by id.

    Whole tables leave the device only in a supervisor's hands (export_table)."""
    require(ws, "export_table")
    spec = table_spec(table)
    cols = columns(spec, include_meta)
    kinds = {"id": "text", **spec.columns}
    where = "" if include_deleted else " WHERE _deleted IS NULL"
    cursor = ws.store.conn.execute(
        f"SELECT {', '.join(cols)} FROM {table}{where} ORDER BY id COLLATE BINARY"
    )
    for raw in cursor:
        row = {}
        for col, value in zip(cols, raw, strict=True):
            kind = kinds.get(col, "text")
            if value is not None and kind == "json":
                with contextlib.suppress(ValueError):  # text that is not JSON stays text
                    value = json.loads(value)
            elif value is not None and kind == "boolean":
                value = bool(value)
            elif value is not None and col == "_clock":
                value = json.loads(value)
            row[col] = value
        yield row


def csv_value(value: Any) -> Any:
    """A value as its canonical CSV cell holds it: booleans as true/false, JSON objects and
    lists as canonical JSON text; text and numbers as they are (`csv_safe.line` writes them,
    text made safe to open in a spreadsheet, numbers untouched)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return _canonical_json(value)
    return value


def write(
    ws: Workspace,
    table: str,
    out: IO[str],
    *,
    format: Format = "jsonl",
    include_meta: bool = False,
    include_deleted: bool = False,
) -> ExportResult:
    """Write the canonical export to a text stream (open it with newline="")."""
    require(ws, "export_table")
    if format not in FORMATS:
        raise ExportError(f"unknown format {format!r} (formats: jsonl, csv)", code="export_format")
    spec = table_spec(table)
    count = 0
    source = rows(ws, table, include_meta=include_meta, include_deleted=include_deleted)
    if format == "jsonl":
        for row in source:
            out.write(_canonical_json(row) + "\n")
            count += 1
    else:
        header = columns(spec, include_meta)
        out.write(csv_safe.line(header))
        for row in source:
            out.write(csv_safe.line(csv_value(row[c]) for c in header))
            count += 1
    if holds_personal_data(spec):
        audit(ws, "export", table, "*", detail=f"{format}, {count} rows")
    return ExportResult(table, format, count)


def export_text(ws: Workspace, table: str, **kwargs: Any) -> str:
    """The export as one string (for tests and small tables)."""
    import io

    buffer = io.StringIO(newline="")
    write(ws, table, buffer, **kwargs)
    return buffer.getvalue()
