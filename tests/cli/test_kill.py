"""kill -9 in the middle of an import or a seed leaves no half-written state."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kenttä.services.data.seed import seeded_henkilotunnus
from kenttä.store import fts
from kenttä.store.db import open_store
from tests.platforms import posix_only

KENTTA = str(Path(sys.executable).with_name("kenttä"))

pytestmark = posix_only("kills the child with SIGKILL")


def start(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [KENTTA, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=os.environ
    )


def kill_after(proc: subprocess.Popen[bytes], seconds: float) -> None:
    time.sleep(seconds)
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)


def consistent(db: Path) -> dict[str, int]:
    """Reopen (as the next start would) and check rows, change log and FTS agree."""
    store = open_store(db)
    conn = store.conn
    counts = {}
    for table in ("clients", "notes", "audit_events"):
        rows = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        logged = conn.execute(
            "SELECT count(*) FROM _changes WHERE tbl = ? AND op = 'insert'", (table,)
        ).fetchone()[0]
        assert rows == logged, table
        counts[table] = rows
    seqs = conn.execute("SELECT count(*), max(device_seq) FROM _changes").fetchone()
    assert seqs[0] == (seqs[1] or 0)  # no gaps in the device sequence
    assert fts.missing_triggers(conn) == []
    for table in fts.FTS_TABLES:
        conn.execute(f"INSERT INTO {table} ({table}) VALUES ('integrity-check')")
    store.close()
    return counts


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.5, 1.5, 3.0])
def test_kill_during_import(tmp_path: Path, delay: float) -> None:
    rows = 6000
    lines = ["hetu;etunimi;sukunimi;kunta"]
    lines += [f"{seeded_henkilotunnus(i)[0]};Aino;Mäkelä;Kuopio" for i in range(rows)]
    csv = tmp_path / "big.csv"
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = tmp_path / "k.db"
    open_store(db).close()
    kill_after(start("--db", str(db), "import", "clients", str(csv)), delay)
    counts = consistent(db)
    assert counts["clients"] in (0, rows)  # one transaction: all or nothing
    assert counts["audit_events"] == counts["clients"]


@pytest.mark.slow
@pytest.mark.parametrize("delay", [1.0, 2.5])
def test_kill_during_seed(tmp_path: Path, delay: float) -> None:
    db = tmp_path / "s.db"
    open_store(db).close()
    proc = start("--db", str(db), "seed", "--clients", "20000", "--notes-per-client", "5")
    kill_after(proc, delay)
    counts = consistent(db)
    # whole batches only, each client with all its notes
    assert counts["notes"] == counts["clients"] * 5
    store = open_store(db)
    searchable = store.conn.execute(
        "SELECT count(*) FROM notes_fts WHERE notes_fts MATCH 'asiakas OR tapaaminen OR tavattiin'"
    ).fetchone()[0]
    assert (searchable > 0) == (counts["notes"] > 0)
    store.close()
