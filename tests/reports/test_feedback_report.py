"""`kenttä report feedback`: counts and means per question on a cohort with known answers.

Every expected figure below is computed by hand from the five answers of `answers()`.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from kenttä.cli import cli
from kenttä.domain import models as m
from kenttä.services.reports.feedback import ROW_COLUMNS, feedback_report
from tests.reports.cohort import Cohort

QUESTIONS = ["useful", "goals", "respect", "next_steps", "satisfaction"]


def answers(cohort: Cohort) -> None:
    """Five responses: two through vouchers, one by service only, one from before the
    questionnaire (a single rating), one of another programme in 2023 without a service."""
    for name in ("a", "b", "c"):
        cohort.client(name)
    cohort.client("d", programme="KUOPIO")
    with cohort.ws.store.replica.transaction("testi") as tx:
        tx.insert("services", m.Service(code="VALM", name="Yksilövalmennus", category="v").to_row())
        tx.insert("services", m.Service(code="KOUL", name="Työhönvalmennus", category="v").to_row())
        for name, label in (("p1", "Valmennus Oy"), ("p2", "Ura Oy")):
            provider = m.Provider(name=label)
            tx.insert("providers", provider.to_row())
            cohort.ids[name] = provider.id
    for name, client, service, provider in (("v1", "a", "VALM", "p1"), ("v2", "b", "KOUL", "p2")):
        cohort.voucher(name, client, service, 100_000, date(2024, 2, 1), status="used")
        with cohort.ws.store.replica.transaction("testi") as tx:
            tx.update("vouchers", cohort.ids[name], {"provider_id": cohort.ids[provider]})

    def give(name: str, client: str, on: date, scores: dict, **extra) -> None:
        record = m.Feedback(client_id=cohort.ids[client], given_on=on, scores=scores, **extra)
        cohort._insert("feedback", name, record)

    give("f1", "a", date(2024, 5, 2), dict(useful=5, goals=4, respect=5, next_steps=3,
         satisfaction=5), voucher_id=cohort.ids["v1"])  # fmt: skip
    give("f2", "b", date(2024, 6, 3), dict(useful=2, goals=3, respect=4, satisfaction=3),
         voucher_id=cohort.ids["v2"])  # fmt: skip
    give("f3", "c", date(2024, 7, 4), dict(useful=4, goals=4, respect=5, next_steps=4,
         satisfaction=4), service_code="VALM")  # fmt: skip
    with cohort.ws.store.replica.transaction("testi") as tx:  # a row as schema 1–8 wrote it
        cohort.ids["f4"] = tx.insert(
            "feedback",
            {"client_id": cohort.ids["a"], "given_on": "2024-08-05", "service_code": "KOUL",
             "rating": 2, "comment": "", "scope": "kuopio"},
        )  # fmt: skip
    give("f5", "d", date(2023, 6, 1), dict(useful=3, satisfaction=5))


def stat(count: int, mean: float | None) -> dict:
    return {"count": count, "mean": mean}


TOTAL = {
    "key": "*",
    "label": "",
    "responses": 5,
    "questions": {
        "useful": stat(4, 3.5),  # 5 2 4 3
        "goals": stat(3, 3.67),  # 4 3 4 = 11/3
        "respect": stat(3, 4.67),  # 5 4 5 = 14/3
        "next_steps": stat(2, 3.5),  # 3 4
        "satisfaction": stat(5, 3.8),  # 5 3 4 2 5 = 19/5
    },
    "all": stat(17, 3.82),  # 65/17 = 3.8235
}
BY_SERVICE = [
    {
        "key": "KOUL",
        "label": "Työhönvalmennus",
        "responses": 2,  # f2 (its voucher's service), f4
        "questions": {
            "useful": stat(1, 2.0),
            "goals": stat(1, 3.0),
            "respect": stat(1, 4.0),
            "next_steps": stat(0, None),
            "satisfaction": stat(2, 2.5),
        },
        "all": stat(5, 2.8),  # 2 3 4 3 2 = 14/5
    },
    {
        "key": "VALM",
        "label": "Yksilövalmennus",
        "responses": 2,  # f1 (its voucher's service), f3
        "questions": {
            "useful": stat(2, 4.5),
            "goals": stat(2, 4.0),
            "respect": stat(2, 5.0),
            "next_steps": stat(2, 3.5),
            "satisfaction": stat(2, 4.5),
        },
        "all": stat(10, 4.3),  # 22 + 21 = 43/10
    },
    {
        "key": None,
        "label": "",
        "responses": 1,  # f5
        "questions": {
            "useful": stat(1, 3.0),
            "goals": stat(0, None),
            "respect": stat(0, None),
            "next_steps": stat(0, None),
            "satisfaction": stat(1, 5.0),
        },
        "all": stat(2, 4.0),
    },
]


@pytest.fixture
def run(store, workspace):
    path = str(store.path)

    def invoke(*args: str):
        return CliRunner().invoke(cli, ["--db", path, "report", "feedback", *args])

    return invoke


def test_json_gives_the_known_counts_and_means(run, cohort):
    answers(cohort)
    result = run("--by", "service", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["questions"] == QUESTIONS
    assert data["by"] == "service" and data["period"] is None
    assert data["total"] == TOTAL
    assert data["groups"] == BY_SERVICE
    assert json.loads(run("--json").stdout)["total"] == TOTAL
    assert json.loads(run("--json").stdout)["groups"] == []


def test_by_provider_takes_the_vouchers_provider(cohort, workspace):
    answers(cohort)
    data = feedback_report(workspace, by="provider")
    groups = {g["label"] or None: g for g in data["groups"]}
    assert set(groups) == {"Valmennus Oy", "Ura Oy", None}
    assert groups["Valmennus Oy"]["all"] == stat(5, 4.4)  # f1: 22/5
    assert groups["Ura Oy"]["all"] == stat(4, 3.0)  # f2: 12/4
    assert groups[None]["responses"] == 3  # f3, f4, f5 name no provider
    assert groups[None]["questions"]["satisfaction"] == stat(3, 3.67)  # 4 2 5 = 11/3
    assert groups[None]["all"] == stat(8, 3.88)  # 31/8 = 3.875, half up


def test_period_and_programme_filter(run, cohort):
    answers(cohort)
    data = json.loads(run("--from", "2024-01-01", "--to", "2024-12-31", "--json").stdout)
    assert data["total"]["responses"] == 4  # f5 was given in 2023
    assert data["total"]["questions"]["useful"] == stat(3, 3.67)  # 5 2 4
    topi = json.loads(run("--programme", "topi", "--json").stdout)
    assert topi["programme"] == "TOPI" and topi["total"]["responses"] == 4


def _rebuild(rows: list[list]) -> dict:
    """The JSON's groups back from the (group, label, question, count, mean) rows."""
    groups: dict = {}
    for group, label, question, count, mean in rows:
        key = "*" if group == "*" else (group or None)
        entry = groups.setdefault(key, {"key": key, "label": label or "", "questions": {}})
        if question == "responses":
            assert mean is None
            entry["responses"] = count
        elif question == "all":
            entry["all"] = stat(count, mean)
        else:
            entry["questions"][question] = stat(count, mean)
    return groups


