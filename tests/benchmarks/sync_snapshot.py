"""The first sync of a fresh laptop by snapshot, through the route: a real `kenttä server run`
(uvicorn) on 127.0.0.1 and the laptop syncing through `kenttä.services.sync.client.sync`
(the code `kenttä sync` runs: `POST /v1/snapshot`, the rows applied in bulk with the FTS
indexes built once, then the log from the snapshot's position), beside a raw bulk insert of
the same rows into an empty store in the same run (executemany in one transaction, FTS
triggers dropped and each index built once): the ratio is the figure that reads on any
machine; the goal is ≤ 30 s at 50,000 clients / 500,000 notes.

Where the time goes is measured on the same run: the office's build (request to the first
byte: read, JSON, gzip, spooled), the transfer, the laptop's apply (decode, inserts,
indexes) and within it the FTS build, and the rest (status, log pull, budget exchange).

`run(quick)` returns rows {benchmark, figure, value, unit, note}; quick: 5,000 clients.
`uv run python -m tests.benchmarks.sync_snapshot [--quick]` runs it alone (its own office,
filled by a real push); bench_sync calls `first_sync_by_snapshot` on its own office.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path
from typing import IO, Any

from tests.transport.helpers import Server, workspace


def _row(figure: str, value: float, unit: str, note: str = "") -> dict[str, Any]:
    return {"benchmark": "sync", "figure": figure, "value": value, "unit": unit, "note": note}


def _load() -> str:
    return f"load {os.getloadavg()[0]:.1f}"


class _Timed:
    """The phases of one snapshot, from wrappers around the client's own functions."""

    def __init__(self) -> None:
        self.sent = self.first_byte = self.downloaded = 0.0
        self.apply = self.fts = 0.0
        self.bytes = 0

    def install(self) -> Any:
        """Wrap the snapshot client's download and apply and the app's FTS hook; returns
        an undo."""
        from kenttä_sync.transport import snapshot_client

        from kenttä.services.sync import client as sync_client
        from kenttä.store import fts

        timed = self
        download, apply = snapshot_client.download, snapshot_client.apply_snapshot
        hook = sync_client.SnapshotHook

        class Spool:
            def __init__(self, inner: IO[bytes]) -> None:
                self.inner = inner

            def write(self, data: bytes) -> int:
                if not timed.first_byte:
                    timed.first_byte = time.perf_counter()
                return self.inner.write(data)

            def __getattr__(self, name: str) -> Any:
                return getattr(self.inner, name)

        def timed_download(transport: Any, replica: Any, out: IO[bytes]) -> int:
            timed.sent = time.perf_counter()
            timed.bytes = download(transport, replica, Spool(out))  # type: ignore[arg-type]
            timed.downloaded = time.perf_counter()
            return timed.bytes

        def timed_apply(*args: Any, **kwargs: Any) -> int:
            started = time.perf_counter()
            try:
                return apply(*args, **kwargs)
            finally:
                timed.apply = time.perf_counter() - started

        class Hook(fts.SnapshotHook):
            def after(self, conn: Any, tables: list[str]) -> None:
                started = time.perf_counter()
                super().after(conn, tables)
                timed.fts = time.perf_counter() - started

        snapshot_client.download = timed_download
        snapshot_client.apply_snapshot = timed_apply
        sync_client.SnapshotHook = Hook  # type: ignore[misc]

        def undo() -> None:
            snapshot_client.download = download
            snapshot_client.apply_snapshot = apply
            sync_client.SnapshotHook = hook  # type: ignore[misc]

        return undo


