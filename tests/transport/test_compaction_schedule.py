"""Central log compaction runs without anyone remembering it: a running `kenttä server run`
compacts every `--compact-every` hours in the background, and `kenttä server compact` runs
it once for a supervisor's timer, each with a one-line summary of what went."""

from __future__ import annotations

import subprocess
import threading
import time
from pathlib import Path

import pytest
from kenttä_sync.transport.protocol import in_process, sync
from kenttä_sync.transport.server.compactor import Compactor
from kenttä_sync.transport.server.stores import open_central

from kenttä.store.schema import SCHEMA
from tests.transport.helpers import HOST, KENTTA, english, env, free_port, kentta, workspace

UPDATES = 4


def _history(tmp_path: Path) -> str:
    """An office store where one laptop's four edits of a client have been seen by every
    enrolled device (so compaction drops them); returns its URL."""
    url = f"sqlite:{tmp_path / 'central.db'}"
    central = open_central(url, SCHEMA)
    ws = workspace(tmp_path / "laptop.db")
    try:
        replica = ws.store.replica
        central.register_device(replica.device_id, ["kuopio"])
        with replica.transaction("u") as tx:
            row = tx.insert("clients", {"first_name": "Testi", "last_name": "Asiakas",
                                        "scope": "kuopio", "status": "met", "language": "fi",
                                        "consent": True, "municipality": "297",
                                        "owner": "testi.valmentaja"})  # fmt: skip
        for i in range(UPDATES):
            with replica.transaction("u") as tx:
                tx.update("clients", row, {"phone": f"040 000000{i}"})
        for _ in range(2):  # the second pull reports the cursor: the device's horizon
            sync(replica, in_process(central))
        assert _log(central) == UPDATES
    finally:
        ws.close()
        central.close()
    return url


def _log(central) -> int:  # type: ignore[no-untyped-def]
    return central.db.execute("SELECT count(*) FROM _changes")[0][0]


def test_server_compact_drops_what_every_device_has_seen_and_says_so(tmp_path: Path) -> None:
    url = _history(tmp_path)
    english()  # the figures read in English (Finnish and Swedish: tests/cli/test_cli_walk.py)
    done = kentta("server", "compact", "--store", url)
    assert done.stdout.strip().startswith(
        f"compacted the central log: dropped {UPDATES} entries, 0 kept"
    )
    central = open_central(url, SCHEMA)
    try:
        assert _log(central) == 0
    finally:
        central.close()
    again = kentta("server", "compact", "--store", url)  # nothing more to drop
    assert "dropped 0 entries, 0 kept" in again.stdout


def test_server_compact_on_a_missing_store_refuses_in_one_line(tmp_path: Path) -> None:
    done = kentta("server", "compact", "--store", "nosuch:store", check=False)
    assert done.returncode != 0
    assert len(done.stderr.strip().splitlines()) == 1


def test_the_compactor_runs_on_schedule_and_a_failed_run_does_not_stop_it(
    tmp_path: Path,
) -> None:
    url = _history(tmp_path)
    lines: list[str] = []
    ran = threading.Event()

    def report(line: str) -> None:
        lines.append(line)
        if len(lines) >= 2:
            ran.set()

    compactor = Compactor(url, SCHEMA, every=0.05, report=report).start()
    try:
        assert ran.wait(60)
    finally:
        compactor.stop(timeout=30)
    assert lines[0].startswith(f"compacted the central log: dropped {UPDATES} entries, 0 kept")
    assert lines[1].startswith("compacted the central log: dropped 0 entries, 0 kept")
    runs = compactor.runs
    time.sleep(0.2)
    assert compactor.runs == runs  # stopped: no run after stop()

    broken: list[str] = []
    failed = threading.Event()

    def note(line: str) -> None:
        broken.append(line)
        if len(broken) >= 2:
            failed.set()

    where = tmp_path / "no" / "such" / "dir" / "central.db"
    compactor = Compactor(f"sqlite:{where}", SCHEMA, every=0.05, report=note).start()
    try:
        assert failed.wait(60)  # it failed, and ran again
    finally:
        compactor.stop(timeout=30)
    assert broken[0].startswith("log compaction failed (")
    assert str(where.parent) not in broken[0]


def test_a_running_server_compacts_on_its_own(tmp_path: Path) -> None:
    url = _history(tmp_path)
    english()  # the figures read in English
    log = tmp_path / "server.log"
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [KENTTA, "server", "run", "--store", url, "--host", HOST, "--port",
             str(free_port()), "--compact-every", "0.0003"],  # about a second
            env=env(), stdout=out, stderr=out,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        while "compacted the central log" not in log.read_text() and time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"the server exited {proc.returncode}: {log.read_text()[-500:]}")
            time.sleep(0.2)
    finally:
        proc.terminate()
        proc.wait(15)
    assert f"compacted the central log: dropped {UPDATES} entries, 0 kept" in log.read_text()
    central = open_central(url, SCHEMA)
    try:
        assert _log(central) == 0
    finally:
        central.close()
