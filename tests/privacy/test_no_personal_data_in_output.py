"""The main flows with the canary: no name or henkilötunnus in logs, messages or errors.

Every command runs in-process through `kenttä.cli.main`, with stdout, stderr and every
Python log record (root logger at DEBUG) captured. Files a command is asked to write (an
export, a subject access report) naturally hold the data and are not scanned.
"""

from __future__ import annotations

import importlib.util
import logging
from pathlib import Path

import pytest

from kenttä.cli import main
from kenttä.config import Config
from kenttä.services.context import Workspace
from kenttä.store.db import open_store
from tests.privacy import canary
from tests.privacy.conftest import add_canary, write_config

BAD_HETU = canary.HETU[:-1] + ("A" if canary.HETU[-1] != "A" else "B")  # wrong check character


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        main(args)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def _has(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "kentta.db"
    monkeypatch.setenv("KENTTA_DB", str(db))
    write_config(tmp_path / "config.toml", "supervisor")
    return db


def test_main_flows_leak_nothing(
    env: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.DEBUG)
    ws = Workspace(open_store(env), Config(user="testi.esihenkilo", role="supervisor"))
    client_id = add_canary(ws)
    from pydantic import ValidationError

    from kenttä.domain.identifiers import IdentifierError
    from kenttä.services.clients.core import ClientError, create_client

    failures: list[str] = []
    for fields in (
        {"first_name": canary.FIRST, "last_name": canary.LAST, "henkilotunnus": canary.HETU},
        {"first_name": canary.FIRST, "last_name": canary.LAST, "henkilotunnus": BAD_HETU},
    ):
        with pytest.raises((ClientError, IdentifierError, ValidationError)) as err:
            create_client(ws, **fields)
        message = str(err.value)
        if isinstance(err.value, ValidationError):  # what a UI would show: the reason only
            message = "; ".join(e["msg"] for e in err.value.errors())
        failures.append(message)
    ws.close()

    runs: list[tuple[list[str], int | None]] = [
        (["audit", "client", client_id], 0),
        (["audit", "client", canary.HETU, "--json"], 0),
        (["audit", "client", BAD_HETU], 1),
        (["subject-access", canary.HETU, "--out", str(tmp_path / "ote")], 0),
        (["subject-access", canary.HETU, "--out", str(tmp_path / "missing" / "ote")], 1),
        (["purge", "--dry-run", "--today", "2026-01-01"], 0),
        (["erase", "client", BAD_HETU, "--yes"], 1),
    ]
    csv = tmp_path / "clients.csv"
    csv.write_text(
        "henkilotunnus;first_name;last_name;municipality\n"
        f"{BAD_HETU};{canary.FIRST};{canary.LAST};297\n"
        f"{canary.HETU};{canary.FIRST};{canary.LAST};not-a-code\n"
        f";{canary.FIRST};;297\n",
        encoding="utf-8",
    )
    if _has("kenttä.cli.data_cmds"):
        runs += [
            (["import", "clients", str(csv)], None),
            (["export", "clients", "--format", "jsonl", "--out", str(tmp_path / "x.jsonl")], 0),
        ]
    if _has("kenttä.cli.voucher_cmds"):
        runs.append((["voucher", "list", "--client", canary.HETU], None))

    seen: list[str] = []
    for args, expected in runs:
        code, out, err = _run(args, capsys)
        if expected is not None:
            assert code == expected, (args, err)
        assert "Traceback" not in err, (args, err)
        assert canary.text_leaks(err) == [], (args, err)
        assert canary.text_leaks(out) == [], (args, out)
        seen.append(err)

    for message in failures:
        assert canary.text_leaks(message) == [], message
    logged = "\n".join(f"{r.name}: {r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    assert canary.text_leaks(logged) == [], logged
    assert any("no client" in err for err in seen)


def test_unexpected_errors_show_no_message(
    env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug's message may hold personal data: the user sees its type only."""
    import kenttä.services.privacy.subject_access as sa

    def boom(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError(f"failed for {canary.HETU}")

    open_store(env).close()
    monkeypatch.setattr(sa, "client_audit_trail", boom)
    code, out, err = _run(["audit", "client", "x"], capsys)
    assert code == 70
    assert err.strip() == "kenttä: internal error (RuntimeError) (KENTTA_DEBUG=1 shows details)"
    assert canary.text_leaks(out + err) == []


@pytest.mark.parametrize("override", [True, False], ids=["kenttä", "textual-default"])
async def test_ui_crash_report_shows_no_locals(
    override: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    """A crash in the app names the error type, never its message or local variables.

    The same crash under Textual's default report leaks the canary, so the check can fail.
    """
    from textual.app import App

    from kenttä.ui.app import KenttaApp

    class Crashing(App):
        if override:
            _fatal_error = KenttaApp._fatal_error

        def on_mount(self) -> None:
            client = {"name": f"{canary.FIRST} {canary.LAST}", "henkilotunnus": canary.HETU}
            raise RuntimeError(f"cannot save {client['henkilotunnus']}")

    app = Crashing()
    with pytest.raises(RuntimeError):
        async with app.run_test():
            pass
    captured = capsys.readouterr()
    shown = captured.out + captured.err
    assert "RuntimeError" in shown
    assert (canary.text_leaks(shown) == []) is override
