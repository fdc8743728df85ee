"""Sync over loopback HTTP: a real `kenttä server run` (uvicorn) on 127.0.0.1 and devices
syncing through `kenttä.services.sync.client` (the code `kenttä sync` runs).

* initial sync: a device pushes a scope of N clients with 10 notes each (note bodies: 12–40
  random words from a Finnish vocabulary, so they compress like text); a fresh device then
  pulls the whole scope (seconds, bytes on the wire, bytes per change);
* first sync by snapshot of a fresh device beside a raw bulk insert of the same rows (FTS
  indexes built once in both; the ratio);
* incremental sync of 100 changes: the writer's push and the reader's pull (ms, median),
  beside a bare HTTP round trip to the same server;
* the bad link (256 kbit/s, 300 ms, cuts every 3–10 s; tests/transport/netem_proxy.py): a
  4,000-client import in one transaction, time beside its bytes at the line's rate
  (tests/benchmarks/sync_badlink.py, runnable alone);
* 50 devices syncing at once (10 devices in each of 5 scopes, every device with its own
  changes) against an SQLite and a PostgreSQL store (changes moved per second, p95 request
  latency). The 50 clients are threads of this process, so they share its GIL; the server
  is one uvicorn process; both on the same 2-core machine.

`run(quick)` returns rows {benchmark, figure, value, unit, note}; quick divides the sizes
by 10. `python -m tests.benchmarks.bench_sync [--quick]` prints them.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from tests.benchmarks.sync_badlink import bad_link  # the bad-link scenario (its own module)
from tests.benchmarks.sync_snapshot import first_sync_by_snapshot as snapshot_first_sync
from tests.transport.helpers import Server, workspace


def _row(figure: str, value: float, unit: str, note: str = "") -> dict[str, Any]:
    return {"benchmark": "sync", "figure": figure, "value": value, "unit": unit, "note": note}


def _code(store_url: str, scopes: list[str]) -> str:
    from kenttä_sync.transport.server import enrolment
    from kenttä_sync.transport.server.stores import open_central

    from kenttä.store.schema import SCHEMA

    central = open_central(store_url, SCHEMA)
    try:
        return enrolment.new_code(central, scopes, "coach")
    finally:
        central.close()


def _device(path: Path, store_url: str, server_url: str, scope: str) -> Any:
    from kenttä.services.sync import client as sync_client

    ws = workspace(path, scope=scope)
    sync_client.enroll(ws, server_url, _code(store_url, [scope]))
    return ws


_VOCABULARY = (
    "asiakas tapaaminen työkokeilu palkkatuki oppisopimus valmennus suunnitelma kuntoutus "
    "terveys opiskelu koulutus työpaikka haastattelu hakemus ansioluettelo yritys työnantaja "
    "keskustelu sovittiin seuraava viikko kuukausi puhelin sähköposti lomake tuki kela "
    "toimeentulo asunto velka motivaatio tavoite vahvuus este kurssi ryhmä ohjaus kartoitus "
    "jatkopolku palveluseteli palveluntuottaja harjoittelu kesä syksy kevät aamu iltapäivä "
    "hyvin huonosti innostunut väsynyt kiinnostunut ei kyllä ehkä myöhemmin pian heti "
    "lähetetään soitetaan tarkistetaan varataan muistutetaan pyydetään selvitetään"
)
# Stems in the forms a note uses them (cases, plurals, possessives), plus numbers and
# dates: a vocabulary of a few thousand distinct words, so gzip is not flattered.
_FORMS = ("", "n", "a", "ssa", "sta", "lla", "lle", "ksi", "t", "en", "ihin", "nsa", "mme")
WORDS = tuple(
    [w + f for w in _VOCABULARY.split() for f in _FORMS]
    + [str(n) for n in range(1, 200)]
    + [f"{d}.{m}." for d in range(1, 29) for m in range(1, 13)]
)


def _fill(ws: Any, scope: str, clients: int, notes_per_client: int, tx_clients: int = 1000) -> int:
    import random

    from kenttä_sync.ground.ids import uuid7

    rng = random.Random(clients)
    written = 0
    for start in range(0, clients, tx_clients):
        with ws.store.replica.transaction("bench") as tx:
            rows, notes = [], []
            for i in range(start, min(clients, start + tx_clients)):
                cid = uuid7()
                rows.append({"id": cid, "first_name": f"Testi{i}", "last_name": "Asiakas",
                             "scope": scope, "status": "met", "language": "fi", "consent": True,
                             "municipality": "297", "owner": "maija.koskinen"})  # fmt: skip
                notes += [
                    {"id": uuid7(), "client_id": cid, "author": "maija.koskinen",
                     "kind": "meeting", "scope": scope, "written_at": "2026-01-05T10:00:00+00:00",
                     "body": " ".join(rng.choices(WORDS, k=rng.randint(12, 40))).capitalize()}
                    for j in range(notes_per_client)
                ]  # fmt: skip
            written += tx.bulk_insert("clients", rows) + tx.bulk_insert("notes", notes)
    return written


def _sync(ws: Any, timings: list[float] | None = None) -> Any:
    from kenttä_sync.transport.client import HttpTransport

    from kenttä.services.sync import client as sync_client

    class Timed(HttpTransport):
        def send(self, data: bytes) -> bytes:
            started = time.perf_counter()
            try:
                return super().send(data)
            finally:
                if timings is not None:
                    timings.append(time.perf_counter() - started)

    return sync_client.sync(ws, transport=Timed)


def initial_and_incremental(tmp: Path, clients: int) -> list[dict[str, Any]]:
    store_url = f"sqlite:{tmp / 'central.db'}"
    srv = Server(store_url, log=tmp / "server.log").start()
    rows: list[dict[str, Any]] = []
    try:
        writer = _device(tmp / "writer.db", store_url, srv.url, "kuopio")
        made = _fill(writer, "kuopio", clients, 10)
        started = time.perf_counter()
        pushed = _sync(writer)
        push_s = time.perf_counter() - started
        size = f"{clients} clients, {clients * 10} notes"
        rows.append(_row(f"initial push ({size})", round(push_s, 1), "s",
                         f"{made} changes, {made / push_s:,.0f} changes/s"))  # fmt: skip
        rows.append(_row("initial push: bytes sent", pushed.bytes_sent, "bytes",
                         f"{pushed.bytes_sent / made:.1f} bytes/change (gzip bodies; headers not counted)"))  # fmt: skip
        reader = _device(tmp / "reader.db", store_url, srv.url, "kuopio")
        started = time.perf_counter()
        pulled = _sync(reader)
        pull_s = time.perf_counter() - started
        rows.append(_row(f"initial sync of a fresh device ({size})", round(pull_s, 1), "s",
                         f"{pulled.pulled} changes, {pulled.pulled / pull_s:,.0f} changes/s"))  # fmt: skip
        rows.append(_row("initial sync: bytes received", pulled.bytes_received, "bytes",
                         f"{pulled.bytes_received / max(pulled.pulled, 1):.1f} bytes/change "
                         f"(gzip bodies; headers not counted); {pulled.bytes_sent} bytes sent"))  # fmt: skip
        rows += snapshot_first_sync(tmp, store_url, srv.url, writer, size)
        push_ms, pull_ms = [], []
        ids = [r[0] for r in writer.store.conn.execute("SELECT id FROM clients LIMIT 50")]
        for round_ in range(7):
            with writer.store.replica.transaction("bench") as tx:
                for n, cid in enumerate(ids):
                    tx.update("clients", cid, {"phone": f"040 {round_:02d}{n:05d}"})
            _fill(writer, "kuopio", 10, 4)  # 50 more changes
            started = time.perf_counter()
            summary = _sync(writer)
            push_ms.append((time.perf_counter() - started) * 1000)
            assert summary.pushed == 100
            started = time.perf_counter()
            summary = _sync(reader)
            pull_ms.append((time.perf_counter() - started) * 1000)
            assert summary.pulled == 100
        rows.append(_row("incremental sync of 100 changes: writer", round(statistics.median(push_ms), 1),
                         "ms", "median of 7; push 100 + empty pull, status request included"))  # fmt: skip
        rows.append(_row("incremental sync of 100 changes: reader", round(statistics.median(pull_ms), 1),
                         "ms", "median of 7; pull 100"))  # fmt: skip
        bare = bare_round_trip(srv.url)
        rows.append(_row("bare HTTP round trip to the same server", round(bare, 1), "ms",
                         "median of 7 (baseline, same run)"))  # fmt: skip
        rows.append(_row("incremental sync / bare round trip: writer, reader",
                         round(statistics.median(push_ms) / bare, 1), "×",
                         f"reader {statistics.median(pull_ms) / bare:.1f}×"))  # fmt: skip
        writer.close()
        reader.close()
    finally:
        srv.stop()
    return rows


def bare_round_trip(server_url: str) -> float:
    """Median ms of a bare HTTP request to the server (the incremental syncs' baseline)."""
    import httpx

    times = []
    with httpx.Client() as http:
        for _ in range(7):
            started = time.perf_counter()
            http.get(f"{server_url}/v1/openapi-missing")
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def many_devices(tmp: Path, store_url: str, label: str, per_device: int) -> list[dict[str, Any]]:
    srv = Server(store_url, log=tmp / f"server-{label}.log").start()
    try:
        devices = []
        for i in range(50):
            scope = f"team{i % 5}"
            ws = _device(tmp / f"{label}-{i}.db", store_url, srv.url, scope)
            _fill(ws, scope, per_device // 3, 2, tx_clients=25)
            ws.close()
            devices.append((tmp / f"{label}-{i}.db", scope))
        timings: list[float] = []
        moved = [0] * 50
        errors: list[str] = []
        barrier = threading.Barrier(50)

        def work(i: int) -> None:
            ws = workspace(devices[i][0], scope=devices[i][1])
            try:
                barrier.wait()
                summary = _sync(ws, timings)
                moved[i] = summary.pushed + summary.pulled
            except Exception as exc:  # reported in the row
                errors.append(type(exc).__name__)
            finally:
                ws.close()

        threads = [threading.Thread(target=work, args=(i,)) for i in range(50)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - started
    finally:
        srv.stop()
    p95 = statistics.quantiles(timings, n=20)[-1] * 1000 if len(timings) > 1 else 0.0
    note = f"{sum(moved)} changes pushed+pulled in {wall:.1f} s; {len(timings)} requests"
    if errors:
        note += f"; {len(errors)} devices failed ({', '.join(sorted(set(errors)))})"
    return [
        _row(f"50 devices at once, {label}: throughput", round(sum(moved) / wall), "changes/s", note),
        _row(f"50 devices at once, {label}: p95 request latency", round(p95, 1), "ms",
             f"each device {per_device} own changes; 10 devices per scope"),
    ]  # fmt: skip


def _postgres_url(stack: Any) -> str | None:
    from tests.sync.sync_helpers import pg_bindir, throwaway_postgres

    bindir = pg_bindir()
    if bindir is None:
        return None
    import psycopg

    conninfo = stack.enter_context(throwaway_postgres(bindir))
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("CREATE DATABASE bench")
    parts = dict(item.split("=", 1) for item in conninfo.split())
    return f"postgresql://{parts['user']}@/bench?host={parts['host']}&port={parts['port']}"


def run(quick: bool) -> list[dict[str, Any]]:
    from contextlib import ExitStack

    clients = 5_000 if quick else 50_000
    per_device = 150 if quick else 600
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="kentta-bench-sync-") as name, ExitStack() as stack:
        tmp = Path(name)
        rows += initial_and_incremental(tmp, clients)
        rows += bad_link(tmp)
        rows += many_devices(tmp, f"sqlite:{tmp / 'many.db'}", "SQLite", per_device)
        pg = _postgres_url(stack)
        if pg is None:
            rows.append(_row("50 devices at once, PostgreSQL", 0, "", "skipped: no PostgreSQL"))
        else:
            rows += many_devices(tmp, pg, "PostgreSQL", per_device)
    return rows


if __name__ == "__main__":
    for row in run("--quick" in sys.argv):
        print(row)
