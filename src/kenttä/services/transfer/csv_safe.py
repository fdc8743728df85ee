"""CSV cells a spreadsheet shows as text: no formula runs when an export is opened in Excel.

The rule (OWASP "CSV injection"), applied to every CSV kenttä writes for people to open
(whole-table exports on a device and at the office, report CSVs): a *text* cell whose first
character is `=`, `+`, `-`, `@`, a tab or a carriage return gets a `'` in front, so Excel
and LibreOffice show it as text instead of evaluating it. Text means a value stored as a
string, whatever its column (a string in a JSON column too); numbers (integer and real
values, report figures) are written as they are, so a negative number stays a number;
booleans, dates, stamps and canonical JSON objects and lists never start with those
characters. The rule depends on the value alone, so two replicas in the same state still
export identical bytes. JSONL exports carry values unchanged.

`line()` writes one row: as `csv.writer(lineterminator="\\n")` does, except that a cell
holding a carriage return is quoted too (the standard writer leaves it bare, and every
reader then splits the row there).

Reading such a CSV back (`kenttä import`, through `plain_cell`) drops that `'` again, so a
phone exported as `'+358…` is imported as `+358…`.
"""

from __future__ import annotations

from collections.abc import Iterable

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def text_cell(text: str) -> str:
    """`text` as a spreadsheet shows it literally: prefixed with `'` when it would start a
    formula."""
    return "'" + text if text.startswith(FORMULA_START) else text


def plain_cell(text: str) -> str:
    """The value `text_cell` made safe: a `'` before a formula's first character removed."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_START) else text


def _quoted(cell: str) -> str:
    if any(ch in cell for ch in ',"\n\r'):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def line(cells: Iterable[object]) -> str:
    """One CSV row ending in `\\n`; None is an empty cell, text is made safe (`text_cell`),
    numbers are written as they are."""
    out = []
    for cell in cells:
        if cell is None:
            out.append("")
        elif isinstance(cell, str):
            out.append(_quoted(text_cell(cell)))
        else:
            out.append(_quoted(str(cell)))
    return ",".join(out) + "\n"
