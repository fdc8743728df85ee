"""Importing survey answers as feedback (`kenttä import feedback FILE`): all rows or none.

The file is read by `table_files` (CSV in UTF-8, UTF-16 or Windows-1252, tab, `;` or `,`, or
an .xlsx sheet). Columns (English, or the Finnish aliases below; unknown headers ignored):
- who: `voucher` (the voucher's number: its client, service and provider), else
  `henkilotunnus`, else `client_id`;
- `given_on` (d.m.yyyy or yyyy-mm-dd), required;
- one column per question (`useful, goals, respect, next_steps, satisfaction`), each 1–5 or
  empty (not answered); `satisfaction` (the overall question) is required;
- `service` (a service code, when no voucher names it), `comment` (free text).

Unlike clients and employers, a survey file is refused whole at its first bad row, with one
line naming the row and why (never the cell's content): nothing is written unless every row
is good, so a corrected file can simply be imported again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from kenttä.domain.codes import FeedbackSource
from kenttä.domain.identifiers import IdentifierError, parse_henkilotunnus
from kenttä.domain.models import Feedback
from kenttä.services.clients.feedback import (
    QUESTIONS,
    FeedbackError,
    build_feedback,
    scores_of,
    store_feedback,
    voucher_ref,
)
from kenttä.services.context import Workspace
from kenttä.services.roles import require
from kenttä.services.transfer.csv_columns import fold, parse_date
from kenttä.services.transfer.table_files import TableFile, TableFileError, read_table

ALIASES: dict[str, str] = {
    "voucher": "voucher",
    "voucher_number": "voucher",
    "seteli": "voucher",
    "setelin_numero": "voucher",
    "palveluseteli": "voucher",
    "henkilotunnus": "henkilotunnus",
    "henkilötunnus": "henkilotunnus",
    "hetu": "henkilotunnus",
    "client_id": "client_id",
    "given_on": "given_on",
    "date": "given_on",
    "päivämäärä": "given_on",
    "pvm": "given_on",
    "vastattu": "given_on",
    "service": "service",
    "service_code": "service",
    "palvelu": "service",
    "comment": "comment",
    "kommentti": "comment",
    "palaute": "comment",
    "vapaa_palaute": "comment",
    "useful": "useful",
    "hyöty": "useful",
    "hyödyllisyys": "useful",
    "goals": "goals",
    "tavoitteet": "goals",
    "respect": "respect",
    "kohtelu": "respect",
    "next_steps": "next_steps",
    "seuraavat_askeleet": "next_steps",
    "jatko": "next_steps",
    "satisfaction": "satisfaction",
    "tyytyväisyys": "satisfaction",
    "kokonaisarvio": "satisfaction",
}

ALIASES |= {k.replace("ä", "a").replace("ö", "o"): v for k, v in ALIASES.items()}  # hyoty, pvm…


class FeedbackImportError(ValueError):
    """The file is refused; one line (`line N: reason`, or why the file cannot be read).
    `code` names the reason for the catalogue (`error.<code>`), `line` the file's line at
    fault (None: the file as a whole), `field` a column, never a value."""

    def __init__(
        self, message: str, *, code: str = "feedback_file", line: int | None = None,
        field: str | None = None,
    ) -> None:  # fmt: skip
        super().__init__(message)
        self.code = code
        self.line = line
        self.field = field


@dataclass
class FeedbackImportResult:
    imported: int
    dry_run: bool
    source: TableFile

    def summary(self) -> str:
        return f"imported {self.imported} feedback"

    def as_dict(self) -> dict[str, Any]:
        return {"imported": self.imported, "dry_run": self.dry_run, **self.source.as_dict()}


def _columns(header: list[str]) -> list[str | None]:
    columns = [ALIASES.get(fold(h)) for h in header]
    named = [c for c in columns if c]
    if len(named) != len(set(named)):
        twice = next(c for c in named if named.count(c) > 1)
        raise FeedbackImportError(
            f"line 1: column {twice!r} twice in the header",
            code="column_twice",
            line=1,
            field=twice,
        )
    if "given_on" not in columns:
        raise FeedbackImportError(
            "line 1: missing required column 'given_on' in the header",
            code="missing_column",
            field="given_on",
        )
    if "satisfaction" not in columns:
        raise FeedbackImportError(
            "line 1: missing required column 'satisfaction' in the header",
            code="missing_column",
            field="satisfaction",
        )
    if not {"voucher", "henkilotunnus", "client_id"} & set(named):
        raise FeedbackImportError(
            "line 1: the header names no one (give voucher, henkilotunnus or client_id)",
            code="feedback_no_one",
            line=1,
        )
    return columns


def _client_by_hetu(ws: Workspace, text: str) -> str:
    try:
        code = parse_henkilotunnus(text).code
    except IdentifierError:
        raise FeedbackError("henkilotunnus: not a valid henkilötunnus") from None
    row = ws.store.conn.execute(
        "SELECT id FROM clients WHERE henkilotunnus = ? AND _deleted IS NULL AND _erased IS NULL"
        " ORDER BY id LIMIT 1",
        (code,),
    ).fetchone()
    if row is None:
        raise FeedbackError("henkilotunnus: no client with it")
    return str(row[0])


def _row(ws: Workspace, cells: dict[str, str]) -> Feedback:
    if not cells.get("given_on"):
        raise FeedbackError("given_on: missing")
    given_on = date.fromisoformat(parse_date("given_on")(cells["given_on"]))
    scores: dict[str, int] = {}
    for question in QUESTIONS:
        text = cells.get(question, "")
        if not text:
            continue
        if text not in ("1", "2", "3", "4", "5"):
            raise FeedbackError(f"{question}: a score is a whole number 1–5")
        scores[question] = int(text)
    voucher = voucher_ref(ws, number=cells["voucher"]) if cells.get("voucher") else None
    client_id = None
    if voucher is None and cells.get("henkilotunnus"):
        client_id = _client_by_hetu(ws, cells["henkilotunnus"])
    elif voucher is None and cells.get("client_id"):
        client_id = cells["client_id"]
    if voucher is None and client_id is None:
        raise FeedbackError("no voucher, henkilotunnus or client_id on the row")
    return build_feedback(
        ws, client_id, given_on=given_on, scores=scores, comment=cells.get("comment", ""),
        voucher=voucher, service_code=cells.get("service") or None,
        source=FeedbackSource.SURVEY.value,
    )  # fmt: skip


def _answer(feedback: Feedback) -> tuple[Any, ...]:
    """What makes two answers the same one (a file imported twice, a row repeated)."""
    scores = tuple(sorted(feedback.scores.items()))
    return (feedback.client_id, feedback.given_on.isoformat(), feedback.voucher_id, scores,
            feedback.comment)  # fmt: skip


def _stored(ws: Workspace, feedback: Feedback) -> set[tuple[Any, ...]]:
    """The answers already stored for the client on that day."""
    found = ws.store.conn.execute(
        "SELECT rating, scores, voucher_id, comment FROM feedback WHERE client_id = ?"
        " AND given_on = ? AND _deleted IS NULL AND _erased IS NULL",
        (feedback.client_id, feedback.given_on.isoformat()),
    ).fetchall()
    return {
        (feedback.client_id, feedback.given_on.isoformat(), voucher_id,
         tuple(sorted(scores_of(scores, rating).items())), comment or "")
        for rating, scores, voucher_id, comment in found
    }  # fmt: skip


def import_feedback(
    ws: Workspace, source: Path | str | bytes, *, dry_run: bool = False, sheet: str | None = None
) -> FeedbackImportResult:
    """Check every row, then write all of them in one transaction (or nothing)."""
    require(ws, "record_feedback")
    if isinstance(source, bytes):
        data = source
    else:
        try:
            data = Path(source).read_bytes()
        except OSError as exc:
            raise FeedbackImportError(
                f"cannot read {source}: {exc.strerror or exc}", code="file_unreadable"
            ) from None
    try:
        table = read_table(data, sheet=sheet)
    except TableFileError as exc:
        raise FeedbackImportError(str(exc), code=exc.code) from None
    if table.errors:  # a row with a NUL byte or mojibake, refused while reading
        first = min(table.errors, key=lambda e: e.line)
        raise FeedbackImportError(str(first), code="feedback_row_unreadable", line=first.line)
    columns = _columns(table.header)
    rows: list[Feedback] = []
    seen: dict[tuple[Any, ...], int] = {}
    for line, raw in table.rows:
        if len(raw) > len(columns) and any(c.strip() for c in raw[len(columns) :]):
            raise FeedbackImportError(
                f"line {line}: more cells than header columns", code="extra_cells", line=line
            )
        cells = {
            col: raw[i].strip()
            for i, col in enumerate(columns)
            if col is not None and i < len(raw) and raw[i].strip()
        }
        try:
            feedback = _row(ws, cells)
        except ValueError as exc:  # FeedbackError, a bad date, a refused scope
            raise FeedbackImportError(
                f"line {line}: {exc}",
                code=exc.code if hasattr(exc, "code") else "feedback_invalid",
                line=line,
            ) from None
        answer = _answer(feedback)
        if answer in seen:
            raise FeedbackImportError(
                f"line {line}: the same answer as line {seen[answer]}",
                code="feedback_twice",
                line=line,
            )
        if answer in _stored(ws, feedback):
            raise FeedbackImportError(
                f"line {line}: this answer is already stored", code="feedback_stored", line=line
            )
        seen[answer] = line
        rows.append(feedback)
    if not rows:
        raise FeedbackImportError("the file has no answers", code="feedback_empty")
    if not dry_run:
        store_feedback(ws, rows, detail="survey import")
    return FeedbackImportResult(len(rows), dry_run, table)
