"""The sector view (issue 16 point 7): labour needs by industry (TOL 2008) and occupation
over a period, as JSON, a table for a person and an xlsx equal to the JSON."""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from kenttä.cli import cli
from kenttä.domain import models as m
from kenttä.domain.industries import section_of

PERIOD = ("--from", "2024-01-01", "--to", "2024-12-31")


@pytest.fixture
def run(store, workspace):
    def invoke(*args: str):
        return CliRunner().invoke(cli, ["--db", str(store.path), "report", *args])

    return invoke


def need(cohort, name, employer, occupation, on, status="open", headcount=1, programme=None):
    record = m.Need(
        employer_id=cohort.ids[employer], occupation=occupation, recorded_on=on,
        status=status, headcount=headcount, programme=programme,
    )  # fmt: skip
    cohort._insert("labour_needs", name, record)


@pytest.fixture
def needs(cohort):
    cohort.employer("ravintola", industry="56101")  # I: accommodation and food service
    cohort.employer("rakennus", industry="41200")  # F: construction
    cohort.employer("tuntematon")  # no industry recorded
    need(cohort, "n1", "ravintola", "512", date(2024, 3, 1), headcount=2, programme="TOPI")
    need(cohort, "n2", "ravintola", "512", date(2024, 5, 1), "filled", 3)
    need(cohort, "n3", "ravintola", "911", date(2024, 6, 1), "withdrawn", 1)
    need(cohort, "n4", "rakennus", "711", date(2024, 4, 1), headcount=4, programme="TOPI")
    need(cohort, "n5", "tuntematon", "522", date(2024, 7, 1))
    need(cohort, "old", "rakennus", "711", date(2023, 12, 31))  # before the period


def test_sections_follow_tol_2008_divisions() -> None:
    assert [section_of(c) for c in ("01110", "41200", "47111", "56101", "87300", "99000")] == [
        "A", "F", "G", "I", "Q", "U",
    ]  # fmt: skip
    assert section_of(None) is None and section_of("x1") is None and section_of("04") is None


def test_needs_by_industry_and_occupation_are_counted_by_hand(run, needs) -> None:
    data = json.loads(run("sectors", *PERIOD, "--format", "json").stdout)
    rows = {(r["section"], r["occupation"]): r for r in data["rows"]}
    assert list(rows) == [("F", "711"), ("I", "512"), ("I", "911"), (None, "522")]
    assert rows[("I", "512")] == {
        "section": "I", "occupation": "512", "needs": 2, "open": 1, "filled": 1,
        "withdrawn": 0, "open_headcount": 2, "filled_headcount": 3,
    }  # fmt: skip
    assert rows[("I", "911")]["withdrawn"] == 1 and rows[("I", "911")]["open_headcount"] == 0
    assert rows[("F", "711")]["open_headcount"] == 4  # the 2023 need is outside the period
    sections = {s["section"]: s for s in data["sections"]}
    assert sections["I"]["needs"] == 3 and sections["I"]["filled_headcount"] == 3
    topi = json.loads(run("sectors", *PERIOD, "--programme", "TOPI", "--json").stdout)
    assert [(r["section"], r["occupation"]) for r in topi["rows"]] == [("F", "711"), ("I", "512")]


def test_the_xlsx_equals_the_json_and_the_table_speaks_finnish(run, needs, tmp_path) -> None:
    out = tmp_path / "sectors.xlsx"
    assert run("sectors", *PERIOD, "--format", "xlsx", "--out", str(out)).exit_code == 0
    sheet = list(load_workbook(out)["sectors"].iter_rows(values_only=True))
    data = json.loads(run("sectors", *PERIOD, "--json").stdout)
    header, body = sheet[0], sheet[1:]
    assert [dict(zip(header, row, strict=True)) for row in body] == data["rows"]
    table = run("sectors", *PERIOD).stdout
    assert "Majoitus- ja ravitsemistoiminta" in table and "Rakentaminen" in table
    assert "Toimiala" in table and "ei tiedossa" in table
