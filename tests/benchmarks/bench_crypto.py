"""Encryption at rest: what SQLCipher costs against plain SQLite, measured in the same run.

`run(quick)` returns rows {benchmark, figure, value, unit, note}; `python -m
tests.benchmarks.bench_crypto [--quick]` prints them. Figures are medians; ratios compare
the encrypted path with the plain one on the same machine and data.
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

PASS = "benchmark passphrase 2026"


def _median_time(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _rows(n: int) -> list[tuple[str, str]]:
    from kenttä_sync.ground.ids import uuid7

    return [(uuid7(), f"{i:08d} " + "x" * 290) for i in range(n)]


def _raw_insert(conn: Any, rows: list[tuple[str, str]]) -> None:
    conn.execute("CREATE TABLE IF NOT EXISTS t (id TEXT PRIMARY KEY, v TEXT)")
    conn.execute("DELETE FROM t")
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO t VALUES (?, ?)", rows)
    conn.execute("COMMIT")


def _clients(n: int) -> list[dict[str, Any]]:
    return [
        {
            "first_name": f"Etunimi{i}",
            "last_name": f"Sukunimi{i}",
            "scope": "kuopio",
            "status": "met",
            "exit_date": "2015-01-01" if i % 10 == 0 else None,
        }
        for i in range(n)
    ]


def run(quick: bool = False) -> list[dict[str, Any]]:
    from kenttä.config import Config
    from kenttä.services.context import Workspace
    from kenttä.services.privacy.erasure import erase_client
    from kenttä.store import crypto
    from kenttä.store.db import connect, open_store

    n = 20_000 if quick else 200_000
    n_clients = 2_000 if quick else 20_000
    repeat = 3 if quick else 5
    out: list[dict[str, Any]] = []
    folder = Path(tempfile.mkdtemp(prefix="bench-crypto-"))
    try:
        rows = _rows(n)
        conns = {
            "plain": connect(folder / "raw-plain.db"),
            "encrypted": connect(folder / "raw-encrypted.db", PASS),
        }
        times: dict[str, list[float]] = {label: [] for label in conns}
        for _ in range(repeat):  # interleaved, so machine noise hits both alike
            for label, conn in conns.items():
                times[label].append(_median_time(lambda c=conn: _raw_insert(c, rows), 1))
        results = {label: statistics.median(ts) for label, ts in times.items()}
        for label, conn in conns.items():
            conn.close()
            out.append(
                {
                    "benchmark": "crypto",
                    "figure": f"raw insert, {label}",
                    "value": round(n / results[label]),
                    "unit": "rows/s",
                    "note": f"{n} rows of 300 bytes, one transaction, WAL",
                }
            )
        out.append(
            {
                "benchmark": "crypto",
                "figure": "raw insert cost of encryption",
                "value": round(results["encrypted"] / results["plain"], 2),
                "unit": "×",
                "note": "time encrypted / time plain",
            }
        )

        stores = {}
        for label, passphrase in (("plain", None), ("encrypted", PASS)):
            path = folder / f"store-{label}.db"
            store = open_store(path, passphrase=passphrase)
            clients = _clients(n_clients)
            start = time.perf_counter()
            with store.replica.transaction("bench") as tx:
                tx.bulk_insert("clients", clients)
            took = time.perf_counter() - start
            store.close()
            stores[label] = path
            out.append(
                {
                    "benchmark": "crypto",
                    "figure": f"replica bulk insert, {label}",
                    "value": round(n_clients / took),
                    "unit": "rows/s",
                    "note": "clients with change log, one transaction",
                }
            )
        for label, passphrase in (("plain", None), ("encrypted", PASS)):
            path = stores[label]
            took = _median_time(lambda p=path, k=passphrase: open_store(p, passphrase=k).close(), 5)
            out.append(
                {
                    "benchmark": "crypto",
                    "figure": f"open store, {label}",
                    "value": round(took * 1000, 1),
                    "unit": "ms",
                    "note": "incl. key derivation (PBKDF2, 256k iterations) when encrypted",
                }
            )
        took = _median_time(lambda: crypto.verify_passphrase(stores["encrypted"], PASS), 5)
        out.append(
            {
                "benchmark": "crypto",
                "figure": "unlock check (verify passphrase)",
                "value": round(took * 1000, 1),
                "unit": "ms",
                "note": "what the idle-lock screen waits for",
            }
        )

        copy = folder / "to-encrypt.db"
        shutil.copy(stores["plain"], copy)
        start = time.perf_counter()
        crypto.encrypt_existing(copy, PASS)
        out.append(
            {
                "benchmark": "crypto",
                "figure": "encrypt existing database",
                "value": round(time.perf_counter() - start, 2),
                "unit": "s",
                "note": f"{n_clients} clients, {copy.stat().st_size // 1024} KiB",
            }
        )

        for label, passphrase in (("plain", None), ("encrypted", PASS)):
            ws = Workspace(
                open_store(stores[label], passphrase=passphrase), Config(role="supervisor")
            )
            client_id = ws.store.conn.execute("SELECT id FROM clients LIMIT 1").fetchone()[0]
            start = time.perf_counter()
            try:
                erase_client(ws, client_id)
            except Exception as exc:  # the sync module may not erase yet
                out.append(
                    {
                        "benchmark": "crypto",
                        "figure": f"erase one client, {label}",
                        "value": "skipped",
                        "unit": "s",
                        "note": f"skipped: {type(exc).__name__}",
                    }
                )
                ws.close()
                continue
            out.append(
                {
                    "benchmark": "crypto",
                    "figure": f"erase one client, {label}",
                    "value": round(time.perf_counter() - start, 3),
                    "unit": "s",
                    "note": f"incl. FTS optimize and VACUUM of {n_clients} clients",
                }
            )
            ws.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return out


def main() -> None:
    rows = run(quick="--quick" in sys.argv)
    width = max(len(r["figure"]) for r in rows)
    for r in rows:
        print(f"{r['figure']:<{width}}  {r['value']!s:>10} {r['unit']:<8} {r['note']}")


if __name__ == "__main__":
    main()
