"""Acceptance: after erasure and sync, no replica's files or bundles hold the canary.

Two devices (one encrypted, one plain) and a central store in an SQLite file, synced in
process with the sync module's protocol; bundles are decrypted and their payload scanned.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from kenttä_sync.device.replica import Transaction

from kenttä.config import Config
from kenttä.services.context import Workspace
from kenttä.services.privacy import erasure
from kenttä.store.db import open_store
from kenttä.store.schema import SCHEMA
from tests.privacy import canary
from tests.privacy.conftest import add_canary

pytestmark = pytest.mark.skipif(
    not hasattr(Transaction, "erase"), reason="kenttä_sync has no Transaction.erase yet"
)
PASS = "oikea hevonen patteri niitti"


def _payload_leaks(ws: Workspace, key: bytes) -> list[str]:
    from kenttä_sync.transport.bundle import export_bundle, unpack

    _, data = export_bundle(ws.store.replica, key)
    assert canary.HETU.encode() not in data  # ciphertext, whatever it holds
    _, payload = unpack(data, key)
    return canary.text_leaks(payload.decode("utf-8"))


def _dump(conn) -> str:  # type: ignore[no-untyped-def]
    tables = [t.name for t in SCHEMA.tables] + ["_changes"]
    return "\n".join(repr(conn.execute(f"SELECT * FROM {t}").fetchall()) for t in tables)


def test_erasure_reaches_every_replica_file_and_bundle(tmp_path: Path) -> None:
    from kenttä_sync.central.store import open_sqlite
    from kenttä_sync.transport.protocol import in_process, sync

    central = open_sqlite(str(tmp_path / "central.db"), SCHEMA)
    config = Config(user="testi.esihenkilo", role="supervisor", scope="kuopio")
    a = Workspace(open_store(tmp_path / "a.db", passphrase=PASS), config)
    b = Workspace(open_store(tmp_path / "b.db"), config)
    for ws in (a, b):
        central.register_device(ws.device_id, ["kuopio"])
    send = in_process(central)
    key = os.urandom(32)

    client_id = add_canary(a)
    assert _payload_leaks(a, key)  # the control: a bundle made now carries the person
    for ws in (a, b, a):
        sync(ws.store.replica, send)
    assert canary.text_leaks(_dump(b.store.conn))  # the control: b received the person
    assert canary.leaks(canary.files_of(tmp_path / "b.db"))
    assert canary.leaks(canary.files_of(tmp_path / "a.db")) == []  # encrypted
    with b.store.replica.transaction(b.user) as tx:  # b writes about them before the erasure
        tx.update("clients", client_id, {"phone": "0409999999"})

    assert erasure.erase_client(a, client_id)
    b.store.conn.execute(
        "INSERT INTO drafts (key, body, saved_at) VALUES (?, ?, '2026-01-01')",
        (f"note:{client_id}", canary.NOTE),
    )
    sync(a.store.replica, send)
    with erasure.compact_after_erasures(b) as erased_on_b:  # as the sync client should
        sync(b.store.replica, send)
    assert ("clients", client_id) in erased_on_b
    for ws in (a, b):
        sync(ws.store.replica, send)

    for ws in (a, b):
        assert canary.text_leaks(_dump(ws.store.conn)) == []
        assert _payload_leaks(ws, key) == []
    assert canary.text_leaks(_dump(central.db.conn)) == []  # type: ignore[attr-defined]
    for ws in (a, b):
        ws.close()
    assert canary.leaks(canary.files_of(tmp_path / "a.db")) == []
    assert canary.leaks(canary.files_of(tmp_path / "b.db")) == []
    central.close()


def test_central_store_file_bytes_after_erasure(tmp_path: Path) -> None:
    """The central store's SQLite file must not keep the canary in freed pages either."""
    from kenttä_sync.central.store import open_sqlite
    from kenttä_sync.transport.protocol import in_process, sync

    central = open_sqlite(str(tmp_path / "central.db"), SCHEMA)
    a = Workspace(
        open_store(tmp_path / "a.db"),
        Config(user="testi.esihenkilo", role="supervisor", scope="kuopio"),
    )
    central.register_device(a.device_id, ["kuopio"])
    send = in_process(central)
    client_id = add_canary(a)
    sync(a.store.replica, send)
    assert canary.leaks(canary.files_of(tmp_path / "central.db"))  # the control
    erasure.erase_client(a, client_id)
    sync(a.store.replica, send)
    a.close()
    central.close()
    assert canary.leaks(canary.files_of(tmp_path / "central.db")) == []
