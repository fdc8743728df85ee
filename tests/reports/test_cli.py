"""`kenttä report …` on the command line: output formats, --explain and one-line errors."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from kenttä.cli import cli
from kenttä.services.reports._base import flatten
from tests.reports.test_esf import ten_leavers

PERIOD = ["--from", "2024-01-01", "--to", "2024-12-31"]


def english() -> None:
    """The config says English (KENTTA_CONFIG, per test): the messages below are English."""
    Path(os.environ["KENTTA_CONFIG"]).write_text('language = "en"\n', encoding="utf-8")


@pytest.fixture
def run(store, workspace):
    path = str(store.path)

    def invoke(*args: str):
        return CliRunner().invoke(cli, ["--db", path, "report", *args])

    return invoke


@pytest.fixture
def filled(cohort):
    ten_leavers(cohort)
    cohort.voucher("1", "leaver0", "coaching", 100_000, date(2024, 2, 2))
    return cohort


def test_json_keys_for_scripts(run, filled):
    result = run("esf", *PERIOD, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["participants"] == 10
    assert data["finished"] == 10
    assert data["positive_path_rate"] == 0.6
    assert data["job_or_degree_rate"] == 0.5
    assert data["participating_companies"] == 0
    assert data["vouchers"]["value_cents"] == 100_000
    assert json.loads(run("esf", *PERIOD, "--json").stdout) == data


def test_programme_is_case_insensitive(run, filled):
    result = run("esf", *PERIOD, "--programme", "topi", "--json")
    assert json.loads(result.stdout)["programme"] == "TOPI"


def test_table_and_csv(run, filled, tmp_path):
    table = run("esf", *PERIOD)
    assert table.exit_code == 0
    # for a person in the configured language (fi); CSV keeps the figure keys
    assert "Myönteisten jatkopolkujen osuus" in table.stdout and "60,0 %" in table.stdout
    out = tmp_path / "esf.csv"
    result = run("esf", *PERIOD, "--format", "csv", "--out", str(out))
    assert result.exit_code == 0
    assert "positive_path_rate,Positive continuation path rate,0.6" in out.read_text()


def test_xlsx_needs_out_and_matches_json(run, filled, tmp_path):
    english()
    bad = run("esf", *PERIOD, "--format", "xlsx")
    assert bad.exit_code == 1
    assert bad.stderr.strip() == "kenttä: --format xlsx needs --out FILE"
    out = tmp_path / "esf.xlsx"
    assert run("esf", *PERIOD, "--format", "xlsx", "--out", str(out)).exit_code == 0
    rows = list(load_workbook(out)["ESF"].iter_rows(values_only=True))[1:]
    data = json.loads(run("esf", *PERIOD, "--json").stdout)
    assert {r[0]: r[2] for r in rows} == dict(flatten(data))
    assert {r[0]: r[2] for r in rows}["positive_path_rate"] == 0.6 == data["positive_path_rate"]


def test_lists_as_xlsx_and_csv(run, cohort, tmp_path):
    cohort.finished("left", None, exit_date=date(2024, 10, 1))
    out = tmp_path / "quality.xlsx"
    assert run("quality", "--format", "xlsx", "--out", str(out)).exit_code == 0
    rows = list(load_workbook(out)["quality"].iter_rows(values_only=True))
    assert rows[0] == ("code", "table", "id", "label", "detail")
    assert rows[1][:3] == ("exit_without_outcome", "clients", cohort.ids["left"])
    result = run("followups", "--today", "2024-11-01", "--format", "csv")
    assert result.stdout.splitlines()[0].startswith("due_on,checkpoint,overdue,client_id")


def test_explain(run, filled):
    result = run("esf", *PERIOD, "--explain", "job_or_degree_rate", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["count"] == 5
    assert {r["id"] for r in data["records"]} == {filled.ids[f"leaver{i}"] for i in range(5)}
    table = run("esf", *PERIOD, "--explain", "finished")
    assert table.exit_code == 0
    assert "Testi" not in table.stdout and "Asiakas" not in table.stdout
    assert filled.ids["leaver9"] in table.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2024-13-01", "--to", "2024-12-31"], "--from: not an ISO date"),
        (["--from", "2024-01-01", "--to", "31.12.2024"], "--to: not an ISO date"),
        (["--from", "2024-12-01", "--to", "2024-01-31"], "the period starts after it ends"),
        ([*PERIOD, "--programme", "NOPE"], "unknown programme 'NOPE'; known: KUOPIO, POLKU"),
        ([*PERIOD, "--explain", "nonsense"], "unknown figure 'nonsense'"),
    ],
)
def test_one_line_errors(run, filled, args, message):
    english()  # the services' own reasons (fi/sv: tests/cli/test_cli_refusals_i18n.py)
    result = run("esf", *args)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kenttä: ") and message in lines[0]
    assert "Testi" not in result.stderr


def test_followups_and_quality(run, cohort):
    cohort.finished("left", None, exit_date=date(2024, 10, 1))
    result = run("followups", "--today", "2024-11-01", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [(f["checkpoint"], f["due_on"]) for f in data["followups"]] == [
        ("days_28", "2024-10-29")
    ]
    assert "Testi" not in result.stdout
    assert run("followups", "--today", "yesterday").exit_code == 1
    quality = json.loads(run("quality", "--json").stdout)
    assert quality["summary"]["exit_without_outcome"] == 1
    assert quality["findings"][0]["id"] == cohort.ids["left"]
    assert run("quality", "--from", "2024-01-01").exit_code == 1
    table = run("quality")
    # for a person (config language fi): the finding in words, the client by name
    assert (
        "Päättyminen ilman tulosta" in table.stdout and "exit_without_outcome" not in table.stdout
    )
    assert "Testi" in table.stdout and cohort.ids["left"] not in table.stdout
