"""Acceptance (issue 12): after an erasure and two syncs, no byte of any replica holds the person.

A real `kenttä server run` on each central store and four laptops synced in process over
HTTP (and one by USB bundles only): an encrypted coach's laptop that wrote the client and a
note, a plain supervisor's laptop that erases, a plain laptop that only receives over HTTP
and a plain one that only receives by bundles. The supervisor erases the client; everyone
syncs twice; then every byte of every file under the test's folder (laptop databases with
their -wal/-shm, bundles, the central SQLite file with its -wal/-shm, the server log) is
searched for the first name, the surname, the henkilötunnus and the note's distinctive word
(as typed, lower-cased as the full-text index keeps them, and in UTF-16), while the server
runs and after it stops. The encrypted laptop is also opened with its passphrase and every
table (the FTS shadow tables included) read back. On PostgreSQL the central relation files
(heap, index, TOAST) are read through `pg_read_binary_file` after a CHECKPOINT.

Before the erasure the same scans must find the person (the controls), so a scan that
cannot see anything cannot pass.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kenttä.domain.identifiers import expected_check_character

pytestmark = pytest.mark.slow

# Synthetic tokens no other test data uses (individual number 9xx: never a real person).
FIRST = "Zorbuliina"
LAST = "Kvaxholmberg"
_BASE = "280291-937"
HETU = _BASE + expected_check_character(_BASE + "?")
NOTE_WORD = "plimpsukkamaa"
NOTE = f"Tapaaminen sujui, {NOTE_WORD} mainittiin tavoitteena."
PASS = "sininen kivi tammi joki"
SCOPE = "kuopio"


def needles() -> dict[str, list[bytes]]:
    out: dict[str, list[bytes]] = {}
    for text in (FIRST, LAST, HETU, NOTE_WORD):
        forms = {text, text.lower(), text.upper()}
        out[text] = [f.encode(enc) for f in forms for enc in ("utf-8", "utf-16-le", "utf-16-be")]
    return out


def found_in(data: bytes) -> list[str]:
    return [name for name, forms in needles().items() if any(f in data for f in forms)]


def file_bytes(db: Path) -> bytes:
    """A database file and its -wal, -shm and -journal, where they exist, end to end."""
    paths = [Path(f"{db}{end}") for end in ("", "-wal", "-shm", "-journal")]
    return b"".join(p.read_bytes() for p in paths if p.exists())


def scan_files(root: Path) -> dict[str, list[str]]:
    """{file: tokens found} over every regular file under root."""
    hits = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and (found := found_in(path.read_bytes())):
            hits[str(path.relative_to(root))] = found
    return hits


def table_bytes(conn: Any) -> dict[str, list[str]]:
    """{table: tokens found} reading every table of an open SQLite/SQLCipher database."""
    names = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE '%VIRTUAL%'"
        ).fetchall()
    ]
    hits = {}
    for name in names:
        blob = b"".join(
            v if isinstance(v, bytes) else str(v).encode("utf-8")
            for row in conn.execute(f'SELECT * FROM "{name}"').fetchall()
            for v in row
            if v is not None
        )
        if found := found_in(blob):
            hits[name] = found
    return hits


# -- the office -------------------------------------------------------------------------------
def _central(store_url: str) -> Any:
    from kenttä_sync.transport.server.stores import open_central

    from kenttä.store.schema import SCHEMA

    return open_central(store_url, SCHEMA)


def _code(store_url: str, role: str) -> str:
    from kenttä_sync.transport.server import enrolment

    central = _central(store_url)
    try:
        return enrolment.new_code(central, [SCOPE], role)
    finally:
        central.close()


def postgres_files(conninfo: str, dbname: str) -> dict[str, list[str]]:
    """{relation file: tokens found} for every relation of `dbname`, read by the server."""
    import psycopg

    target = f"{conninfo.rsplit('dbname=', 1)[0]}dbname={dbname}"
    hits = {}
    with psycopg.connect(target, autocommit=True) as conn:
        conn.execute("CHECKPOINT")  # the pages on disk are the current ones
        paths = conn.execute(
            "SELECT pg_relation_filepath(oid) FROM pg_class"
            " WHERE relkind IN ('r', 'i', 't', 'm') AND pg_relation_filepath(oid) IS NOT NULL"
        ).fetchall()
        for (path,) in paths:
            data = conn.execute("SELECT pg_read_binary_file(%s::text)", (path,)).fetchone()[0]
            if data and (found := found_in(bytes(data))):
                hits[path] = found
    assert len(paths) > 20  # the schema's tables, their indexes and TOAST tables were read
    return hits


# -- the laptops ------------------------------------------------------------------------------
class Laptop:
    def __init__(self, folder: Path, name: str, role: str, passphrase: str | None = None):
        from kenttä.config import Config
        from kenttä.services.context import Workspace
        from kenttä.store.db import open_store

        self.path = folder / f"{name}.db"
        self.passphrase = passphrase
        store = open_store(self.path, passphrase=passphrase)
        self.ws = Workspace(store, Config(user=f"testi.{name}", role=role, scope=SCOPE))

    def enrol(self, url: str, code: str) -> None:
        from kenttä.services.sync import client as sync_client

        sync_client.enroll(self.ws, url, code)

    def sync(self) -> None:
        from kenttä.services.sync import client as sync_client

        sync_client.sync(self.ws)

    def bundle_sync(self, store_url: str, folder: Path, n: int) -> None:
        """Export a bundle, let the office import it and answer, import the reply."""
        from kenttä_sync.transport import bundle

        from kenttä.services.sync import client as sync_client

        folder.mkdir(exist_ok=True)
        out, reply = folder / f"to-office-{n}.bundle", folder / f"reply-{n}.bundle"
        sync_client.export_bundle(self.ws, out)
        central = _central(store_url)
        try:
            result = bundle.import_bundle(central, out.read_bytes(), reply=True)
        finally:
            central.close()
        assert result.reply is not None
        reply.write_bytes(result.reply)
        sync_client.import_reply(self.ws, reply)

    def close(self) -> None:
        self.ws.close()


def _bundle_payloads(laptop: Laptop, folder: Path) -> dict[str, list[str]]:
    """{bundle: tokens found} in the decrypted payload of every bundle in `folder`."""
    from kenttä_sync.transport.bundle import unpack

    from kenttä.services.sync.client import _bundle_key

    key = _bundle_key(laptop.ws)
    hits = {}
    for path in sorted(folder.glob("*.bundle")):
        _, payload = unpack(path.read_bytes(), key)
        if found := found_in(payload):
            hits[path.name] = found
    return hits


def _create_person(laptop: Laptop) -> str:
    from kenttä.services.clients.core import create_client
    from kenttä.services.clients.notes import add_note

    client = create_client(laptop.ws, first_name=FIRST, last_name=LAST, henkilotunnus=HETU)
    add_note(laptop.ws, client.id, NOTE)
    return client.id


def test_erasure_leaves_no_byte_anywhere(tmp_path: Path, store_url: str, server) -> None:
    from tests.transport.helpers import kentta

    kentta("server", "init", "--store", store_url)
    srv = server(store_url)  # its log goes to tmp_path, and is scanned too
    coach = Laptop(tmp_path, "coach", "coach", passphrase=PASS)
    boss = Laptop(tmp_path, "boss", "supervisor")
    peer = Laptop(tmp_path, "peer", "coach")
    usb = Laptop(tmp_path, "usb", "coach")
    laptops, closed = (coach, boss, peer, usb), False
    try:
        for laptop, role in zip(laptops, ("coach", "supervisor", "coach", "coach"), strict=True):
            laptop.enrol(srv.url, _code(store_url, role))
        client_id = _create_person(coach)
        coach.sync()
        for laptop in (boss, peer):
            laptop.sync()
        usb.bundle_sync(store_url, tmp_path / "before", 0)

        # the controls: the person is in the receiving laptops' files and indexes
        assert set(found_in(file_bytes(peer.path))) == {FIRST, LAST, HETU, NOTE_WORD}
        assert {"clients_fts_data", "notes_fts_data"} <= set(table_bytes(usb.ws.store.conn))
        assert "clients_fts_data" in table_bytes(coach.ws.store.conn)
        assert _bundle_payloads(usb, tmp_path / "before")
        if store_url.startswith("sqlite:"):
            assert found_in(file_bytes(Path(store_url.removeprefix("sqlite:"))))
        else:
            assert postgres_files(*_pg_target(store_url))

        from kenttä.services.privacy import erasure

        assert erasure.erase_client(boss.ws, client_id)
        for n in (1, 2):  # everyone syncs twice, the eraser first
            boss.sync()
            coach.sync()
            peer.sync()
            usb.bundle_sync(store_url, tmp_path / "after", n)

        for laptop in laptops:  # every table read back, the FTS shadow tables included
            assert table_bytes(laptop.ws.store.conn) == {}, laptop.path.name
        assert _bundle_payloads(usb, tmp_path / "after") == {}
        for laptop in laptops:
            laptop.close()
        closed = True
        assert scan_files(tmp_path) == {}  # laptops, bundles, central store, log: server up
        if not store_url.startswith("sqlite:"):
            conninfo, dbname = _pg_target(store_url)
            assert postgres_files(conninfo, dbname) == {}
        srv.stop()
        assert scan_files(tmp_path) == {}  # and after it stopped
        with _open_encrypted(coach.path) as conn:
            assert table_bytes(conn) == {}
    finally:
        if not closed:
            for laptop in laptops:
                laptop.close()


def _pg_target(store_url: str) -> tuple[str, str]:
    """(superuser conninfo for the cluster, database name) of a `tests.pg.pg_url` URL."""
    from urllib.parse import parse_qs, urlparse

    url = urlparse(store_url)
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    conninfo = f"host={query['host']} port={query['port']} user={url.username} dbname=postgres"
    return conninfo, url.path.lstrip("/")


class _open_encrypted:
    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> Any:
        from kenttä.store.crypto import connect_encrypted

        self.conn = connect_encrypted(self.path, PASS)
        return self.conn

    def __exit__(self, *exc: object) -> None:
        self.conn.close()


def test_the_scan_sees_a_token_split_across_forms() -> None:
    """The scanner itself: each form it promises to find is found (a scan that cannot see
    anything would pass every file)."""
    for text in (FIRST, LAST, HETU, NOTE_WORD):
        assert found_in(b"xx" + text.lower().encode() + b"yy") == [text]
        assert found_in(text.encode("utf-16-le")) == [text]
    assert found_in(json.dumps({"a": 1}).encode()) == []
