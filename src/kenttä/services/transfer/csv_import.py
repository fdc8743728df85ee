"""Importing clients and employers from CSV or .xlsx (DESIGN §5), as Excel in Finland writes it.

- The file is read by `table_files`: CSV in UTF-8 (BOM or not), UTF-16 or Windows-1252, tab,
  `;` or `,` separated, or an .xlsx sheet; the result says which encoding was used. Rows with
  a NUL byte or mojibake are refused there, line by line.
- Headers in English or Finnish (aliases in `csv_columns`); unknown headers are ignored.
- Every bad row is reported as `line N: reason; reason`, N the physical line in the file (the
  header is line 1), naming every problem of the row, and left out; no reason repeats the
  personal data it is about.
- Good rows are written in ONE transaction, with their change-log entries.
- A row whose henkilötunnus (employers: Y-tunnus) exists updates that record, only the columns
  whose value changes; a row without one matches an existing record of the same name (and,
  when given, municipality, phone and email) that has none. An empty cell never clears a
  stored value. Re-importing the same file therefore changes nothing.
- A client row with an exit date gets `clients.exit_date`/`outcome` and the ESF+ follow-up
  records in `outcomes`: the exit itself (checked on the exit date once the outcome is known)
  and the checks due at 28 days and 6 months. An outcome or exit date changed later updates
  them (checks already made keep their dates).
- Every client created or changed gets an audit event ('create' or 'change', the changed
  column names as detail). Employers are organisations: no audit events.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from kenttä_sync.device import Transaction, to_sql
from kenttä_sync.ground import uuid7
from pydantic import ValidationError

from kenttä.domain import models as m
from kenttä.domain.codes import OutcomeCheck
from kenttä.services.context import Workspace, utc_now
from kenttä.services.data import EXIT_CHECKPOINTS
from kenttä.services.privacy.audit import audit_row
from kenttä.services.roles import may, own_scopes, require
from kenttä.services.transfer.csv_columns import (
    TABLES,
    TableFormat,
    normalise_header,
)
from kenttä.services.transfer.csv_errors import LineError, convert_row, validation_errors
from kenttä.services.transfer.table_files import TableFile, TableFileError, read_table
from kenttä.store import fts
from kenttä.store.schema import SCHEMA

CHUNK = 500
BULK_INDEX_ROWS = 2000


class CsvImportError(TableFileError):
    """The file as a whole cannot be imported (unreadable, unknown table, missing header);
    `code` and `field` as a TableFileError has them."""


@dataclass
class ImportResult:
    table: str
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[LineError] = field(default_factory=list)
    dry_run: bool = False
    source: TableFile | None = None  # how the file was read (encoding, delimiter, sheet)

    @property
    def rejected(self) -> int:
        return len(self.errors)

    def summary(self) -> str:
        return (
            f"imported {self.imported}, updated {self.updated}, "
            f"unchanged {self.unchanged}, rejected {self.rejected}"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "imported": self.imported,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "errors": [e.as_dict() for e in self.errors],
            **(self.source.as_dict() if self.source else {}),
        }


@dataclass
class _Row:
    line: int
    values: dict[str, Any]  # validated model fields present in the file (non-empty)
    record: m.Record


def read_rows(data: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Decode and split a CSV file: (header cells, [(physical line, cells)])."""
    try:
        table = read_table(data)
    except TableFileError as exc:
        raise CsvImportError(str(exc), code=exc.code) from None
    return table.header, table.rows


