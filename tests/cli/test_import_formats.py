"""`kenttä import` takes lists as Excel in Finland saves them (issue 17).

The same people saved as "CSV (erottimin eroteltu)" (Windows-1252, `;`), "Unicode text"
(UTF-16, tab), "CSV UTF-8" (BOM, `,`) and .xlsx give the same canonical export.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from kenttä.cli import main
from kenttä.services.data.synthetic import henkilotunnus

HEADER = ["hetu", "Etunimi", "Sukunimi", "Kunta", "Puhelin", "Sähköposti", "Aloituspäivä"]
PEOPLE = [
    [henkilotunnus(date(1980, 1, 15), 901), "Väinö", "Mäkelä", "Kuopio", "040 111 2222",
     "vaino@example.fi", "1.3.2026"],
    [henkilotunnus(date(1975, 6, 30), 942), "Åsa", "Öhman–Jääskeläinen", "Tervo", "", "",
     "2026-02-01"],
    ["", "Ülle", "Pölönen", "Vesanto", "017 555 000", "", ""],
]  # fmt: skip


def as_csv(delimiter: str) -> str:
    return "".join(delimiter.join(row) + "\r\n" for row in [HEADER, *PEOPLE])


def as_xlsx(path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Asiakkaat"
    sheet.append(HEADER)
    for row in PEOPLE:
        cells: list[object] = [c or None for c in row]
        if row[6]:  # Excel holds a date as a date
            day = row[6]
            d = (date.fromisoformat(day) if "-" in day
                 else date(*reversed([int(p) for p in day.split(".")])))  # fmt: skip
            cells[6] = datetime(d.year, d.month, d.day)
        sheet.append(cells)
    book.create_sheet("Muistiinpanot").append(["ei", "tätä"])
    book.save(path)


def write_file(tmp_path: Path, kind: str) -> Path:
    path = tmp_path / f"asiakkaat-{kind}.{'xlsx' if kind == 'xlsx' else 'csv'}"
    if kind == "cp1252":
        path.write_bytes(as_csv(";").encode("cp1252"))
    elif kind == "utf16":
        path.write_bytes(as_csv("\t").encode("utf-16"))  # with its BOM, as Excel writes it
    elif kind == "utf8bom":
        path.write_bytes(as_csv(",").encode("utf-8-sig"))
    else:
        as_xlsx(path)
    return path


def call(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        main(list(args))
    out, err = capsys.readouterr()
    return int(info.value.code or 0), out, err


@pytest.fixture(autouse=True)
def supervisor(tmp_path: Path) -> None:
    """Whole-table export is a supervisor's; KENTTA_CONFIG points here (conftest)."""
    (tmp_path / "config.toml").write_text('role = "supervisor"\n', encoding="utf-8")


KINDS = {
    "cp1252": ("cp1252", "Windows-1252", ";"),
    "utf16": ("utf-16", "UTF-16", "\t"),
    "utf8bom": ("utf-8-sig", "UTF-8 with BOM", ","),
    "xlsx": ("xlsx", "Excel workbook", None),
}


def test_same_people_in_every_format_export_identically(capsys, tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text(
        'language = "en"\nrole = "supervisor"\n', encoding="utf-8"
    )  # its words
    exports = {}
    for kind, (encoding, label, delimiter) in KINDS.items():
        db = str(tmp_path / f"{kind}.db")
        source = write_file(tmp_path, kind)
        code, out, err = call(capsys, "--db", db, "import", "clients", str(source), "--dry-run",
                              "--json")  # fmt: skip
        assert code == 0, err
        report = json.loads(out)
        assert report["encoding"] == encoding and report.get("delimiter") == delimiter
        assert (report["imported"], report["rejected"]) == (3, 0), report["errors"]
        code, out, err = call(capsys, "--db", db, "import", "clients", str(source))
        assert code == 0, err
        assert out.startswith("imported 3, updated 0, unchanged 0, rejected 0 (read as " + label)
        exported = tmp_path / f"{kind}.jsonl"
        code, _, err = call(capsys, "--db", db, "export", "clients", "--out", str(exported))
        assert code == 0, err
        rows = [json.loads(line) for line in exported.read_text(encoding="utf-8").splitlines()]
        for row in rows:
            del row["id"]  # made fresh in each database
        exports[kind] = sorted(rows, key=lambda r: r["last_name"])
    first = exports["cp1252"]
    assert [r["last_name"] for r in first] == ["Mäkelä", "Pölönen", "Öhman–Jääskeläinen"]
    assert [r["entry_date"] for r in first] == ["2026-03-01", None, "2026-02-01"]
    assert all(rows == first for rows in exports.values())
    assert "Ã" not in json.dumps(exports, ensure_ascii=False)


def test_xlsx_sheet_by_name_and_a_missing_sheet(capsys, tmp_path: Path) -> None:
    db = str(tmp_path / "x.db")
    source = write_file(tmp_path, "xlsx")
    code, out, _ = call(capsys, "--db", db, "import", "clients", str(source), "--sheet",
                        "Asiakkaat", "--json")  # fmt: skip
    assert code == 0 and json.loads(out)["sheet"] == "Asiakkaat"
    assert json.loads(out)["imported"] == 3
    code, _, err = call(capsys, "--db", db, "import", "clients", str(source), "--sheet", "Taul9")
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert "Työkirjassa ei ole sen nimistä taulukkoa" in err  # fi: no config; not the name


def test_unknown_encoding_is_one_line_and_writes_nothing(capsys, tmp_path: Path) -> None:
    db = str(tmp_path / "u.db")
    source = tmp_path / "outo.csv"
    # 0x81 and 0x8d are neither UTF-8 nor Windows-1252
    source.write_bytes(b"etunimi;sukunimi\r\nAino;M\x81\x8dkel\x81\r\n")
    code, _, err = call(capsys, "--db", db, "import", "clients", str(source))
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert "Tuntematon merkistö" in err and "Traceback" not in err
    if Path(db).exists():
        with sqlite3.connect(db) as conn:
            assert conn.execute("SELECT count(*) FROM clients").fetchone() == (0,)
