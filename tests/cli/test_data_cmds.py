"""The command line: `--help`, seed, import, export, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from kenttä.cli import COMMANDS, main
from kenttä.services.data.synthetic import henkilotunnus

KENTTA = str(Path(sys.executable).with_name("kenttä"))
HETU = henkilotunnus(date(1984, 4, 4), 915)


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [KENTTA, *args], capture_output=True, env={**os.environ, **(env or {})}, timeout=120
    )


def call(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        main(list(args))
    out, err = capsys.readouterr()
    return int(info.value.code or 0), out, err


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "cli.db")


def test_help_lists_the_commands() -> None:
    result = run("--help")
    assert result.returncode == 0
    text = result.stdout.decode()
    for name in ("seed", "import", "export", "demo"):
        assert name in text
    assert set(COMMANDS) >= {"open", "demo", "seed", "import", "export"}


@pytest.mark.parametrize("command", ["seed", "import", "export"])
def test_every_data_command_has_help(capsys, command: str) -> None:
    code, out, _ = call(capsys, command, "--help")
    assert code == 0 and "Käyttö:" in out  # the configured language (default fi)


def test_unknown_command_exits_non_zero() -> None:
    result = run("no-such-command")
    assert result.returncode != 0
    assert b"Traceback" not in result.stderr


def test_seed(capsys, db: str) -> None:
    code, out, _ = call(capsys, "--db", db, "seed", "--clients", "20", "--notes-per-client", "2",
                        "--json")  # fmt: skip
    assert code == 0
    assert json.loads(out)["clients"] == 20 and json.loads(out)["notes"] == 40


def test_seed_rejects_negative_counts(capsys, db: str) -> None:
    code, _, err = call(capsys, "--db", db, "seed", "--clients", "-1")
    assert code == 2 and "clients" in err


def test_import_reports_bad_lines_and_summary(capsys, db: str, tmp_path: Path) -> None:
    csv = tmp_path / "a.csv"
    csv.write_text(
        f"hetu;etunimi;sukunimi;kunta\n{HETU};Väinö;Mäkelä;Kuopio\n;Aino;Ärjä;Atlantis\n",
        encoding="utf-8-sig",
    )
    code, out, err = call(capsys, "--db", db, "import", "clients", str(csv))
    assert code == 0
    assert out.strip() == (
        "tuotu 1, päivitetty 0, ennallaan 0, hylätty 1 (luettu: UTF-8 (BOM), erotin ;)"
    )
    # "line N: reason" (DESIGN §5), wholly in the configured language (fi)
    assert err.strip().splitlines() == ["rivi 3: kunta: Tuntematon kunta"]
    code, out, _ = call(capsys, "--db", db, "import", "clients", str(csv), "--json")
    assert code == 0
    assert json.loads(out) == {
        "imported": 0, "updated": 0, "unchanged": 1, "rejected": 1,
        "errors": [{"line": 3, "reason": "municipality: unknown municipality name",
                    "problems": [{"column": "municipality", "code": "municipality_unknown",
                                  "reason": "municipality: unknown municipality name"}]}],
        "format": "csv", "encoding": "utf-8-sig", "delimiter": ";",
    }  # fmt: skip


def test_import_dry_run(capsys, db: str, tmp_path: Path) -> None:
    csv = tmp_path / "a.csv"
    csv.write_text("nimi\nSavon Metalli Oy\n", encoding="utf-8")
    code, out, _ = call(capsys, "--db", db, "import", "employers", str(csv), "--dry-run")
    assert code == 0 and out.startswith("kokeilu, mitään ei tallennettu: tuotu 1")
    code, out, _ = call(capsys, "--db", db, "import", "employers", str(csv), "--json")
    assert json.loads(out)["imported"] == 1


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["import", "clients", "missing.csv"], "Tiedostoa missing.csv ei ole"),  # fi: no config
        (["import", "vouchers", "x.csv"], "Tuoda voi vain"),
        (["import", "clients", "{noheader}"], "pakollinen sarake: sukunimi"),  # fi: no config
        (["import", "clients", "{binary}"], "merkistö"),
    ],
)
def test_import_errors_are_one_line(capsys, db: str, tmp_path: Path, args, needle) -> None:
    (tmp_path / "noheader.csv").write_text("etunimi\nAino\n", encoding="utf-8")
    (tmp_path / "binary.csv").write_bytes(b"\xff\xfe\x00\x01\x02")
    args = [a.replace("{noheader}", str(tmp_path / "noheader.csv"))
             .replace("{binary}", str(tmp_path / "binary.csv")) for a in args]  # fmt: skip
    code, _, err = call(capsys, "--db", db, *args)
    assert needle in err
    assert code == 1
    assert len(err.strip().splitlines()) == 1 and err.startswith("kenttä: ")
    assert "Traceback" not in err


def supervisor_config(tmp_path: Path) -> None:
    """Whole-table export is a supervisor's (roles.py); KENTTA_CONFIG points here."""
    (tmp_path / "config.toml").write_text('role = "supervisor"\n', encoding="utf-8")


def test_export_to_stdout_is_canonical_bytes(tmp_path: Path) -> None:
    supervisor_config(tmp_path)
    db = str(tmp_path / "e.db")
    csv = tmp_path / "a.csv"
    csv.write_text(f"hetu,etunimi,sukunimi\n{HETU},Säde,Hyvönen\n", encoding="utf-8")
    assert run("--db", db, "import", "clients", str(csv)).returncode == 0
    first = run("--db", db, "export", "clients", "--format", "jsonl")
    assert first.returncode == 0
    line = first.stdout.decode("utf-8")
    assert line.endswith("}\n") and "Hyvönen" in line and "\r" not in line
    out = tmp_path / "clients.csv"
    result = run("--db", db, "export", "clients", "--format", "csv", "--out", str(out))
    assert result.returncode == 0
    assert out.read_bytes().startswith(b"id,scope,henkilotunnus,")
    assert b"\r\n" not in out.read_bytes()


def test_export_errors(capsys, db: str, tmp_path: Path) -> None:
    code, _, err = call(capsys, "--db", db, "export", "nonsense")
    assert code == 1 and err.startswith("kenttä: Tuntematon taulu")
    code, _, err = call(capsys, "--db", str(tmp_path / "none.db"), "export", "clients")
    assert code == 1 and "no database" in err
    code, _, err = call(capsys, "--db", db, "export", "clients", "--format", "xml")
    assert code == 2


def test_demo_without_ui_builds_and_prints_the_path(capsys, tmp_path: Path) -> None:
    target = tmp_path / "demo.db"
    code, out, _ = call(capsys, "demo", "--no-ui", "--path", str(target))
    assert code == 0 and out.strip() == str(target)
    supervisor_config(tmp_path)
    code, out, _ = call(capsys, "--db", str(target), "export", "clients", "--format", "csv")
    assert code == 0 and out.count("\n") == 151  # header and 150 clients


def test_refused_export_leaves_no_file(capsys, db: str, tmp_path: Path) -> None:
    """A coach may not export whole tables: one line, and nothing half-written stays."""
    call(capsys, "--db", db, "seed", "--clients", "3", "--notes-per-client", "1")
    out = tmp_path / "clients.csv"
    code, _, err = call(capsys, "--db", db, "export", "clients", "--out", str(out))
    assert code == 1 and err.startswith("kenttä: ") and len(err.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("clients")) == []