class _Importer:
    def __init__(self, ws: Workspace, fmt: TableFormat) -> None:
        self.ws = ws
        self.fmt = fmt
        self.spec = SCHEMA.table(fmt.table)
        self.order = {name: i for i, name in enumerate(fmt.model.model_fields)}
        self.conn = ws.store.conn
        # rows of another scope are refused line by line (the office would refuse them too)
        self.scopes = None if may(ws, "view_all_scopes") else own_scopes(ws)
        # SQLite's lower() folds only ASCII: Ä and Ö need Python's casefold
        self.conn.create_function("kentta_casefold", 1, self._fold, deterministic=True)

    def parse(
        self, header: list[str], rows: list[tuple[int, list[str]]], result: ImportResult
    ) -> list[_Row]:
        columns: list[str | None] = [normalise_header(h, self.fmt) for h in header]
        missing = [c for c in self.fmt.required if c not in columns]
        if missing:
            raise CsvImportError(
                f"missing required column {missing[0]!r} in the header (line 1)",
                code="missing_column",
                field=missing[0],
            )
        good: list[_Row] = []
        seen: dict[Any, int] = {}
        for line, cells in rows:
            raw = {
                col: cells[i].strip()
                for i, col in enumerate(columns)
                if col is not None and i < len(cells) and cells[i].strip()
            }
            problems: list[LineError] = []
            if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns) :]):
                problems.append(
                    LineError(line, "more cells than header columns", code="extra_cells")
                )
            values, bad_cells = convert_row(line, raw, self.fmt.converters)
            problems += bad_cells
            values.setdefault("scope", self.ws.config.scope)
            try:
                record = self.fmt.model.model_validate(values)
            except ValidationError as exc:  # a column already refused is not named twice
                refused = {p.column for p in bad_cells}
                problems += [p for p in validation_errors(line, exc) if p.column not in refused]
            if problems:  # every problem of the row in one line, in the record's field order
                problems.sort(key=lambda p: self.order.get(p.where() or "", -1))
                result.errors.append(LineError.of_row(line, problems))
                continue
            if self.scopes is not None and values["scope"] not in self.scopes:
                result.errors.append(
                    LineError(line, "scope: outside this device's scopes", code="scope")
                )
                continue
            key = self.match_key(record)
            if key in seen:
                what = self.fmt.key_label if key[0] == "key" else "name and details"
                result.errors.append(
                    LineError(
                        line, f"same {what} as line {seen[key]}", code="same_as",
                        other_line=seen[key],
                    )
                )  # fmt: skip
                continue
            seen[key] = line
            good.append(_Row(line, values, record))
        return good

    def match_key(self, record: m.Record) -> tuple[Any, ...]:
        """The natural key, or for a record without one its fallback columns (case-folded)."""
        natural = getattr(record, self.fmt.natural_key)
        if natural:
            return ("key", natural)
        row = record.to_row()
        return ("name", *(self._fold(row.get(c)) for c in self.fmt.fallback_key))

    @staticmethod
    def _fold(value: Any) -> Any:
        return value.casefold() if isinstance(value, str) else value

    def _select(self, where: str, params: list[Any]) -> list[dict[str, Any]]:
        cols = ["id", *self.spec.columns]
        rows = self.conn.execute(
            f"SELECT {', '.join(cols)} FROM {self.fmt.table} WHERE {where}"
            " AND _deleted IS NULL AND _erased IS NULL ORDER BY id",
            params,
        ).fetchall()
        return [dict(zip(cols, row, strict=True)) for row in rows]

    def existing(self, rows: list[_Row]) -> dict[tuple[Any, ...], dict[str, Any]]:
        """Stored live rows matching the file's rows, by match key (the oldest id wins)."""
        found: dict[tuple[Any, ...], dict[str, Any]] = {}
        natural, first = self.fmt.natural_key, self.fmt.fallback_key[0]
        naturals = sorted({getattr(r.record, natural) for r in rows} - {None})
        for i in range(0, len(naturals), CHUNK):
            chunk = naturals[i : i + CHUNK]
            marks = ", ".join("?" * len(chunk))
            for stored in self._select(f"{natural} IN ({marks})", chunk):
                found.setdefault(("key", stored[natural]), stored)
        names = sorted({self._fold(getattr(r.record, first)) for r in rows
                        if not getattr(r.record, natural)})  # fmt: skip
        for i in range(0, len(names), CHUNK):
            chunk = names[i : i + CHUNK]
            marks = ", ".join("?" * len(chunk))
            where = f"{natural} IS NULL AND kentta_casefold({first}) IN ({marks})"
            for stored in self._select(where, chunk):
                key = ("name", *(self._fold(stored.get(c)) for c in self.fmt.fallback_key))
                found.setdefault(key, stored)
        return found

    def changes(self, row: _Row, stored: dict[str, Any]) -> dict[str, Any]:
        """Stored-form values of the columns the file gives that differ from the record."""
        dumped = row.record.to_row()
        diff = {}
        for col in sorted(set(row.values) & set(self.spec.columns)):
            if col == self.spec.scope_column:
                continue
            new = to_sql(self.spec.columns[col], dumped.get(col))
            if new is not None and new != stored.get(col):
                diff[col] = new
        return diff


