"""Reading a list as it arrives from an office: the CSV flavours Excel in Finland writes, or .xlsx.

- "CSV UTF-8" (with or without a BOM), "Unicode text" (UTF-16 with a BOM, tab-separated) and
  "CSV (erottimin eroteltu)" (Windows-1252, `;`-separated); the delimiter (tab, `;` or `,`)
  is sniffed from the header line.
- The encoding is decided by a fixed rule, and reported: a byte-order mark first; else the
  bytes are UTF-8 if they decode strictly as UTF-8; else Windows-1252 if they decode strictly
  as that. Anything else (or a file that looks like UTF-16 without a BOM) is refused with a
  one-line reason.
- Mojibake is never passed on: a row holding UTF-8 that was once read as Windows-1252
  (`Ã¤` for `ä`, `â€“` for `–`) is rejected, as is a row with a NUL byte in a cell.
- An .xlsx workbook (recognised by its content) is read directly: its first sheet, or the
  sheet named. Dates become `yyyy-mm-dd`, whole numbers lose Excel's `.0`.

Reasons never repeat the cells they are about (they may hold personal data).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from kenttä.services.transfer.csv_errors import LineError
from kenttä.services.transfer.csv_safe import plain_cell

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls (and .doc) format
DELIMITERS = ("\t", ";", ",")
DELIMITER_NAMES = {"\t": "tab", ";": ";", ",": ","}

# UTF-8 read as Windows-1252: a lead byte (Ã Â for 2-byte, â for 3-byte sequences) followed by
# what 1252 makes of continuation bytes 0x80–0xBF.
_CONT = "\u0080-\u00bf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"
MOJIBAKE = re.compile(f"[ÃÂ][{_CONT}]|â[{_CONT}]{{2}}")

_LABELS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 with BOM",
    "utf-16": "UTF-16 (Unicode text)",
    "utf-32": "UTF-32",
    "cp1252": "Windows-1252",
    "xlsx": "Excel workbook (.xlsx)",
}


class TableFileError(ValueError):
    """The file as a whole cannot be read (unknown encoding, not a table, no such sheet)."""

    def __init__(
        self, message: str, *, code: str = "file_unreadable", field: str | None = None
    ) -> None:
        super().__init__(message)
        self.code = code  # the catalogue's words (`error.<code>`); the message is for logs
        self.field = field  # the column at fault (a header name, never a value)


@dataclass
class TableFile:
    """A file's header and rows, each row with the physical line (or sheet row) it began on."""

    header: list[str]
    rows: list[tuple[int, list[str]]]
    encoding: str  # utf-8 | utf-8-sig | utf-16 | utf-32 | cp1252 | xlsx
    delimiter: str | None = None  # CSV only
    sheet: str | None = None  # .xlsx only
    errors: list[LineError] = field(default_factory=list)  # rows refused while reading

    def describe(self) -> str:
        """How the file was read, for the person importing it: `read as Windows-1252, ';'`."""
        if self.encoding == "xlsx":
            return f"read as {_LABELS['xlsx']}, sheet {self.sheet!r}"
        separator = DELIMITER_NAMES[self.delimiter or ","]
        return f"read as {_LABELS[self.encoding]}, separated by {separator}"

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"format": "xlsx" if self.encoding == "xlsx" else "csv"}
        out["encoding"] = self.encoding
        if self.delimiter is not None:
            out["delimiter"] = self.delimiter
        if self.sheet is not None:
            out["sheet"] = self.sheet
        return out


def read_table(data: bytes, *, sheet: str | None = None) -> TableFile:
    """Read a CSV or .xlsx file's bytes; TableFileError with a one-line reason if impossible."""
    if data.startswith(XLSX_MAGIC):
        return read_xlsx(data, sheet)
    if sheet is not None:
        raise TableFileError(
            "--sheet is for .xlsx workbooks; this file is text", code="sheet_for_text"
        )
    if data.startswith(OLE_MAGIC):
        raise TableFileError(
            "an old Excel .xls workbook: save it as .xlsx or CSV UTF-8", code="old_xls"
        )
    text, encoding = decode(data)
    return split_csv(text, encoding)