def raw_bulk_insert(source: Any, target: Path) -> float:
    """The baseline: the same rows (read from the writer's own database) into an empty
    store in one transaction, FTS triggers dropped and each index built once; seconds."""
    from kenttä.store import fts
    from kenttä.store.schema import SCHEMA

    raw_ws = workspace(target, scope="kuopio")
    try:
        started = time.perf_counter()
        conn = raw_ws.store.conn
        conn.execute("BEGIN IMMEDIATE")
        names = list(fts.FTS_TABLES)
        fts.drop_triggers(conn, names)
        for spec in SCHEMA.tables:
            cols = ["id", *spec.columns, "_stamp", "_clock", "_deleted", "_erased"]
            data = source.execute(f"SELECT {', '.join(cols)} FROM {spec.name}").fetchall()
            marks = ", ".join("?" * len(cols))
            conn.executemany(f"INSERT INTO {spec.name} ({', '.join(cols)}) VALUES ({marks})", data)
        fts.create_triggers(conn, names)
        fts.rebuild(conn, names)
        conn.execute("COMMIT")
        return time.perf_counter() - started
    finally:
        raw_ws.close()


def first_sync_by_snapshot(
    tmp: Path, store_url: str, server_url: str, writer: Any, size: str
) -> list[dict[str, Any]]:
    """A fresh laptop enrolled on the office at `server_url` syncs (`kenttä sync`'s code):
    the snapshot of its scope over HTTP, then the log; beside the raw bulk insert."""
    from tests.benchmarks.bench_sync import _device, _sync

    fresh = _device(tmp / "fresh.db", store_url, server_url, "kuopio")
    timed = _Timed()
    undo = timed.install()
    load_before = _load()
    try:
        started = time.perf_counter()
        summary = _sync(fresh)
        total = time.perf_counter() - started
    finally:
        undo()
    load_after = _load()
    raw_s = raw_bulk_insert(writer.store.conn, tmp / "raw.db")
    found = fresh.store.conn.execute(
        "SELECT count(*) FROM notes_fts WHERE notes_fts MATCH 'tavoite'"
    ).fetchone()[0]
    fresh.close()
    build = timed.first_byte - timed.sent
    transfer = timed.downloaded - timed.first_byte
    rest = total - (timed.downloaded - timed.sent) - timed.apply
    return [
        _row(f"first sync by snapshot through the route ({size})", round(total, 1), "s",
             f"{summary.snapshot_rows} rows, {timed.bytes / 1e6:.1f} MB gzip; then "
             f"{summary.pulled} changes by the log; goal ≤ 30 s at 50k; {load_before} → {load_after}"),
        _row("  office: build to first byte (read, JSON, gzip, spool)", round(build, 1), "s", ""),
        _row("  transfer (loopback)", round(transfer, 1), "s", ""),
        _row("  laptop: apply (decode, inserts, indexes, FTS)", round(timed.apply, 1), "s",
             f"of which FTS build {timed.fts:.1f} s"),
        _row("  rest (status, log pull, budget exchange)", round(rest, 1), "s", ""),
        _row("raw bulk insert of the same rows (FTS built once)", round(raw_s, 1), "s",
             f"baseline, same run; {_load()}"),
        _row("snapshot / raw bulk insert", round(total / raw_s, 2), "×",
             f"FTS finds 'tavoite' in {found} notes"),
    ]  # fmt: skip


def run(quick: bool) -> list[dict[str, Any]]:
    from tests.benchmarks.bench_sync import _device, _fill, _sync

    clients = 5_000 if quick else 50_000
    size = f"{clients} clients, {clients * 10} notes"
    with tempfile.TemporaryDirectory(prefix="kentta-bench-snapshot-") as name:
        tmp = Path(name)
        store_url = f"sqlite:{tmp / 'central.db'}"
        srv = Server(store_url, log=tmp / "server.log").start()
        try:
            writer = _device(tmp / "writer.db", store_url, srv.url, "kuopio")
            _fill(writer, "kuopio", clients, 10)
            _sync(writer)  # the office holds the scope (not measured here)
            rows = first_sync_by_snapshot(tmp, store_url, srv.url, writer, size)
            writer.close()
        finally:
            srv.stop()
    return rows


if __name__ == "__main__":
    for row in run("--quick" in sys.argv):
        print(row)
