"""The same numbers in the table, CSV, JSON and xlsx."""

from __future__ import annotations

import csv
import io
from datetime import date

from openpyxl import load_workbook

from kenttä.services.reports.esf import compute, flatten
from kenttä.services.reports.formats import esf_csv, esf_table, esf_xlsx
from tests.reports.test_esf import ten_leavers


def filled(workspace, cohort, period):
    ten_leavers(cohort)
    cohort.employer("e", network_since=date(2020, 1, 1), sponsor=True)
    cohort.visit("v", "e", date(2024, 4, 4))
    cohort.voucher("1", "leaver0", "coaching", 123_456, date(2024, 2, 2))
    cohort.voucher("2", "leaver1", "training", 50_000, date(2024, 3, 3), status="paid")
    return compute(workspace, period)


def test_xlsx_holds_the_same_numbers_as_json(workspace, cohort, period, tmp_path):
    report = filled(workspace, cohort, period)
    data = report.model_dump(mode="json")
    path = esf_xlsx(report, tmp_path / "esf.xlsx")
    sheet = load_workbook(path, read_only=True)["ESF"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("figure", "label", "value")
    from_xlsx = {figure: value for figure, _label, value in rows[1:]}
    assert from_xlsx == dict(flatten(data))
    assert from_xlsx["positive_path_rate"] == 0.6
    assert from_xlsx["participants"] == 10
    assert from_xlsx["vouchers.by_service.coaching.value_cents"] == 123_456


def test_csv_and_table(workspace, cohort, period):
    report = filled(workspace, cohort, period)
    rows = list(csv.DictReader(io.StringIO(esf_csv(report))))
    values = {r["figure"]: r["value"] for r in rows}
    assert values["participants"] == "10"
    assert values["positive_path_rate"] == "0.6"
    assert values["vouchers.euros"] == "1734.56"
    table = esf_table(report)
    assert "60.0 %" in table
    assert "Participating companies" in table