def decode(data: bytes) -> tuple[str, str]:
    """The file's text and the encoding it was read with (see the module's rule)."""
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise TableFileError(
                    f"the file starts as {_LABELS[encoding]} but byte {exc.start} is not;"
                    " save it again as CSV UTF-8 or .xlsx",
                    code="encoding_broken",
                ) from None
    sample = data[:4096]
    if len(sample) >= 4 and sample.count(0) * 4 >= len(sample):
        raise TableFileError(
            "the file looks like UTF-16 without a byte-order mark (or is not text);"
            " save it as CSV UTF-8 or .xlsx",
            code="utf16_no_bom",
        )
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        raise TableFileError(
            f"unknown text encoding (not UTF-8, UTF-16 or Windows-1252; byte {exc.start});"
            " save it as CSV UTF-8 or .xlsx",
            code="unknown_encoding",
        ) from None


def sniff_delimiter(first_line: str) -> str:
    """The delimiter the header line uses most (tab, then `;`, then `,` on a tie)."""
    counts = {d: first_line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])  # max keeps the first of equal counts
    return best if counts[best] else ","


def split_csv(text: str, encoding: str) -> TableFile:
    """Split decoded text into header and rows; rows with a NUL or mojibake are refused."""
    if not text.strip():
        raise TableFileError("the file is empty", code="file_empty")
    delimiter = sniff_delimiter(text.split("\n", 1)[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    table = TableFile([], [], encoding, delimiter=delimiter)
    try:
        table.header = next(reader)
        line = reader.line_num
        for cells in reader:
            start, line = line + 1, reader.line_num
            if any(c.strip() for c in cells):
                _add_row(table, start, cells)
    except csv.Error as exc:
        raise TableFileError(
            f"line {reader.line_num}: not valid CSV ({exc})", code="bad_csv"
        ) from None
    _check_header(table)
    return table


def _add_row(table: TableFile, line: int, cells: list[str]) -> None:
    if any("\x00" in c for c in cells):
        table.errors.append(
            LineError(line, "a NUL byte in a cell (a damaged or binary file?)", code="nul")
        )
    elif any(MOJIBAKE.search(c) for c in cells):
        table.errors.append(
            LineError(
                line,
                "garbled letters (UTF-8 once read as Windows-1252, e.g. 'Ã¤' for 'ä')",
                code="garbled",
            )
        )
    else:
        table.rows.append((line, [plain_cell(c) for c in cells]))


def _check_header(table: TableFile) -> None:
    if any("\x00" in h for h in table.header):
        raise TableFileError("line 1: a NUL byte in the header", code="nul_header")
    if any(MOJIBAKE.search(h) for h in table.header):
        raise TableFileError(
            "line 1: garbled letters in the header (UTF-8 once read as Windows-1252);"
            " export the list again from the original",
            code="garbled_header",
        )


def read_xlsx(data: bytes, sheet: str | None = None) -> TableFile:
    """The first sheet (or `sheet`) of an .xlsx workbook, cells as text."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise TableFileError("not a readable .xlsx workbook", code="bad_xlsx") from None
    try:
        if sheet is None:
            if not book.worksheets:
                raise TableFileError("the workbook has no sheets", code="no_sheets")
            ws = book.worksheets[0]
        elif sheet in book.sheetnames:
            ws = book[sheet]
        else:
            raise TableFileError(
                f"no sheet {sheet!r} in the workbook (it has: {', '.join(book.sheetnames)})",
                code="no_sheet",
            )
        rows = [
            (number, [cell_text(v) for v in values])
            for number, values in enumerate(ws.iter_rows(values_only=True), start=1)
        ]
        title = ws.title
    finally:
        book.close()
    rows = [(n, cells) for n, cells in rows if any(c.strip() for c in cells)]
    if not rows:
        raise TableFileError("the sheet is empty", code="sheet_empty")
    (_, header), body = rows[0], rows[1:]
    table = TableFile(_trim(header), [], "xlsx", sheet=title)
    for number, cells in body:
        _add_row(table, number, _trim(cells))
    _check_header(table)
    return table


def _trim(cells: list[str]) -> list[str]:
    while cells and not cells[-1].strip():
        cells = cells[:-1]
    return cells


def cell_text(value: Any) -> str:
    """An Excel cell's value as the text a CSV would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
