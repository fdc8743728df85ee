"""The bad-link scenario of bench_sync: the issue's link (256 kbit/s, 300 ms latency one way,
every connection cut every 3–10 s; tests/transport/netem_proxy.py) in front of a real
`kenttä server run`, and a device pushing a 4,000-client import made in one transaction
through `kenttä.services.sync.client.sync` (the code `kenttä sync` runs), syncing again after
each failure as a user would.

The time is set beside what the bytes of that push take at the line's rate (the gzip JSON of
the changes in one piece: the least any protocol could send); goal ≤ 2×. Every HTTP attempt
is logged (route, changes carried, bytes each way, duration, cut or not) with the waits
between retries, so where the time goes can be read:

    uv run python -m tests.benchmarks.sync_badlink [--clients N] [--log] [--seed S]

prints its rows (the machine's load average in the notes) and, with --log, one line per
request. bench_sync calls `bad_link(tmp)`.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.transport.helpers import Server

KBIT = 1000 / 8  # bytes per second in one kbit/s


def _row(figure: str, value: float, unit: str, note: str = "") -> dict[str, Any]:
    return {"benchmark": "sync", "figure": figure, "value": value, "unit": unit, "note": note}


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.2f}/{five:.2f} on {os.cpu_count()} cores"


@dataclass
class Attempt:
    at: float  # seconds since the sync started
    path: str
    changes: int | None  # changes carried by the request (pieces and pushes), if any
    sent: int  # body bytes on the wire (compressed)
    seconds: float
    outcome: str  # HTTP status, or the exception's name (a cut, a stall)
    received: int = 0


@dataclass
class Log:
    started: float = field(default_factory=time.perf_counter)
    attempts: list[Attempt] = field(default_factory=list)
    waits: list[tuple[float, float]] = field(default_factory=list)  # (at, seconds)

    def now(self) -> float:
        return time.perf_counter() - self.started

    def sleep(self, seconds: float) -> None:
        self.waits.append((self.now(), seconds))
        time.sleep(seconds)

    def lines(self) -> list[str]:
        events: list[tuple[float, str]] = [
            (a.at, f"{a.at:7.2f}s {a.path:16} {a.changes if a.changes is not None else '':>6} "
                   f"up {a.sent:7d} B down {a.received:7d} B {a.seconds:6.2f}s {a.outcome}")
            for a in self.attempts
        ]  # fmt: skip
        events += [(at, f"{at:7.2f}s   wait {seconds:.2f}s") for at, seconds in self.waits]
        return [text for _, text in sorted(events)]


def _changes_in(body: Any) -> int | None:
    if not isinstance(body, bytes | bytearray):
        return None
    try:
        data = json.loads(gzip.decompress(body))
    except (OSError, ValueError):
        return None
    changes = data.get("changes") if isinstance(data, dict) else None
    return len(changes) if isinstance(changes, list) else None


def _counting(parts: Any, entry: Attempt) -> Any:
    for part in parts:
        entry.sent += len(part)
        yield part


def logged_transport(log: Log) -> Any:
    """A LinkTransport whose every HTTP attempt (retries included) lands in `log`."""
    from kenttä_sync.transport.link import LinkTransport

    class Logged(LinkTransport):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["sleep"] = log.sleep
            super().__init__(*args, **kwargs)
            real = self.client.request

            def request(method: str, path: str, **kw: Any) -> httpx.Response:
                body = kw.get("content")
                at, started = log.now(), time.perf_counter()
                entry = Attempt(at, str(path), _changes_in(body), 0, 0.0, "")
                if isinstance(body, bytes | bytearray):
                    entry.sent = len(body)
                elif body is not None:  # a streamed body: counted as it goes out
                    kw["content"] = _counting(body, entry)
                log.attempts.append(entry)
                try:
                    response = real(method, path, **kw)
                except Exception as exc:
                    entry.outcome = type(exc).__name__
                    raise
                finally:
                    entry.seconds = time.perf_counter() - started
                entry.outcome = str(response.status_code)
                entry.received = response.num_bytes_downloaded
                return response

            self.client.request = request  # type: ignore[method-assign]

    return Logged


def _device(path: Path, store_url: str, server_url: str, scope: str) -> Any:
    from kenttä.services.sync import client as sync_client
    from tests.benchmarks.bench_sync import _code
    from tests.transport.helpers import workspace

    ws = workspace(path, scope=scope)
    sync_client.enroll(ws, server_url, _code(store_url, [scope]))
    return ws


def _least(replica: Any) -> int:
    """Bytes of the whole push as one gzip JSON body (the least any protocol could send)."""
    from kenttä_sync.device import state as device_side
    from kenttä_sync.transport.protocol import PushRequest

    request = PushRequest(
        schema_name=replica.schema.name, schema_version=replica.schema.version,
        device_id=replica.device_id, changes=device_side.pending(replica, 10**6),
    )  # fmt: skip
    return len(gzip.compress(request.model_dump_json().encode()))


def bad_link(
    tmp: Path, clients: int = 4000, seed: int = 18, log: Log | None = None
) -> list[dict[str, Any]]:
    """The issue's link: a device pushes an import of `clients` clients made in one
    transaction, syncing again after each failure; time beside its bytes at the line's rate."""
    from kenttä_sync.device import state as device_side

    from kenttä.services.sync import client as sync_client
    from tests.benchmarks.bench_sync import _fill
    from tests.transport.netem_proxy import NetemProxy

    log = log if log is not None else Log()
    store_url = f"sqlite:{tmp / 'badlink.db'}"
    srv = Server(store_url, log=tmp / "server-badlink.log").start()
    port = int(srv.url.rsplit(":", 1)[1])
    load_before = load()
    try:
        with NetemProxy(port, bandwidth=256 * KBIT, latency=0.3, lifetime=1800, seed=seed) as proxy:
            ws = _device(tmp / "badlink-laptop.db", store_url, proxy.url, "kuopio")
            made = _fill(ws, "kuopio", clients, 0, tx_clients=clients)
            replica = ws.store.replica
            least = _least(replica)
            connections0 = proxy.connections
            proxy.cut_every = (3.0, 10.0)
            log.started = started = time.perf_counter()
            runs, sent = 0, 0
            while True:
                runs += 1
                try:
                    summary = sync_client.sync(ws, transport=logged_transport(log))
                    sent += summary.bytes_sent
                except Exception as exc:  # a cut the client gave up on: run again, as a user would
                    sent += getattr(getattr(exc, "summary", None), "bytes_sent", 0)
                    if runs > 20:
                        raise
                    continue
                if not device_side.pending(replica, 1):
                    break
            spent = time.perf_counter() - started
            cuts, connections = proxy.cuts, proxy.connections - connections0
            ws.close()
    finally:
        srv.stop()
    ideal = least / (256 * KBIT)
    waited = sum(s for _, s in log.waits)
    failed = sum(1 for a in log.attempts if not a.outcome.isdigit())
    return [
        _row(f"bad link: import of {clients} clients (one transaction)", round(spent, 1), "s",
             f"{made} changes; {runs} run(s), {cuts} cuts, {connections} connections, "
             f"{len(log.attempts)} requests ({failed} cut), {waited:.1f} s in retry waits; "
             f"256 kbit/s, 300 ms, cuts every 3–10 s; {load_before}"),
        _row("bad link: its bytes at 256 kbit/s", round(ideal, 1), "s",
             f"{least} bytes of gzip JSON (baseline, same run); {sent} sent by every run"),
        _row("bad link: time / bytes-at-bandwidth", round(spent / ideal, 2), "×",
             f"goal ≤ 2×; {load()} after"),
    ]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.sync_badlink")
    parser.add_argument("--clients", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=18, help="the proxy's cut times")
    parser.add_argument("--log", action="store_true", help="print every request")
    args = parser.parse_args(argv)
    log = Log()
    with tempfile.TemporaryDirectory(prefix="kentta-bench-badlink-") as name:
        rows = bad_link(Path(name), args.clients, args.seed, log)
    if args.log:
        print("\n".join(log.lines()))
    for row in rows:
        print(row)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
