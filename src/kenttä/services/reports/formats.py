"""Report output: a terminal table, CSV, JSON and xlsx (openpyxl), all from the same rows.

The ESF report becomes rows of (figure, label, value), where figure is the dotted JSON key
(`by_gender.women`); CSV and the xlsx sheet hold exactly these rows, so a spreadsheet and a
script read the same numbers. Lists (follow-ups, findings, explained records) are rows of
dicts with the same keys in every format.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kenttä.services.reports.esf import EsfReport, flatten
from kenttä.services.transfer import csv_safe
from kenttä.store.files import open_private

SECTION_LABELS = {
    "period": "Period",
    "programme": "Programme",
    "participants": "Participants",
    "entered": "Participants who entered in the period",
    "finished": "Finished (left in the period)",
    "positive_paths": "Positive continuation paths",
    "positive_path_rate": "Positive continuation path rate",
    "job_or_degree": "Job or degree education",
    "job_or_degree_rate": "Job-or-degree rate",
    "participating_companies": "Participating companies",
    "network_size": "Employer network",
    "sponsor_employers": "Sponsor employers",
    "by_gender": "Participants by gender",
    "at_entry": "Labour-market status at entry",
    "age": "Age at entry",
    "education": "Education at entry",
    "on_leaving": "On leaving",
    "outcomes": "Leavers by outcome",
    "funnel": "Funnel",
    "vouchers": "Service vouchers",
    "targets": "Targets",
    "group_coaching": "Group coaching",
}

WORD_LABELS = {
    "from": "from",
    "to": "to",
    "women": "women",
    "men": "men",
    "non_binary": "non-binary",
    "unknown": "unknown",
    "long_term_unemployed": "long-term unemployed",
    "inactive": "inactive",
    "employed": "employed",
    "under_30": "under 30",
    "aged_30_to_54": "30–54",
    "aged_55_or_over": "55 or over",
    "isced_0_2": "ISCED 0–2",
    "isced_3_4": "ISCED 3–4",
    "isced_5_8": "ISCED 5–8",
    "in_education": "in education or training",
    "gained_qualification": "gained a qualification (proxy: education outcome)",
    "in_employment": "in employment",
    "employed_at_6_months": "in employment at 6 months",
    "checked_at_6_months": "checked at 6 months",
    "none": "no outcome recorded",
    "count": "count",
    "value_cents": "value (cents)",
    "euros": "value (€)",
    "by_service": "by service",
    "by_status": "by status",
    "target": "target",
    "actual": "actual",
    "coachings_purchased": "coachings purchased",
    "sessions": "sessions",
    "attendances": "attendances",
}


CONTEXT_LABELS = {("at_entry", "unemployed"): "unemployed (incl. long-term)"}


def label_of(key: str) -> str:
    parts = key.split(".")
    words = [SECTION_LABELS.get(parts[0], parts[0])]
    words += [CONTEXT_LABELS.get((parts[0], p)) or WORD_LABELS.get(p, p) for p in parts[1:]]
    if len(words) == 1:
        return words[0]
    return f"{words[0]}: {' / '.join(words[1:])}"


def esf_rows(report: EsfReport) -> list[tuple[str, str, Any]]:
    """(figure, label, value) for every leaf of the JSON, in its order."""
    return [(key, label_of(key), value) for key, value in flatten(report.model_dump(mode="json"))]


def _show(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".") if value != int(value) else f"{value:.1f}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def esf_table(report: EsfReport) -> str:
    """The report for a terminal: label and value, a rate also as a percentage."""
    rows = []
    for key, label, value in esf_rows(report):
        shown = _show(value)
        if key.endswith("_rate") and value is not None:
            shown = f"{value * 100:.1f} %  ({_show(value)})"
        rows.append((label, shown))
    width = max(len(label) for label, _ in rows)
    return "\n".join(f"{label.ljust(width)}  {shown}" for label, shown in rows)


def esf_csv(report: EsfReport) -> str:
    return rows_csv(["figure", "label", "value"], [list(r) for r in esf_rows(report)])


def rows_csv(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """CSV text; text cells that would start a spreadsheet formula are prefixed (csv_safe)."""
    return "".join(csv_safe.line(row) for row in [header, *rows])


def dicts_table(items: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    """Aligned columns for a terminal; an empty list is one line saying so."""
    if not items:
        return "(none)"
    cells = [[_show(item.get(c)) for c in columns] for item in items]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    for row in cells:
        lines.append("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines)


def dicts_csv(items: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    return rows_csv(columns, [[item.get(c) for c in columns] for item in items])


def write_xlsx(
    path: Path | str, sheets: dict[str, tuple[Sequence[str], Sequence[Sequence[Any]]]]
) -> Path:
    """A workbook with one sheet per entry (name → (header, rows)); numbers stay numbers,
    text stays text (a value starting with `=` is stored as a string, never a formula)."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, (header, rows) in sheets.items():
        sheet = book.create_sheet(name[:31])
        sheet.append(list(header))
        for row in rows:
            sheet.append(list(row))
            for cell in sheet[sheet.max_row]:  # text openpyxl would store as a formula
                if cell.data_type == "f":
                    cell.data_type = "s"
        for i, _ in enumerate(header):
            letter = sheet.cell(row=1, column=i + 1).column_letter
            sheet.column_dimensions[letter].width = 18 if i else 34
    path = Path(path)
    with open_private(path, "wb") as fh:
        book.save(fh)
    return path


def esf_xlsx(report: EsfReport, path: Path | str) -> Path:
    """Sheet `ESF`: figure, label, value (the same rows as the CSV and the JSON's leaves)."""
    return write_xlsx(path, {"ESF": (["figure", "label", "value"], esf_rows(report))})
