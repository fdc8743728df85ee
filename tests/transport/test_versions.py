"""Versions: a laptop whose schema the server cannot take is told which version it needs,
through the real `kenttä` CLI, and loses nothing."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from kenttä_sync.ground.schema import SyncSchema
from kenttä_sync.transport.server import create_app

from tests.transport.helpers import HOST, english, free_port, kentta, workspace


@contextmanager
def served(store_url: str, schema: SyncSchema, port: int) -> Iterator[str]:
    """The app in a uvicorn thread of this process on 127.0.0.1."""
    server = uvicorn.Server(
        uvicorn.Config(create_app(store_url, schema), host=HOST, port=port, log_level="error")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield f"http://{HOST}:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


def test_a_newer_office_names_the_version_it_needs(tmp_path: Path) -> None:
    from kenttä_sync.transport.server import enrolment
    from kenttä_sync.transport.server.stores import open_central

    from kenttä.store.schema import SCHEMA

    store_url = f"sqlite:{tmp_path / 'central.db'}"
    central = open_central(store_url, SCHEMA)
    codes = [enrolment.new_code(central, ["kuopio"], "coach") for _ in range(2)]
    central.close()
    db, port = tmp_path / "a.db", free_port()
    with served(store_url, SCHEMA, port) as url:
        kentta("enroll", url, codes[0], db=db)
    ws = workspace(db)
    try:
        from kenttä.services.clients.core import create_client

        create_client(ws, first_name="Testi", last_name="Versio")
    finally:
        ws.close()
    newer = SCHEMA.model_copy(update={"version": SCHEMA.version + 1})
    with served(store_url, newer, port) as url:
        english()  # the server's own reason is said in English only (fi/sv: without it)
        done = kentta("sync", db=db, check=False)
        assert done.returncode == 1
        wanted = f"needs schema {SCHEMA.name} version {SCHEMA.version + 1}"
        assert done.stderr.startswith("kenttä: version mismatch: ") and wanted in done.stderr
        assert "nothing was lost" in done.stderr
        other = kentta("enroll", url, codes[1], db=tmp_path / "b.db", check=False)
        assert (
            other.returncode == 1
            and f"schema {SCHEMA.name} version {SCHEMA.version + 1}" in other.stderr
        )
    status = json.loads(kentta("sync", "status", "--json", db=db).stdout)
    assert wanted in status["last_error"]
    with served(store_url, SCHEMA, port) as url:  # the office goes back: everything is still there
        synced = json.loads(kentta("sync", "--json", db=db).stdout)
        assert synced["pushed"] > 0 and synced["refused"] == 0