def import_csv(
    ws: Workspace,
    table: str,
    source: Path | str | bytes,
    *,
    dry_run: bool = False,
    sheet: str | None = None,
) -> ImportResult:
    """Import a CSV or .xlsx file (path or bytes) into `clients` or `employers`."""
    if table not in TABLES:
        raise CsvImportError(
            f"cannot import {table!r}: use clients or employers", code="import_table"
        )
    require(ws, f"import_{table}")
    if isinstance(source, bytes):
        data = source
    else:
        try:
            data = Path(source).read_bytes()
        except OSError as exc:
            raise CsvImportError(
                f"cannot read {source}: {exc.strerror or exc}", code="file_unreadable"
            ) from None
    fmt = TABLES[table]
    try:
        source = read_table(data, sheet=sheet)
    except TableFileError as exc:
        raise CsvImportError(str(exc), code=exc.code) from None
    result = ImportResult(table, dry_run=dry_run, source=source, errors=list(source.errors))
    importer = _Importer(ws, fmt)
    good = importer.parse(source.header, source.rows, result)
    existing = importer.existing(good)
    inserts: list[_Row] = []
    updates: list[tuple[_Row, dict[str, Any], dict[str, Any]]] = []
    for row in good:
        stored = existing.get(importer.match_key(row.record))
        if stored is None:
            inserts.append(row)
            continue
        diff = importer.changes(row, stored)
        if diff:
            updates.append((row, stored, diff))
        else:
            result.unchanged += 1
    result.imported, result.updated = len(inserts), len(updates)
    result.errors.sort(key=lambda e: e.line)
    if dry_run or not (inserts or updates):
        return result
    _write(ws, fmt.table, inserts, updates)
    return result


def _write(
    ws: Workspace,
    table: str,
    inserts: list[_Row],
    updates: list[tuple[_Row, dict[str, Any], dict[str, Any]]],
) -> None:
    now = utc_now().isoformat(timespec="seconds")
    audit: list[dict[str, Any]] = []
    outcomes: list[dict[str, Any]] = []

    def event(action: str, record_id: str, scope: str, detail: str) -> None:
        if table == "clients":
            row = audit_row(ws, now, action, table, record_id, detail, scope)
            audit.append({"id": uuid7(), **row})

    with ws.store.replica.transaction(ws.user) as tx, _index_later(tx, table, len(inserts)):
        rows = []
        for row in inserts:
            values = row.record.to_row()
            if table == "clients":
                values["owner"] = values.get("owner") or ws.user
                outcomes += exit_records(values)
            rows.append(values)
            event("create", values["id"], values["scope"], "csv import")
        tx.bulk_insert(table, rows)
        for _, stored, diff in updates:
            tx.update(table, stored["id"], diff)
            event("change", stored["id"], stored["scope"], "csv import: " + ", ".join(diff))
            if table == "clients" and {"exit_date", "outcome"} & set(diff):
                _update_exit(tx, {**stored, **diff})
        if outcomes:
            tx.bulk_insert("outcomes", outcomes)
        if audit:
            tx.bulk_insert("audit_events", audit)


def _index_later(tx: Transaction, table: str, inserts: int) -> AbstractContextManager[None]:
    """A big load indexes names once at the end (same transaction) instead of row by row."""
    existing = tx.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    if inserts < BULK_INDEX_ROWS or inserts < existing // 2 or not fts.installed(tx.conn):
        return nullcontext()
    return fts.suspended_in_transaction(tx.conn, [f"{table}_fts"])


def exit_records(client: dict[str, Any]) -> list[dict[str, Any]]:
    """The ESF+ outcome records of a client row (stored form) that has an exit date.

    The exit record counts as checked on the exit date when the outcome is known; the
    follow-ups at 28 days and 6 months are due then and not yet checked.
    """
    if not client.get("exit_date"):
        return []
    exit_date = date.fromisoformat(str(client["exit_date"]))
    outcome = client.get("outcome")
    records = []
    for checkpoint, days in EXIT_CHECKPOINTS:
        at_exit = days == 0
        records.append(
            m.OutcomeRecord(
                client_id=client["id"],
                checkpoint=checkpoint,
                due_on=exit_date + timedelta(days=days),
                checked_on=exit_date if at_exit and outcome else None,
                outcome=outcome if at_exit else None,
                scope=client.get("scope") or "default",
            ).to_row()
        )
    return records


def _update_exit(tx: Transaction, client: dict[str, Any]) -> None:
    """Bring the outcome records in line with the client's exit date and outcome.

    No records yet: create them. Otherwise the exit record takes the outcome, and every
    record not yet checked moves with a changed exit date.
    """
    rows = tx.conn.execute(
        "SELECT id, checkpoint, checked_on FROM outcomes WHERE client_id = ?"
        " AND _deleted IS NULL AND _erased IS NULL ORDER BY id",
        (client["id"],),
    ).fetchall()
    if not rows:
        tx.bulk_insert("outcomes", exit_records(client))
        return
    wanted = {r["checkpoint"]: r for r in exit_records(client)}
    for row_id, checkpoint, checked_on in rows:
        target = wanted.get(checkpoint)
        if target is None:
            continue
        values: dict[str, Any] = {}
        if checkpoint == OutcomeCheck.EXIT.value:
            values = {"outcome": target["outcome"], "checked_on": target["checked_on"]}
        if checkpoint == OutcomeCheck.EXIT.value or checked_on is None:
            values["due_on"] = target["due_on"]
        tx.update("outcomes", row_id, values)
