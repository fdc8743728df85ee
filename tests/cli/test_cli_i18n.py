"""Issue 14: the command line's output for a person is in the configured language.

Reports, conflicts, vouchers and import errors printed in Swedish or English leave no
Finnish behind and no raw code, and name clients by name (never by record id); `--json`
keeps the codes and ids for scripts.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kenttä.cli import cli
from kenttä.config import Config
from kenttä.services.context import Workspace
from kenttä.store.db import open_store
from tests.ui.caseload import TODAY, build_caseload, grant_budget, synthetic_hetu
from tests.ui.i18n_words import data_words, problems
from tests.ui.screens_i18n import add_vouchers_and_conflict, fixed_zone

UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")


@pytest.fixture
def caseload_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    fixed_zone(monkeypatch)
    store = open_store(tmp_path / "cli.db")
    ws = Workspace(store, Config(user="testi.valmentaja", scope="kuopio", role="supervisor"))
    ws.ids = build_caseload(ws)  # type: ignore[attr-defined]
    grant_budget(ws, "TOPI")
    grant_budget(ws, "KUOPIO")
    add_vouchers_and_conflict(ws)
    allowed = data_words(store.conn)
    names = [
        f"{last} {first}"
        for first, last in store.conn.execute("SELECT first_name, last_name FROM clients")
    ]
    store.close()
    return str(tmp_path / "cli.db"), allowed, names


def _config(tmp_path: Path, language: str) -> None:
    (tmp_path / "config.toml").write_text(
        f'user = "testi.valmentaja"\nrole = "supervisor"\nscope = "kuopio"\n'
        f'language = "{language}"\n',
        encoding="utf-8",
    )


def _run(db: str, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--db", db, *args])
    assert result.exit_code == 0, result.output
    return result.output


COMMANDS = [
    ("report", "followups", "--today", TODAY.isoformat(), "--window", "400"),
    ("report", "quality"),
    ("conflicts",),
    ("voucher", "list"),
    ("report", "esf", "--from", "2020-01-01", "--to", TODAY.isoformat()),
    ("report", "sectors", "--from", "2020-01-01", "--to", TODAY.isoformat()),
]


@pytest.mark.parametrize("language", ["sv", "en"])
def test_human_output_in_the_language(tmp_path, caseload_db, language: str) -> None:
    db, allowed, names = caseload_db
    _config(tmp_path, language)
    for command in COMMANDS:
        text = _run(db, *command)
        assert problems(text, language, allowed) == [], (command, text)
        if command[0] != "voucher":
            assert UUID.search(text) is None, (command, text)  # whose, by name
    assert any(name in _run(db, *COMMANDS[0]) for name in names)
    assert any(name in _run(db, "conflicts") for name in names)
    for voucher in json.loads(_run(db, "voucher", "list", "--json")):
        shown = _run(db, "voucher", "show", voucher["number"])
        assert problems(shown, language, allowed) == [], shown
        assert UUID.search(shown) is None, shown  # the client and provider by name


def test_json_keeps_codes_and_ids(tmp_path, caseload_db) -> None:
    db, _, _ = caseload_db
    _config(tmp_path, "en")
    followups = json.loads(_run(db, *COMMANDS[0], "--json"))["followups"]
    assert followups and all(UUID.fullmatch(f["client_id"]) for f in followups)
    assert {f["checkpoint"] for f in followups} <= {"days_28", "months_6"}
    listed = json.loads(_run(db, "voucher", "list", "--json"))
    assert "provider_chosen" in {v["status"] for v in listed}


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "fi",
            "rivi 2: henkilötunnus: Henkilötunnuksen tarkistemerkin pitäisi olla {right}, ei {wrong}",
        ),
        ("sv", "rad 2: personbeteckning: Kontrolltecknet borde vara {right}, inte {wrong}"),
        ("en", "line 2: henkilötunnus: The check character should be {right}, not {wrong}"),
    ],
)
def test_a_bad_henkilotunnus_on_import_reads_in_the_language(
    tmp_path, caseload_db, language: str, expected: str
) -> None:
    from datetime import date

    db, _, _ = caseload_db
    _config(tmp_path, language)
    good = synthetic_hetu(date(1990, 1, 1), 951)
    right = good[-1]
    wrong = "X" if right != "X" else "Y"
    csv = tmp_path / "clients.csv"
    csv.write_text(
        f"henkilotunnus;first_name;last_name\n{good[:-1]}{wrong};Testi;Tuonti\n", encoding="utf-8"
    )
    result = CliRunner().invoke(cli, ["--db", db, "import", "clients", str(csv)])
    lines = result.stderr.strip().splitlines() if result.stderr_bytes else []
    assert expected.format(right=right, wrong=wrong) in lines, result.output


EXCEL_ROWS = [
    "Etunimi;Sukunimi;Henkilötunnus;Kotikunta;Postinumero;Puhelin;Sähköposti",
    "Testi;Äijälä;;Kuopio;70100;040 123 4567;testi@example.fi",
    ";Nimetön;;297;70100;;",
    "Kolmas;Ärrä;;297;70100;;ei-sähköposti",
    "Testi;Äijälä;;Kuopio;70100;040 123 4567;testi@example.fi",
]


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8-sig"])
@pytest.mark.parametrize(
    ("language", "lines"),
    [
        ("fi", ["rivi 3: etunimi: puuttuu", "rivi 4: sähköposti: arvo ei kelpaa",
                "rivi 5: sama kuin rivi 2"]),
        ("sv", ["rad 3: förnamn: saknas", "rad 4: e-post: värdet godtas inte",
                "rad 5: samma som rad 2"]),
        ("en", ["line 3: first name: missing", "line 4: email: not a valid value",
                "line 5: same as line 2"]),
    ],
)  # fmt: skip
def test_an_excel_file_s_errors_are_one_line_each_in_the_language(
    tmp_path, caseload_db, language: str, lines: list[str], encoding: str
) -> None:
    """A CSV saved by Excel (Windows-1252 or UTF-8 with BOM, semicolons): each bad row one
    line in the configured language, the summary too (issue 14)."""
    db, allowed, _ = caseload_db
    _config(tmp_path, language)
    csv = tmp_path / "excel.csv"
    csv.write_bytes(("\r\n".join(EXCEL_ROWS) + "\r\n").encode(encoding))
    result = CliRunner().invoke(cli, ["--db", db, "import", "clients", "--dry-run", str(csv)])
    assert result.exit_code == 0, result.output
    assert result.stderr.strip().splitlines() == lines
    summary = result.stdout.strip()
    assert len(summary.splitlines()) == 1
    found = problems(summary + "\n" + result.stderr, language, allowed)
    if language == "fi":  # Finnish is the language here: only English or codes are wrong
        found = [p for p in found if not p.startswith("finnish")]
    assert found == []
    if language != "en":
        assert "dry run" not in summary and "read as" not in summary


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fi", "rivi 3: etunimi: puuttuu; puhelin: Ei kelpaa puhelinnumeroksi (numerot, "
               "välilyönnit, + - ( ), 6–15 numeroa); sähköposti: arvo ei kelpaa"),
        ("sv", "rad 3: förnamn: saknas; telefon: Inte ett giltigt telefonnummer (siffror, "
               "mellanslag, + - ( ), 6–15 siffror); e-post: värdet godtas inte"),
        ("en", "line 3: first name: missing; phone: Not a valid phone number (digits, "
               "spaces, + - ( ), 6–15 digits); email: not a valid value"),
    ],
)  # fmt: skip
def test_a_bad_row_names_every_problem_in_the_language(
    tmp_path, caseload_db, language: str, expected: str
) -> None:
    """Issue 14: "040 abc" is refused as a phone number, and the row names all its problems
    in one line in the language; `--json` lists each with its English reason and code."""
    db, _, _ = caseload_db
    _config(tmp_path, language)
    csv = tmp_path / "clients.csv"
    csv.write_text(
        "etunimi;sukunimi;puhelin;sähköposti\n"
        "Testi;Tuonti;040 123 4567;\n"
        ";Tuonti;040 abc;ei-sähköposti\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["--db", db, "import", "clients", "--dry-run", str(csv)])
    assert result.exit_code == 0, result.output
    assert result.stderr.strip().splitlines() == [expected]
    result = CliRunner().invoke(cli, ["--db", db, "import", "clients", "--json", str(csv)])
    (error,) = json.loads(result.stdout)["errors"]
    assert [(p["column"], p["code"]) for p in error["problems"]] == [
        ("first_name", "missing"), ("phone", "phone"), ("email", "invalid"),
    ]  # fmt: skip
    assert error["reason"].startswith("first_name: missing; phone: not a phone number")
