"""End to end: a participant register imported as CSV reports with no other step."""

from __future__ import annotations

import importlib.util
import json
from datetime import date

import pytest
from click.testing import CliRunner

from kenttä.cli import cli
from tests.reports.cohort import hetu

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("kenttä.cli.data_cmds") is None,
    reason="the `kenttä import` command (kenttä.cli.data_cmds) does not exist yet",
)

HEADER = (
    "henkilotunnus;first_name;last_name;municipality;phone;email;language;programme;status;"
    "referral_source;unemployed_since;benefit_days;education;entry_date;exit_date;outcome;"
    "owner;scope"
)
OUTCOMES = ["job", "job", "palkkatuki", "tutkintokoulutus", "muu palvelu", "työ"]
OUTCOMES += ["muu koulutus", "työtön", "työvoiman ulkopuolella", ""]


def register() -> str:
    """12 synthetic TOPI participants: 10 finished in 2017 (6 positive), 2 still in."""
    lines = [HEADER]
    for i in range(12):
        female = i % 3 != 0
        code = hetu(date(1970 + i, 1 + i % 12, 10 + i), 900 + 2 * i, female)
        finished = i < 10
        lines.append(
            ";".join(
                [
                    code,
                    "Testi",
                    f"Henkilö{i}",
                    "297",
                    "",
                    "",
                    "suomi",
                    "TOPI",
                    "päättynyt" if finished else "osallistuu",
                    "TE-toimisto",
                    "1.1.2015" if i % 2 == 0 else "1.9.2016",
                    "",
                    "toinen aste" if i < 8 else "perusaste",
                    f"{1 + i}.2.2017",
                    f"{1 + i}.10.2017" if finished else "",
                    OUTCOMES[i] if finished else "",
                    "testi.valmentaja",
                    "kuopio",
                ]
            )
        )
    return "\n".join(lines) + "\n"


def test_import_register_then_report(tmp_path):
    db = str(tmp_path / "register.db")
    csv_path = tmp_path / "rekisteri.csv"
    csv_path.write_text(register(), encoding="utf-8-sig")
    runner = CliRunner()
    imported = runner.invoke(cli, ["--db", db, "import", "clients", str(csv_path)])
    assert imported.exit_code == 0, imported.output
    period = ["--from", "2017-01-01", "--to", "2017-12-31"]
    result = runner.invoke(
        cli, ["--db", db, "report", "esf", *period, "--programme", "TOPI", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["participants"] == 12
    assert data["finished"] == 10
    assert data["positive_path_rate"] == 0.6
    assert data["job_or_degree_rate"] == 0.5
    assert data["participating_companies"] == 0
    assert data["by_gender"] == {"women": 8, "men": 4, "non_binary": 0, "unknown": 0}
    assert data["education"]["isced_3_4"] == 8 and data["education"]["isced_0_2"] == 4
    assert data["at_entry"]["unemployed"] == 12
    assert data["at_entry"]["long_term_unemployed"] == 6  # unemployed since 1.1.2015
    assert data["age"]["unknown"] == 0
    assert data["funnel"]["finished"] == 10
    followups = runner.invoke(
        cli, ["--db", db, "report", "followups", "--today", "2017-11-15", "--json"]
    )
    assert followups.exit_code == 0, followups.output
    due = json.loads(followups.stdout)["followups"]
    assert {f["checkpoint"] for f in due} == {"days_28"}
    assert len(due) == 10
