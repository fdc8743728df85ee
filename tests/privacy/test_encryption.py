"""Encryption at rest: the canary is in a plain file's bytes and in no encrypted file's."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from kenttä.config import Config
from kenttä.services.context import Workspace
from kenttä.store import crypto
from kenttä.store.db import StoreError, open_store
from tests.platforms import posix_only
from tests.privacy import canary
from tests.privacy.conftest import add_canary, write_config

PASS = "oikea hevonen patteri niitti"
OTHER = "toinen tunnuslause 2026"


def _workspace(path: Path, passphrase: str | None = None) -> Workspace:
    store = open_store(path, passphrase=passphrase)
    return Workspace(store, Config(user="testi.esihenkilo", role="supervisor", scope="kuopio"))


def test_plain_database_holds_the_canary(tmp_path: Path) -> None:
    """The control: the scan finds the canary when the file is not encrypted."""
    ws = _workspace(tmp_path / "plain.db")
    add_canary(ws)
    assert canary.leaks(canary.files_of(tmp_path / "plain.db"))
    ws.close()
    assert canary.leaks(canary.files_of(tmp_path / "plain.db"))
    assert not crypto.is_encrypted(tmp_path / "plain.db")


def test_encrypted_database_holds_no_canary(tmp_path: Path) -> None:
    db = tmp_path / "secret.db"
    ws = _workspace(db, PASS)
    add_canary(ws)
    assert crypto.is_encrypted(db)
    assert Path(f"{db}-wal").exists()  # the WAL is scanned while it holds the new pages
    assert canary.leaks(canary.files_of(db)) == []
    ws.close()
    assert canary.leaks(canary.files_of(db)) == []
    ws = _workspace(db, PASS)
    row = ws.store.conn.execute("SELECT first_name, henkilotunnus FROM clients").fetchone()
    assert row == (canary.FIRST, canary.HETU)
    ws.close()


def test_no_or_wrong_passphrase_is_a_clear_error(tmp_path: Path) -> None:
    db = tmp_path / "secret.db"
    open_store(db, passphrase=PASS).close()
    with pytest.raises(crypto.StoreLocked) as locked:
        open_store(db)
    with pytest.raises(crypto.WrongPassphrase) as wrong:
        open_store(db, passphrase="väärä")
    for exc in (locked.value, wrong.value):
        assert isinstance(exc, StoreError)
        assert "\n" not in str(exc) and "passphrase" in str(exc)


def test_change_passphrase(tmp_path: Path) -> None:
    db = tmp_path / "secret.db"
    ws = _workspace(db, PASS)
    add_canary(ws)
    ws.close()
    crypto.change_passphrase(db, PASS, OTHER)
    assert not crypto.verify_passphrase(db, PASS)
    with pytest.raises(crypto.WrongPassphrase):
        crypto.change_passphrase(db, PASS, "kolmas tunnuslause")
    ws = _workspace(db, OTHER)
    assert ws.store.conn.execute("SELECT count(*) FROM clients").fetchone() == (1,)
    ws.close()
    assert canary.leaks(canary.files_of(db)) == []


def test_encrypt_existing_leaves_no_plaintext(tmp_path: Path) -> None:
    db = tmp_path / "plain.db"
    ws = _workspace(db)
    add_canary(ws)
    version = ws.store.conn.execute("PRAGMA user_version").fetchone()[0]
    ws.close()
    crypto.encrypt_existing(db, PASS)
    assert crypto.is_encrypted(db)
    assert canary.leaks(tmp_path.iterdir()) == []  # no copy, WAL or leftover anywhere
    ws = _workspace(db, PASS)
    assert ws.store.conn.execute("PRAGMA user_version").fetchone()[0] == version
    assert ws.store.conn.execute("SELECT last_name FROM clients").fetchone() == (canary.LAST,)
    ws.close()
    with pytest.raises(StoreError):
        crypto.encrypt_existing(db, PASS)


def test_passphrase_given_to_a_plain_file_keeps_it_readable(tmp_path: Path) -> None:
    db = tmp_path / "plain.db"
    open_store(db).close()
    open_store(db, passphrase=PASS).close()  # e.g. KENTTA_PASSPHRASE set for another file
    assert not crypto.is_encrypted(db)


def test_sqlcipher_errors_are_caught_as_sqlite3_errors(tmp_path: Path) -> None:
    """Code written against sqlite3's exceptions (ours, sqlite-utils') works when encrypted."""
    store = open_store(tmp_path / "secret.db", passphrase=PASS)
    store.conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)")
    store.conn.execute("INSERT INTO t (v) VALUES ('a')")
    with pytest.raises(sqlite3.IntegrityError):
        store.conn.execute("INSERT INTO t (v) VALUES ('a')")
    with pytest.raises(sqlite3.OperationalError):
        store.conn.execute("SELECT nope FROM t")
    db = sqlite_utils.Database(store.conn)
    db["t"].insert({"v": "b", "extra": 1}, alter=True)
    assert db["t"].count == 2
    store.close()


# -- the command line -------------------------------------------------------------------------
def _one_line_error(result) -> str:  # type: ignore[no-untyped-def]
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("kenttä: ")
    return lines[0]


def test_cli_wrong_or_missing_passphrase(tmp_path: Path, cli_env: dict[str, str]) -> None:
    ws = _workspace(Path(cli_env["KENTTA_DB"]), PASS)
    client_id = add_canary(ws)
    ws.close()
    wrong = canary.run_cli(["audit", "client", client_id], {**cli_env, "KENTTA_PASSPHRASE": "x"})
    assert "wrong passphrase" in _one_line_error(wrong)
    missing = canary.run_cli(["audit", "client", client_id], cli_env)
    assert "KENTTA_PASSPHRASE" in _one_line_error(missing)
    right = canary.run_cli(["audit", "client", client_id], {**cli_env, "KENTTA_PASSPHRASE": PASS})
    assert right.returncode == 0, right.stderr
    assert client_id in right.stdout


def test_cli_passphrase_set_and_change(tmp_path: Path, cli_env: dict[str, str]) -> None:
    db = Path(cli_env["KENTTA_DB"])
    ws = _workspace(db)
    add_canary(ws)
    ws.close()
    short = canary.run_cli(["passphrase", "set"], {**cli_env, "KENTTA_NEW_PASSPHRASE": "lyhyt"})
    assert "8 characters" in _one_line_error(short)
    done = canary.run_cli(["passphrase", "set"], {**cli_env, "KENTTA_NEW_PASSPHRASE": PASS})
    assert done.returncode == 0, done.stderr
    assert crypto.is_encrypted(db) and canary.leaks(tmp_path.iterdir()) == []
    bad = canary.run_cli(
        ["passphrase", "change"],
        {**cli_env, "KENTTA_PASSPHRASE": "x", "KENTTA_NEW_PASSPHRASE": OTHER},
    )
    assert "wrong passphrase" in _one_line_error(bad)
    changed = canary.run_cli(
        ["passphrase", "change"],
        {**cli_env, "KENTTA_PASSPHRASE": PASS, "KENTTA_NEW_PASSPHRASE": OTHER},
    )
    assert changed.returncode == 0, changed.stderr
    assert crypto.verify_passphrase(db, OTHER)


def test_new_database_encrypted_when_config_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    from kenttä.cli.common import CliContext, CommandError, obtain_passphrase

    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # no terminal
    write_config(tmp_path / "config.toml", "supervisor", encrypt=True)
    db = tmp_path / "new.db"
    assert obtain_passphrase(db, Config(encrypt=False)) is None
    with pytest.raises(CommandError, match="KENTTA_PASSPHRASE"):
        CliContext(str(db)).workspace()
    assert not db.exists()
    monkeypatch.setenv("KENTTA_PASSPHRASE", PASS)
    CliContext(str(db)).workspace().close()
    assert crypto.is_encrypted(db)


def _in_terminal(args: list[str], env: dict[str, str], answers: list[str]) -> tuple[int, str]:
    """Run `kenttä ARGS` on a pseudo-terminal, typing each answer after a prompt."""
    import os
    import pty
    import select
    import subprocess
    import sys

    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-c", "from kenttä.cli import main; main()", *args],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env={**os.environ, **env},
        close_fds=True,
    )
    os.close(slave)
    seen, pending = b"", list(answers)
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        if not ready:
            proc.kill()
            break
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
        if pending and seen.rstrip().endswith(b":"):
            os.write(master, pending.pop(0).encode() + b"\n")
    os.close(master)
    return proc.wait(timeout=60), seen.decode("utf-8", "replace")


@posix_only("drives the prompt through a pseudo-terminal (pty)")
def test_prompt_at_a_terminal_hides_the_passphrase(tmp_path: Path, cli_env: dict[str, str]) -> None:
    ws = _workspace(Path(cli_env["KENTTA_DB"]), PASS)
    client_id = add_canary(ws)
    ws.close()
    code, screen = _in_terminal(["audit", "client", client_id], cli_env, [PASS])
    assert code == 0, screen
    assert "Passphrase:" in screen and PASS not in screen and client_id in screen
    code, screen = _in_terminal(["audit", "client", client_id], cli_env, ["väärä"])
    assert code == 1 and "wrong passphrase" in screen and "Traceback" not in screen


def test_leftover_plaintext_of_an_interrupted_encryption_is_scrubbed(tmp_path: Path) -> None:
    db = tmp_path / "secret.db"
    open_store(db, passphrase=PASS).close()
    leftover = tmp_path / "secret.db.plain-old"
    leftover.write_bytes(canary.HETU.encode() * 100)
    open_store(db, passphrase=PASS).close()
    assert not leftover.exists()
    assert canary.leaks(tmp_path.iterdir()) == []


def test_no_code_sets_sqlite3_row_as_row_factory() -> None:
    """sqlite3.Row fails on an encrypted (SQLCipher) connection: nothing may rely on it."""
    import re

    root = Path(__file__).resolve().parents[2]
    pattern = re.compile(r"row_factory\s*=\s*sqlite3\.Row")
    offenders = [
        str(p.relative_to(root))
        for folder in (root / "src", root / "sync" / "src")
        for p in folder.rglob("*.py")
        if pattern.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []
