"""Reading list files: the encoding rule, NUL bytes and mojibake refused row by row."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from kenttä.services.context import Workspace
from kenttä.services.transfer.csv_import import CsvImportError, import_csv
from kenttä.services.transfer.table_files import TableFileError, cell_text, decode, read_table


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("nimi;kunta\nHyvä Oy;Kuopio\n".encode(), "utf-8"),
        ("nimi;kunta\nHyvä Oy;Kuopio\n".encode("utf-8-sig"), "utf-8-sig"),
        ("nimi\tkunta\nHyvä Oy\tKuopio\n".encode("utf-16"), "utf-16"),
        ("nimi\tkunta\nHyvä Oy\tKuopio\n".encode("utf-16-be"), "utf-16-be"),
        ("nimi;kunta\nHyvä Oy;Kuopio\n".encode("cp1252"), "cp1252"),
    ],
)
def test_encoding_rule(data: bytes, encoding: str) -> None:
    if encoding == "utf-16-be":  # Excel writes LE; a BE file with its BOM reads too
        data, encoding = b"\xfe\xff" + data, "utf-16"
    table = read_table(data)
    assert table.encoding == encoding
    assert table.header == ["nimi", "kunta"]
    assert table.rows == [(2, ["Hyvä Oy", "Kuopio"])]


def test_delimiter_prefers_what_the_header_uses_most() -> None:
    assert read_table(b"a\tb;c\n1\t2;3\n").delimiter == "\t"
    assert read_table(b"a;b,c\n1;2,3\n").delimiter == ";"
    assert read_table(b"a,b\n1,2\n").delimiter == ","
    assert read_table(b"nimi\nHyva Oy\n").header == ["nimi"]


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (b"nimi\nM\x81\x8dkel\x81\n", "unknown text encoding"),
        ("nimi\nHyvä\n".encode("utf-16-le"), "UTF-16 without a byte-order mark"),
        (b"\xff\xfen\x00a\x00m", "starts as UTF-16"),  # odd length after the BOM
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", ".xls"),
        (b"PK\x03\x04not a zip", "not a readable .xlsx"),
        (b"   \n", "empty"),
    ],
)
def test_unreadable_files_get_one_line(data: bytes, needle: str) -> None:
    with pytest.raises(TableFileError) as info:
        read_table(data)
    assert needle in str(info.value) and "\n" not in str(info.value)


def test_nul_byte_and_mojibake_reject_their_rows_only() -> None:
    text = (
        "nimi;kunta\n"
        "Hyvä Oy;Kuopio\n"
        "Tyhj\x00ä Oy;Kuopio\n"  # line 3: a NUL byte
        "MÃ¤kelÃ¤ Oy;Kuopio\n"  # line 4: UTF-8 once read as Windows-1252, saved again
        "Ajatus â€“ Oy;Tervo\n"  # line 5: the same for an en dash
        "Åbo Ström & Öster;Vesanto\n"
    )
    table = read_table(text.encode())
    assert [line for line, _ in table.rows] == [2, 6]
    assert [(e.line, e.reason.split(" (")[0]) for e in table.errors] == [
        (3, "a NUL byte in a cell"),
        (4, "garbled letters"),
        (5, "garbled letters"),
    ]
    assert all("Oy" not in str(e) for e in table.errors)  # reasons do not repeat the cells


def test_utf8_bytes_inside_a_1252_file_never_store_mojibake(workspace: Workspace) -> None:
    data = b"nimi;kunta\n" + "Pörssi Oy;Kuopio\n".encode("cp1252")
    data += "Mäntylä Oy;Tervo\n".encode()  # a line pasted from a UTF-8 file
    result = import_csv(workspace, "employers", data)
    assert result.source is not None and result.source.encoding == "cp1252"
    assert result.imported == 1
    assert [(e.line, e.reason[:15]) for e in result.errors] == [(3, "garbled letters")]
    names = [r[0] for r in workspace.store.conn.execute("SELECT name FROM employers")]
    assert names == ["Pörssi Oy"]


def test_garbled_header_refuses_the_file(workspace: Workspace) -> None:
    with pytest.raises(CsvImportError) as info:
        import_csv(workspace, "employers", "nimi;sÃ¤hkÃ¶posti\nHyvä Oy;a@b.fi\n".encode())
    assert "line 1" in str(info.value)


def test_decode_reports_the_codec() -> None:
    assert decode("ä".encode("cp1252")) == ("ä", "cp1252")
    assert decode("ä".encode()) == ("ä", "utf-8")


def test_excel_cells_as_text() -> None:
    assert cell_text(None) == ""
    assert cell_text(datetime(2026, 3, 1)) == "2026-03-01"
    assert cell_text(date(2026, 3, 1)) == "2026-03-01"
    assert cell_text(1234.0) == "1234"
    assert cell_text(12.5) == "12.5"
    assert cell_text(True) == "1"
    assert cell_text("040 123") == "040 123"
