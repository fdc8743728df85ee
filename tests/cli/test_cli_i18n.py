"""Issue 14: the command line's output for a person is in the configured language.

Reports, conflicts, vouchers and import errors printed in Swedish or English leave no
Finnish behind and no raw code, and name clients by name (never by record id); `--json`
keeps the codes and ids for scripts.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from kenttä.cli import cli
from kenttä.cli.help_words import ENGLISH_KEY, help_catalogue
from tests.ui.caseload import TODAY, synthetic_hetu
from tests.ui.i18n_words import WORD, problems

UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")


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


def _every_command() -> list[tuple[tuple[str, ...], click.Command]]:
    """Every command of `kenttä`, by its path, walking the groups."""
    ctx = click.Context(cli)

    def walk(command: click.Command, path: tuple[str, ...]):
        yield path, command
        if isinstance(command, click.Group):
            for name in command.list_commands(ctx):
                yield from walk(command.get_command(ctx, name), (*path, name))

    return list(walk(cli, ()))


CLICK_ENGLISH = ["Usage:", "Options", "Commands", "Show this message and exit.", "default",
                 "required"]  # fmt: skip


def _english_help(command: click.Command) -> list[str]:
    """The command's own English help texts (kept aside once another language was shown)."""
    english = command.__dict__.get(ENGLISH_KEY) or {
        "help": command.help,
        "params": {p.name: getattr(p, "help", None) for p in command.params},
    }
    return [text for text in (english["help"], *english["params"].values()) if text]


def _help_words(text: str) -> set[str]:
    """Words a person reads: option names (`--store`), placeholders in capitals ([OPTIONS],
    FILE), choices (clients|employers), default values ([oletus: table]) and `code spans`
    are syntax."""
    text = re.sub(r"`[^`]*`|(?<!\w)--?[\w-]+|\b[A-Z][A-Z_]+\b|\S+\|\S+", " ", text)
    text = re.sub(r"(\[\w+: )[^\];]+", r"\1", text)
    return {w.casefold() for w in WORD.findall(text) if len(w) >= 5}


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_every_command_has_help_in_the_language(language: str) -> None:
    """Issue 14: each command and option with English help has it in Finnish and Swedish,
    the top-level commands their line in `kenttä --help`, and nothing is stale."""
    words = help_catalogue(language)
    missing, stale = [], []
    known: dict[str, set[str]] = {"click": set(words.get("click", {}))}
    for path, command in _every_command():
        key = " ".join(path) or "kenttä"
        english = command.__dict__.get(ENGLISH_KEY, {}).get("params") or {
            p.name: getattr(p, "help", None) for p in command.params
        }
        wanted = {"help"} | {name for name, text in english.items() if text}
        wanted |= {"short"} if len(path) == 1 else set()
        known[key] = wanted
        missing += [f"{key}: {name}" for name in sorted(wanted - set(words.get(key, {})))]
    for key, entry in words.items():
        stale += [f"{key}: {name}" for name in entry if name not in known.get(key, set())]
    assert missing == [] and stale == []


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_every_help_is_in_the_language(tmp_path, language: str) -> None:
    """Issue 14: `kenttä … --help` for every command, sub-command and group shows no English
    word left (click's own words included) when the config says fi or sv; in English the
    commands' own help comes back."""
    commands = _every_command()
    translated: set[str] = set()
    for other in ("fi", "sv"):
        for entry in help_catalogue(other).values():
            for text in entry.values():
                translated |= _help_words(text)
    names = {part for path, _ in commands for name in path for part in name.split("-")}
    english: set[str] = _help_words(" ".join(CLICK_ENGLISH))
    for _, command in commands:
        english |= _help_words(" ".join(_english_help(command)))
    english -= translated | names
    _config(tmp_path, language)
    for path, _ in commands:
        result = CliRunner().invoke(cli, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        left = sorted(english & _help_words(result.output))
        assert left == [], (path, left, result.output)
    _config(tmp_path, "en")
    shown = CliRunner().invoke(cli, ["server", "budget", "--help"]).output
    assert "Usage:" in shown and "Voucher budgets: set them" in shown


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_server_budget_speaks_the_language(tmp_path, language: str) -> None:
    """Issue 14: `kenttä server budget …` prints for a person in the config's language (the
    office has no local database: the config alone says which); `--json` keeps the codes."""
    _config(tmp_path, language)
    store = ["--store", f"sqlite:{tmp_path / 'central.db'}"]
    runner = CliRunner()
    assert runner.invoke(cli, ["server", "init", *store]).exit_code == 0
    base = ["server", "budget"]
    topi = [*store, "--programme", "TOPI"]
    shown = []
    for args in (
        ["set", *topi, "--from", "2026-01-01", "--to", "2026-12-31", "--amount", "1000",
         "--rule", "equal"],
        ["show", *store],
        ["grant", *topi, "--device", "nobody", "--amount", "1"],
        ["grant", *topi, "--amount", "-5", "--device", "nobody"],
    ):  # fmt: skip
        result = runner.invoke(cli, [*base, *args])
        shown.append(result.output)
    assert "1.1.2026–31.12.2026" in shown[0] and "1.1.2026–31.12.2026" in shown[1]
    assert all(len(text.strip().splitlines()) == 1 for text in shown[2:])  # one-line refusals
    text = "\n".join(shown)
    found = problems(text, language, {"topi", "nobody"})
    if language == "fi":  # Finnish is the language here: only English or codes are wrong
        found = [p for p in found if not p.startswith("finnish")]
    assert found == [], text
    (row,) = json.loads(runner.invoke(cli, [*base, "show", *store, "--json"]).output)
    assert (row["rule"], row["budget_cents"]) == ("equal", 100_000)
