"""CSV exports and report files open in a spreadsheet as text: no formula runs (issue 12)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from kenttä.config import Config
from kenttä.services.context import Workspace
from kenttä.services.transfer.export import export_text
from kenttä.store.db import open_store
from tests.services.test_export import copy_rows

FORMULAS = {
    "first_name": '=HYPERLINK("http://example.invalid","x")',
    "last_name": "@SUM(A1:A9)",
    "phone": "+358 40 1234567",
    "email": "-2+3",
    "education": "\tsisennetty",
    "postal_code": "\r70100",
    "language": "fi",
}


@pytest.fixture
def supervisor(store) -> Workspace:
    return Workspace(store, Config(user="testi.esihenkilo", role="supervisor", scope="kuopio"))


def _client(ws: Workspace, **extra: object) -> str:
    with ws.store.replica.transaction(ws.user) as tx:  # stored as a device may hold them
        return tx.insert("clients", {"scope": "kuopio", **FORMULAS, **extra})


def _cells(text: str) -> dict[str, str]:
    header, row = list(csv.reader(io.StringIO(text, newline="")))[:2]
    return dict(zip(header, row, strict=True))


def test_text_cells_that_start_a_formula_are_prefixed(supervisor: Workspace) -> None:
    _client(supervisor, benefit_days=-5)
    cells = _cells(export_text(supervisor, "clients", format="csv"))
    for column, value in FORMULAS.items():
        expected = value if column == "language" else "'" + value
        assert cells[column] == expected, column
    assert cells["benefit_days"] == "-5"  # a number stays a number, negative or not
    row = json.loads(export_text(supervisor, "clients", format="jsonl").splitlines()[0])
    assert row["first_name"] == FORMULAS["first_name"]  # JSONL keeps the value as it is


def test_the_rule_keeps_replicas_byte_identical(supervisor: Workspace, tmp_path: Path) -> None:
    _client(supervisor)
    other = Workspace(open_store(tmp_path / "other.db"), Config(user="toinen", role="supervisor"))
    try:
        copy_rows(supervisor, other)
        assert export_text(supervisor, "clients", format="csv") == export_text(
            other, "clients", format="csv"
        )
    finally:
        other.close()


def test_the_office_export_applies_the_same_rule() -> None:
    from kenttä.cli.server_cmds import _write_rows

    out = io.StringIO(newline="")
    _write_rows([{"id": "x", "name": "=1+1", "n": -3}], ["id", "name", "n"], "csv", out)
    assert out.getvalue() == "id,name,n\nx,'=1+1,-3\n"


def test_report_csv_and_xlsx_hold_text_not_formulas(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from kenttä.services.reports.formats import dicts_csv, write_xlsx

    items = [{"who": "=cmd|' /C calc'!A0", "n": -2}, {"who": "Virtanen", "n": 1.5}]
    assert dicts_csv(items, ["who", "n"]) == "who,n\n'=cmd|' /C calc'!A0,-2\nVirtanen,1.5\n"
    path = write_xlsx(tmp_path / "r.xlsx", {"S": (["who", "n"], [["=1+1", -2]])})
    sheet = load_workbook(path)["S"]
    assert (sheet["A2"].value, sheet["A2"].data_type) == ("=1+1", "s")
    assert (sheet["B2"].value, sheet["B2"].data_type) == (-2, "n")


def test_a_carriage_return_inside_a_cell_does_not_split_the_row(supervisor: Workspace) -> None:
    _client(supervisor, education='kaksi\rriviä, ja "lainaus"')
    rows = list(csv.reader(io.StringIO(export_text(supervisor, "clients", format="csv"))))
    assert len(rows) == 2
    assert dict(zip(rows[0], rows[1], strict=True))["education"] == 'kaksi\rriviä, ja "lainaus"'


def test_an_exported_phone_imports_back_without_the_prefix(
    supervisor: Workspace, tmp_path: Path
) -> None:
    """`'` is how the export keeps `+358…` text; reading the file back drops it again."""
    from kenttä.services.transfer.table_files import read_table

    with supervisor.store.replica.transaction(supervisor.user) as tx:
        tx.insert(
            "clients",
            {"scope": "kuopio", "first_name": "Testi", "last_name": "Henkilö",
             "phone": "+358 40 1234567", "email": "-a@example.invalid"},
        )  # fmt: skip
    text = export_text(supervisor, "clients", format="csv")
    assert "'+358 40 1234567" in text
    table = read_table(text.encode("utf-8"))
    row = dict(zip(table.header, table.rows[0][1], strict=True))
    assert row["phone"] == "+358 40 1234567"
    assert row["email"] == "-a@example.invalid"
    assert row["first_name"] == "Testi"  # other text untouched
