"""`kenttä import feedback FILE`: survey answers in, whole file or nothing, one-line reasons."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from kenttä.cli import cli
from kenttä.domain import models as m
from kenttä.services.transfer import FeedbackImportError, import_feedback
from tests.reports.cohort import Cohort, hetu

HETU_A = hetu(date(1985, 4, 12), 904, female=True)
HETU_B = hetu(date(1990, 11, 3), 917, female=False)


@pytest.fixture
def people(workspace) -> Cohort:
    cohort = Cohort(workspace)
    cohort.client("a", henkilotunnus=HETU_A, scope="kuopio")
    cohort.client("b", henkilotunnus=HETU_B, scope="kuopio")
    with workspace.store.replica.transaction("testi") as tx:
        provider = m.Provider(name="Valmennus Oy")
        tx.insert("providers", provider.to_row())
    cohort.ids["provider"] = provider.id
    cohort.voucher("v1", "b", "VALM", 120_000, date(2026, 1, 10), status="used")
    with workspace.store.replica.transaction("testi") as tx:
        tx.update("vouchers", cohort.ids["v1"], {"provider_id": provider.id})
    return cohort


def feedback_rows(ws) -> list[tuple]:
    return ws.store.conn.execute(
        "SELECT client_id, given_on, rating, scores, voucher_id, service_code, provider_id,"
        " source, comment FROM feedback ORDER BY given_on"
    ).fetchall()


def invoke(store, *args: str):
    """`kenttä import feedback …` with the config saying English: the reasons read below are
    the service's own (fi/sv: by code, tests/cli/test_cli_refusals_i18n.py)."""
    Path(os.environ["KENTTA_CONFIG"]).write_text('language = "en"\n', encoding="utf-8")
    return CliRunner().invoke(cli, ["--db", str(store.path), "import", "feedback", *args])


GOOD = (
    "hetu;seteli;pvm;hyöty;tavoitteet;kohtelu;seuraavat askeleet;tyytyväisyys;palvelu;kommentti\n"
    f"{HETU_A};;3.2.2026;5;4;5;;4;KOUL;Hyvä valmentaja\n"
    ";TEST-v1;2026-02-05;3;3;4;2;3;;\n"
)


def test_a_survey_file_in_windows_1252_imports_every_answer(store, workspace, people, tmp_path):
    path = tmp_path / "kysely.csv"
    path.write_bytes(GOOD.encode("cp1252"))
    result = invoke(store, str(path), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["imported"] == 2
    assert json.loads(result.stdout)["encoding"] == "cp1252"
    rows = feedback_rows(workspace)
    assert [r[:3] for r in rows] == [
        (people.ids["a"], "2026-02-03", 4),
        (people.ids["b"], "2026-02-05", 3),
    ]
    assert json.loads(rows[0][3]) == {"useful": 5, "goals": 4, "respect": 5, "satisfaction": 4}
    assert rows[0][4:] == (None, "KOUL", None, "survey", "Hyvä valmentaja")
    # the voucher's row takes the voucher's client, service and provider
    assert rows[1][4:8] == (people.ids["v1"], "VALM", people.ids["provider"], "survey")
    events = workspace.store.conn.execute(
        "SELECT count(*) FROM audit_events WHERE record_table = 'feedback' AND action = 'create'"
    ).fetchone()
    assert events == (2,)


@pytest.mark.parametrize(
    ("bad_line", "reason"),
    [
        (f"{HETU_A};;4.2.2026;6;;;;4;;", "line 3: useful: a score is a whole number 1–5"),
        (f"{HETU_A};;4.2.2026;5;;;;;;", "line 3: satisfaction: the overall question needs"),
        (f"{HETU_A};;31.2.2026;5;;;;4;;", "line 3: given_on: not a date"),
        (";NO-SUCH;4.2.2026;5;;;;4;;", "line 3: no such voucher"),
        (
            f"{hetu(date(1970, 1, 1), 950, True)};;4.2.2026;5;;;;4;;",
            "line 3: henkilotunnus: no client",
        ),
    ],
)
def test_a_bad_row_refuses_the_whole_file_in_one_line(
    store, workspace, people, tmp_path, bad_line: str, reason: str
):
    lines = GOOD.splitlines()
    path = tmp_path / "kysely.csv"
    path.write_text("\n".join([lines[0], lines[1], bad_line, lines[2]]) + "\n", encoding="utf-8")
    before = workspace.store.conn.execute("SELECT count(*) FROM _changes").fetchone()
    result = invoke(store, str(path))
    assert result.exit_code != 0
    message = result.output.strip()
    assert len(message.splitlines()) == 1 and reason in message, message
    assert HETU_A not in message  # the reason never repeats personal data
    assert feedback_rows(workspace) == []  # line 2 was good, and is not written either
    assert workspace.store.conn.execute("SELECT count(*) FROM _changes").fetchone() == before


def test_the_same_file_twice_is_refused_the_second_time(store, workspace, people, tmp_path):
    path = tmp_path / "kysely.csv"
    path.write_text(GOOD, encoding="utf-8-sig")
    assert invoke(store, str(path)).exit_code == 0
    again = invoke(store, str(path))
    assert again.exit_code != 0 and "line 2: this answer is already stored" in again.output
    assert len(feedback_rows(workspace)) == 2


def test_an_xlsx_sheet_and_a_missing_header(workspace, people, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["voucher", "given_on", "satisfaction", "comment"])
    sheet.append(["TEST-v1", date(2026, 3, 1), 5, "=kaava"])
    path = tmp_path / "kysely.xlsx"
    book.save(path)
    result = import_feedback(workspace, path)
    assert result.imported == 1
    assert feedback_rows(workspace)[0][2] == 5
    with pytest.raises(FeedbackImportError, match="missing required column 'satisfaction'"):
        import_feedback(workspace, b"hetu;pvm;hyoty\n")
    with pytest.raises(FeedbackImportError, match="names no one"):
        import_feedback(workspace, "pvm;tyytyväisyys\n".encode())
    with pytest.raises(FeedbackImportError, match="'satisfaction' twice"):
        import_feedback(workspace, b"hetu;pvm;tyytyvaisyys;satisfaction\n")


def test_dry_run_writes_nothing(workspace, people):
    result = import_feedback(workspace, GOOD.encode("utf-8"), dry_run=True)
    assert result.imported == 2 and feedback_rows(workspace) == []


def test_a_coordinator_may_not_import_feedback(store, people):
    from kenttä.config import Config
    from kenttä.services.context import Workspace
    from kenttä.services.roles import PermissionDenied

    coordinator = Workspace(store, Config(user="testi.koordinaattori", role="coordinator"))
    with pytest.raises(PermissionDenied):
        import_feedback(coordinator, GOOD.encode("utf-8"))
