"""Files holding personal data are created readable by their owner only (0600, issue 12).

Each test runs under umask 022, where an ordinary create would give 0644, so a file made
without an explicit mode is caught.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kenttä.config import Config
from kenttä.services.context import Workspace
from kenttä.store.db import open_store
from kenttä.store.files import open_private, write_private

pytestmark = pytest.mark.skipif(
    sys.platform == "win32", reason="POSIX file modes; on Windows the mode is only read-only"
)


@pytest.fixture(autouse=True)
def _umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def sqlite_files(db: Path) -> list[Path]:
    found = [p for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")) if p.exists()]
    assert len(found) == 3, found  # the WAL and shared memory exist while it is open
    return found


def _supervisor(path: Path, passphrase: str | None = None) -> Workspace:
    store = open_store(path, passphrase=passphrase)
    return Workspace(store, Config(user="testi.esihenkilo", role="supervisor", scope="kuopio"))


@pytest.mark.parametrize("passphrase", [None, "sininen kivi tammi joki"])
def test_the_local_database_and_its_wal_are_private(tmp_path: Path, passphrase) -> None:
    from kenttä.services.clients.core import create_client

    ws = _supervisor(tmp_path / "kentta.db", passphrase)
    create_client(ws, first_name="Testi", last_name="Tila")
    try:
        assert {p.name: mode(p) for p in sqlite_files(tmp_path / "kentta.db")} == {
            "kentta.db": 0o600, "kentta.db-wal": 0o600, "kentta.db-shm": 0o600,
        }  # fmt: skip
    finally:
        ws.close()


def test_a_database_encrypted_in_place_stays_private(tmp_path: Path) -> None:
    from kenttä.store.crypto import encrypt_existing

    ws = _supervisor(tmp_path / "kentta.db")
    ws.close()
    os.chmod(tmp_path / "kentta.db", 0o600)
    encrypt_existing(tmp_path / "kentta.db", "sininen kivi tammi joki")
    assert mode(tmp_path / "kentta.db") == 0o600


def test_the_central_sqlite_store_is_private(tmp_path: Path) -> None:
    from kenttä_sync.central.store import open_sqlite
    from kenttä_sync.transport.server.stores import connect_central

    from kenttä.store.schema import SCHEMA

    for name, opener in (
        ("a.db", lambda p: open_sqlite(str(p), SCHEMA)),
        ("b.db", lambda p: connect_central(f"sqlite:{p}", SCHEMA)),
    ):
        central = opener(tmp_path / name)
        try:
            assert [mode(p) for p in sqlite_files(tmp_path / name)] == [0o600] * 3, name
        finally:
            central.close()


def test_exports_reports_and_subject_access_are_private(tmp_path: Path) -> None:
    from kenttä.cli import main
    from kenttä.services.clients.core import create_client
    from kenttä.services.privacy.subject_access import write_subject_access
    from kenttä.services.reports.formats import write_xlsx

    db = tmp_path / "kentta.db"
    ws = _supervisor(db)
    client = create_client(ws, first_name="Testi", last_name="Tila")
    made = write_subject_access(ws, client.id, tmp_path / "ote")
    ws.close()
    config = tmp_path / "config.toml"
    config.write_text('user = "testi.esihenkilo"\nrole = "supervisor"\n', encoding="utf-8")
    for fmt in ("csv", "jsonl"):
        out = tmp_path / f"clients.{fmt}"
        with pytest.raises(SystemExit) as done:
            main(["--db", str(db), "export", "clients", "--format", fmt, "--out", str(out)])
        assert done.value.code in (0, None)
        assert mode(out) == 0o600
    xlsx = write_xlsx(tmp_path / "r.xlsx", {"S": (["a"], [[1]])})
    assert [mode(p) for p in (*made, xlsx)] == [0o600] * 3


def test_a_leftover_wider_file_is_narrowed_before_it_is_written(tmp_path: Path) -> None:
    part = tmp_path / "bundle.part"
    part.write_bytes(b"old")
    os.chmod(part, 0o644)
    with open_private(part, "wb") as fh:
        fh.write(b"new")
    assert mode(part) == 0o600 and part.read_bytes() == b"new"
    write_private(tmp_path / "reply.bundle", b"x")
    assert mode(tmp_path / "reply.bundle") == 0o600


def test_a_bundle_is_private(tmp_path: Path) -> None:
    from kenttä.services.sync import client as sync_client

    ws = _supervisor(tmp_path / "kentta.db")
    try:
        sync_client._set_states(ws, {"server_url": "http://127.0.0.1:9", "device_secret": "s"})
        sync_client.export_bundle(ws, tmp_path / "out.bundle")
    finally:
        ws.close()
    assert mode(tmp_path / "out.bundle") == 0o600
