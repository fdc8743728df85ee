"""A locked, read-only or full database, and a --db in a folder that does not exist: one
line in words, never `internal error` (issue 12)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from kenttä.cli import main
from kenttä.cli.common import run_guarded
from kenttä.config import Config
from kenttä.i18n import catalogue
from kenttä.services.clients.core import create_client
from kenttä.services.context import Workspace
from kenttä.store.db import open_store

KENTTA = str(Path(sys.executable).with_name("kenttä"))


def _config(tmp_path: Path, language: str) -> None:
    path = Path(os.environ["KENTTA_CONFIG"])
    path.write_text(f'language = "{language}"\nrole = "supervisor"\n', encoding="utf-8")


def _failing_write(tmp_path: Path, pragma: str) -> Callable[[], None]:
    """A real SQLite error: a client written into a database the pragma makes refuse it."""
    ws = Workspace(open_store(tmp_path / "k.db"), Config(user="testi", scope="kuopio"))
    create_client(ws, first_name="Testi", last_name="Täynnä")  # the tables exist
    ws.store.conn.execute(pragma)

    def call() -> None:
        for i in range(2000):  # enough rows to need a new page
            create_client(ws, first_name=f"Testi{i}", last_name="Täynnä" * 20)

    return call


@pytest.mark.parametrize(
    ("pragma", "key"),
    [
        ("PRAGMA query_only = ON", "read_only"),
        ("PRAGMA max_page_count = 1", "disk_full"),
    ],
)
@pytest.mark.parametrize("language", ["fi", "en"])
def test_read_only_and_full_are_said_in_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], pragma: str, key: str, language: str
) -> None:
    _config(tmp_path, language)
    call = _failing_write(tmp_path, pragma)
    with pytest.raises(SystemExit) as done:
        run_guarded(call)
    err = capsys.readouterr().err
    assert done.value.code == 1
    assert err == f"kenttä: {catalogue(language)[f'storage.{key}']}\n"
    assert "internal error" not in err


@pytest.mark.slow
def test_a_locked_database_is_said_in_words(tmp_path: Path) -> None:
    """Another program holds the write lock past the busy timeout (5 s)."""
    db = tmp_path / "k.db"
    open_store(db).close()
    _config(tmp_path, "en")
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        done = subprocess.run(
            [KENTTA, "--db", str(db), "seed", "--clients", "1"],
            capture_output=True, text=True, timeout=120, env=dict(os.environ),
        )  # fmt: skip
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert done.returncode == 1, done.stderr
    assert done.stderr.strip().splitlines()[-1] == f"kenttä: {catalogue('en')['storage.locked']}"
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr


def test_the_app_says_them_in_the_current_language() -> None:
    from kenttä.i18n import get_language, set_language
    from kenttä.ui.app import error_text

    before = get_language()
    try:
        for language in ("fi", "sv", "en"):
            set_language(language)
            for message, key in (
                ("database is locked", "locked"),
                ("attempt to write a readonly database", "read_only"),
                ("database or disk is full", "disk_full"),
            ):
                text = error_text(sqlite3.OperationalError(message))
                assert text == catalogue(language)[f"storage.{key}"]
    finally:
        set_language(before)


def test_a_db_in_a_missing_folder_is_refused_unless_init(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "typo" / "deeper" / "k.db"
    for args in (["export", "clients"], ["seed", "--clients", "1"], ["sync", "status"]):
        with pytest.raises(SystemExit) as done:
            main(["--db", str(db), *args])
        err = capsys.readouterr().err
        assert done.value.code == 1, args
        assert len(err.strip().splitlines()) == 1 and "kenttä init" in err, args
    assert not (tmp_path / "typo").exists()  # nothing was created
    with pytest.raises(SystemExit) as done:
        main(["--db", str(db), "init"])
    assert done.value.code in (0, None)
    assert db.is_file()
    with pytest.raises(SystemExit) as done:  # now the folder is there: commands work
        main(["--db", str(db), "sync", "status", "--json"])
    assert done.value.code in (0, None)
