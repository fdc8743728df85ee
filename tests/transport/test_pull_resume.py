"""A large pull through a bad link, across runs: real `kenttä sync` processes against a real
`kenttä server run` through tests/transport/netem_proxy.py. A transaction larger than one
response comes in pieces; the link is cut midway and the run ends; the next run fetches
only the pieces still missing and the laptop ends with the office's rows."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pytest
from kenttä_sync.ground.export import canonical_export
from kenttä_sync.transport.server.stores import open_central

from kenttä.store.schema import SCHEMA
from tests.transport.helpers import KENTTA, bulk_clients, canonical, enrol_code, env, kentta
from tests.transport.netem_proxy import NetemProxy, wait_for

pytestmark = pytest.mark.slow
KBIT = 1000 / 8  # bytes per second in one kbit/s
CLIENTS = 1200  # one transaction of 1,200 changes: twelve pieces of 100


def _kept(db: Path) -> int:
    """Changes of a large pull this laptop keeps in pieces (0 if none or not readable yet)."""
    conn = sqlite3.connect(db, timeout=5)
    try:
        rows = conn.execute("SELECT value FROM _sync_state WHERE key LIKE 'pull_piece.%'")
        return sum(len(json.loads(value)) for (value,) in rows)
    except sqlite3.Error:
        return 0
    finally:
        conn.close()


def _clients(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute("SELECT count(*) FROM clients").fetchone()[0])
    finally:
        conn.close()


def _office_rows(store_url: str) -> bytes:
    central = open_central(store_url, SCHEMA)
    try:
        return canonical_export(central.db, SCHEMA, ["kuopio"])
    finally:
        central.close()


def test_a_large_pull_cut_midway_fetches_only_the_missing_pieces_at_the_next_run(
    tmp_path: Path, server: Any
) -> None:
    srv = server(f"sqlite:{tmp_path / 'central.db'}")
    port = int(srv.url.rsplit(":", 1)[1])
    writer, reader = tmp_path / "writer.db", tmp_path / "reader.db"
    bulk_clients(writer, "kuopio", CLIENTS, 0, tx_clients=CLIENTS)  # one transaction
    bulk_clients(reader, "kuopio", 1, 0, tx_clients=1)  # its own row: it pulls the log
    kentta("enroll", srv.url, enrol_code(srv.store_url, ["kuopio"]), db=writer)
    kentta("sync", "--quiet", db=writer)  # the large transaction reaches the office
    with NetemProxy(port, bandwidth=64 * KBIT, latency=0.1, lifetime=600) as proxy:
        kentta("enroll", proxy.url, enrol_code(srv.store_url, ["kuopio"]), db=reader)

        run = subprocess.Popen(
            [KENTTA, "--db", str(reader), "sync", "--quiet", "--batch", "100", "--retries", "0"],
            env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            assert wait_for(lambda: _kept(reader) >= 300, 120), "no piece arrived"
            proxy.cut()  # midway: the run cannot go on (no retries) and ends
            _, stderr = run.communicate(timeout=60)
        finally:
            if run.poll() is None:
                run.kill()
                run.wait(10)
        assert run.returncode == 3, stderr[-2000:]  # unreachable: nothing lost
        kept = _kept(reader)
        assert 300 <= kept < CLIENTS
        assert _clients(reader) == 1  # nothing of the transaction applied yet

        done = kentta("sync", "--json", "--batch", "100", db=reader)
    summary = json.loads(done.stdout)
    assert summary["resumed"] == kept  # went on from the first missing piece
    assert summary["pulled"] == CLIENTS
    assert _kept(reader) == 0
    assert canonical(reader, ["kuopio"]) == _office_rows(srv.store_url)