def test_xlsx_and_csv_equal_the_json(run, cohort, tmp_path):
    answers(cohort)
    data = json.loads(run("--by", "service", "--json").stdout)
    out = tmp_path / "feedback.xlsx"
    result = run("--by", "service", "--format", "xlsx", "--out", str(out))
    assert result.exit_code == 0, result.output
    book = load_workbook(out, read_only=True)
    sheet = book["feedback"]
    header, *rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    book.close()
    assert tuple(header) == ROW_COLUMNS
    rebuilt = _rebuild(rows)
    assert rebuilt.pop("*") == data["total"]
    assert list(rebuilt.values()) == data["groups"]

    text = run("--by", "service", "--format", "csv").stdout
    parsed = list(csv.reader(io.StringIO(text)))
    assert tuple(parsed[0]) == ROW_COLUMNS
    typed = [[g, lab, q, int(c), float(mn) if mn else None] for g, lab, q, c, mn in parsed[1:]]
    assert typed == [[g or "", lab or "", q, c, mn] for g, lab, q, c, mn in rows]  # xlsx: None


def test_table_for_a_person_in_finnish(run, cohort):
    answers(cohort)
    result = run("--by", "service")
    assert result.exit_code == 0, result.output
    assert "Kaikki palaute · 5 vastausta" in result.stdout
    assert "Yksilövalmennus (VALM) · 2 vastausta" in result.stdout
    line = next(x for x in result.stdout.splitlines() if "Kokonaistyytyväisyys" in x)
    assert line.split()[-2:] == ["5", "3,80"]


def test_bad_input_is_one_line(run, cohort):
    answers(cohort)
    result = run("--from", "2024-01-01")
    assert result.exit_code != 0 and "--to" in result.output
    result = run("--programme", "NOSUCH")
    assert result.exit_code != 0 and len(result.output.strip().splitlines()) == 1
    result = run("--format", "xlsx")
    assert result.exit_code != 0 and "--out" in result.output


def test_an_erased_or_deleted_clients_feedback_is_not_counted(cohort, workspace):
    answers(cohort)
    cohort.erase("feedback", "f1")
    data = feedback_report(workspace)
    assert data["total"]["responses"] == 4
    assert data["total"]["questions"]["next_steps"] == stat(1, 4.0)
