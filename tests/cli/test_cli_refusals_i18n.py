"""Issue 14: what the command line prints when it refuses (a service's refusal, a role that
may not, click's usage errors, its own checks) reads in the configured language: no English
left on fi or sv, no raw code, no value the person typed; `--json` keeps the codes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from kenttä.cli import cli
from kenttä.i18n import catalogue
from tests.cli.test_cli_i18n import _config
from tests.ui.caseload import synthetic_hetu
from tests.ui.i18n_words import problems

UNKNOWN = "00000000-0000-4000-8000-000000000999"


def _wrong_hetu() -> str:
    good = synthetic_hetu(date(1990, 1, 1), 951)
    return good[:-1] + ("X" if good[-1] != "X" else "Y")


def _refusals(db: str, number: str, tmp_path: Path) -> list[tuple[str, list[str]]]:
    """(what is tried, the command line) for each refusal the person may meet."""
    central = f"sqlite:{tmp_path / 'central.db'}"
    return [
        ("a wrong henkilötunnus", ["--db", db, "audit", "client", _wrong_hetu()]),
        ("a voucher move not allowed", ["--db", db, "voucher", "transition", number, "paid"]),
        ("an unknown client", ["--db", db, "voucher", "issue", "--client", UNKNOWN,
                               "--service", "VALM"]),
        ("an unknown voucher", ["--db", db, "voucher", "show", "KUOPIO-2026-TEST-99999"]),
        ("a missing option", ["server", "init"]),
        ("a missing argument", ["--db", db, "voucher", "show"]),
        ("no such option", ["--db", db, "voucher", "list", "--bogus"]),
        ("a bad number", ["--db", db, "voucher", "list", "--limit", "many"]),
        ("a bad choice", ["server", "export", "clients", "--store", central, "--format", "xml"]),
        ("an extra argument", ["--db", db, "voucher", "show", number, "extra"]),
        ("no such command", ["--db", db, "voucher", "lst"]),
        ("a bad store", ["server", "init", "--store", "ftp://nowhere"]),
        ("an unknown device", ["server", "devices", "revoke", "--store", central, "nobody"]),
        ("a bad period", ["--db", db, "report", "esf", "--from", "2026-12-31",
                          "--to", "2026-01-01"]),
    ]  # fmt: skip


# what a person types (command and option names, the values typed here) is not English left
SYNTAX = {"bogus", "many", "extra", "nobody", "voucher", "server", "report", "conflicts",
          "client", "audit", "export", "devices", "revoke", "store", "limit", "format", "xml",
          "jsonl", "show", "lst", "list"}  # fmt: skip


def _said(result) -> str:
    return (result.stdout or "") + (result.stderr or "")


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_refusals_read_in_the_language(
    tmp_path: Path, caseload_db, monkeypatch: pytest.MonkeyPatch, language: str
) -> None:
    """Each refusal: one reason in the language, exit status not 0, no English or raw code,
    nothing the person typed (a henkilötunnus) echoed back."""
    import json

    monkeypatch.delenv("KENTTA_STORE", raising=False)
    db, allowed, _ = caseload_db
    _config(tmp_path, language)
    runner = CliRunner()
    listed = json.loads(runner.invoke(cli, ["--db", db, "voucher", "list", "--json"]).output)
    issued = next(v["number"] for v in listed if v["status"] == "issued")
    assert runner.invoke(cli, ["server", "init", "--store", f"sqlite:{tmp_path / 'central.db'}"]
                         ).exit_code == 0  # fmt: skip
    words = catalogue(language)
    for what, args in _refusals(db, issued, tmp_path):
        result = runner.invoke(cli, args)
        text = _said(result)
        assert result.exit_code != 0, (what, text)
        assert "kenttä: " in text, (what, text)
        found = problems(text, language, allowed | SYNTAX)
        if language == "fi":  # Finnish is the language here: only English or codes are wrong
            found = [p for p in found if not p.startswith("finnish")]
        assert found == [], (what, text)
        assert _wrong_hetu() not in text, (what, text)
        assert words["error.refused"] not in text, (what, text)  # each says why


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_a_role_that_may_not_is_told_so_in_the_language(
    tmp_path: Path, caseload_db, language: str
) -> None:
    db, _, _ = caseload_db
    (tmp_path / "config.toml").write_text(
        f'user = "testi.valmentaja"\nrole = "coach"\nscope = "kuopio"\nlanguage = "{language}"\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["--db", db, "audit", "client", UNKNOWN])
    assert result.exit_code == 1, result.output
    assert result.stderr.strip() == f"kenttä: {catalogue(language)['permission.view_audit']}"
