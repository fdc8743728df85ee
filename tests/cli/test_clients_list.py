"""`kenttä clients list` after importing a TE office's list (issue 15 point 3, acceptance)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from kenttä.cli import cli
from kenttä.domain import localtime
from tests.ui.caseload import synthetic_hetu

# A TE office's list as Excel saves it: Finnish headers, `;`, dates as people write them.
HEADER = "Henkilötunnus;Etunimi;Sukunimi;Kunta;Työtön alkaen;Työmarkkinatukipäivät"
# (last name, benefit days): 499 and an empty cell must not qualify; 500 is the limit itself
PEOPLE = [
    ("Aaltonen", "499"),
    ("Björkman", "500"),
    ("Ceder", "730"),
    ("Dahl", ""),
    ("Eskola", "1200"),
    ("Forsman", "12"),
]
QUALIFY = {"Björkman", "Ceder", "Eskola"}


def te_list() -> str:
    lines = [HEADER]
    since = localtime.today() - timedelta(days=800)
    for i, (last, days) in enumerate(PEOPLE):
        hetu = synthetic_hetu(date(1975 + i, 3, 1 + i), 940 + i)
        lines.append(f"{hetu};Testi;{last};Kuopio;{since:%d.%m.%Y};{days}")
    return "\r\n".join(lines) + "\r\n"


@pytest.fixture
def imported(tmp_path: Path) -> tuple[CliRunner, str]:
    db = str(tmp_path / "screening.db")
    path = tmp_path / "te-lista.csv"
    path.write_bytes(te_list().encode("cp1252"))
    runner = CliRunner()
    result = runner.invoke(cli, ["--db", db, "import", "clients", str(path)])
    assert result.exit_code == 0, result.output
    return runner, db


def test_import_then_min_benefit_days_lists_exactly_the_qualifying(imported) -> None:
    runner, db = imported
    result = runner.invoke(cli, ["--db", db, "clients", "list", "--min-benefit-days", "500",
                                 "--json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["count"] == 3
    assert {c["last_name"] for c in data["clients"]} == QUALIFY
    assert sorted(c["benefit_days"] for c in data["clients"]) == [500, 730, 1200]
    first = data["clients"][0]
    assert first["municipality"] == "297"  # codes, not names, for scripts
    assert first["plan"] == "missing"
    assert first["last_activity"] is None  # nobody has met them
    assert data["criteria"]["min_benefit_days"] == 500


def test_who_nobody_has_met_and_who_qualifies_for_a_programme(imported) -> None:
    runner, db = imported
    args = ["--db", db, "clients", "list", "--no-activity-days", "30", "--json"]
    everyone = json.loads(runner.invoke(cli, args).stdout)
    assert everyone["count"] == len(PEOPLE)
    # Kuopio pilot: 30–55 years and 500 days, or 12 months unemployed (800 days: all)
    result = runner.invoke(cli, ["--db", db, "clients", "list", "--eligible", "kuopio", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["count"] == len(PEOPLE)


def test_human_output_is_in_the_catalogue_language(imported, tmp_path: Path) -> None:
    runner, db = imported
    (tmp_path / "config.toml").write_text('language = "sv"\n', encoding="utf-8")
    result = runner.invoke(cli, ["--db", db, "clients", "list", "--min-benefit-days", "500"])
    assert result.exit_code == 0, result.output
    assert "Stödsdagar" in result.stdout and "saknas" in result.stdout
    assert "3 klienter" in result.stdout
    assert "Aaltonen" not in result.stdout


def test_bad_input_is_one_line(imported) -> None:
    runner, db = imported
    result = runner.invoke(cli, ["--db", db, "clients", "list", "--eligible", "nope"])
    assert result.exit_code == 1
    assert result.stderr.strip().startswith(
        "kenttä: Hankkeella ei ole kelpoisuussääntöä"
    )  # fi: no config
    assert len(result.stderr.strip().splitlines()) == 1
    result = runner.invoke(cli, ["--db", db, "clients", "list", "--municipality", "Atlantis"])
    assert result.exit_code == 1 and "Atlantis" in result.stderr


def test_segments_by_a_supervisor_then_a_coach_filters_by_them(imported, tmp_path) -> None:
    runner, db = imported
    config = tmp_path / "config.toml"
    config.write_text('role = "coach"\n', encoding="utf-8")
    refused = runner.invoke(cli, ["--db", db, "clients", "segments", "add", "youth", "--fi", "N"])
    assert refused.exit_code == 1 and "Roolisi ei salli" in refused.stderr  # in Finnish
    config.write_text('role = "supervisor"\n', encoding="utf-8")
    for code, name in (("youth", "Nuoret"), ("long_term", "Pitkäaikaistyöttömät")):
        made = runner.invoke(cli, ["--db", db, "clients", "segments", "add", code, "--fi", name,
                                   "--sv", name + " sv"])  # fmt: skip
        assert made.exit_code == 0, made.output
    twice = runner.invoke(cli, ["--db", db, "clients", "segments", "add", "youth", "--fi", "X"])
    assert twice.exit_code == 1 and "on jo olemassa" in twice.stderr
    listed = json.loads(runner.invoke(cli, ["--db", db, "clients", "list", "--json"]).stdout)[
        "clients"
    ]
    ids = {c["last_name"]: c["id"] for c in listed}
    for last in ("Ceder", "Eskola"):
        set_ = runner.invoke(cli, ["--db", db, "clients", "set-segment", ids[last], "long_term"])
        assert set_.exit_code == 0, set_.output
    result = runner.invoke(cli, ["--db", db, "clients", "list", "--segment", "long_term",
                                 "--min-benefit-days", "1000", "--json"])  # fmt: skip
    assert [c["last_name"] for c in json.loads(result.stdout)["clients"]] == ["Eskola"]
    retired = runner.invoke(cli, ["--db", db, "clients", "segments", "retire", "long_term"])
    assert retired.exit_code == 0, retired.output
    segs = json.loads(runner.invoke(cli, ["--db", db, "clients", "segments", "list", "--all",
                                          "--json"]).stdout)  # fmt: skip
    assert {s["code"]: (s["clients"], s["retired_on"] is not None) for s in segs} == {
        "long_term": (2, True),
        "youth": (0, False),
    }
    again = runner.invoke(cli, ["--db", db, "clients", "set-segment", ids["Dahl"], "long_term"])
    assert again.exit_code == 1 and "poistettu käytöstä" in again.stderr
