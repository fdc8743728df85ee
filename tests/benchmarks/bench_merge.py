"""Merging changes into the central store, against a raw upsert of the same rows.

    uv run python -m tests.benchmarks.bench_merge [--quick] [--n CHANGES]

Two phases per backend (SQLite file; PostgreSQL in a throwaway cluster, skipped when the
server binaries are absent):

* insert: N insert changes (new rows, about 300 bytes each) pushed by one device in
  batches of 5 000 (transactions of 10 changes), against a raw `INSERT … ON CONFLICT (id)
  DO UPDATE … WHERE excluded.stamp > stamp` of the same rows into an empty table;
* update: N single-column update changes, one on each of those N rows in random order
  (edits land anywhere), against the same raw upsert of the N rows (full rows, newer
  stamps, same order) into the N-row table.

Raw and merge batches alternate, so both see the same machine load. The merge figure
includes everything the central store does per push: deduplication,
validation (scope, clock), the per-column merge, the central change log (log format 2: a
new row holds its own insert entry, other changes go to `_changes` with their row's history
chain) and the device's acknowledgement. Building the Change objects (the protocol layer's work)
is not timed. The goal is at least 0.4 of the raw rate.

Then the central log is compacted (issue 18: the device reports its cursor and last change
with a pull, so every update entry is behind its horizon) and the store's size is set
beside the raw table's: bytes in use (SQLite: pages not on the freelist, by `dbstat`;
PostgreSQL: `pg_total_relation_size` of every table after `VACUUM FULL`), before and after
compaction. The goal is a compacted store at most 2× the raw table.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from kenttä_sync.central.store import CentralStore, open_postgres, open_sqlite
from kenttä_sync.ground.changes import Change, Op
from kenttä_sync.ground.hlc import Stamp
from kenttä_sync.ground.schema import SyncSchema, TableSpec

BATCH = 5000
TX = 10
DEVICE = "bench"
BASE_MS = 1_790_000_000_000
SCHEMA = SyncSchema(
    name="bench",
    version=1,
    tables=(
        TableSpec(
            name="item",
            columns={"scope": "text", "title": "text", "body": "text", "amount": "integer"},
        ),
    ),
)
BODY = "lorem ipsum dolor sit amet " * 8  # ~220 bytes: rows of about 300 bytes


def row_id(i: int) -> str:
    return f"{i:012x}-0000-7000-8000-000000000000"


def stamp(seq: int) -> str:
    return Stamp(BASE_MS + seq // 50, seq % 50, DEVICE).encode()


def order(n: int, phase: str) -> list[int]:
    """Rows in insert order (ids are time-ordered, like UUIDv7), updates in random order."""
    rows = list(range(n))
    if phase == "update":
        random.Random(7).shuffle(rows)
    return rows


def change_batches(n: int, phase: str, seq0: int) -> Iterator[list[Change]]:
    rows = order(n, phase)
    for start in range(0, n, BATCH):
        batch = []
        for k in range(start, min(n, start + BATCH)):
            i = rows[k]
            seq = seq0 + k + 1
            common = {
                "change_id": f"{DEVICE}:{seq}",
                "device_id": DEVICE,
                "device_seq": seq,
                "table": "item",
                "row_id": row_id(i),
                "stamp": stamp(seq),
                "tx_id": f"tx{seq // TX}",
                "author": "bench",
            }
            if phase == "insert":
                value = {"scope": "s1", "title": f"title {i}", "body": BODY, "amount": i}
                batch.append(
                    Change.model_construct(
                        **common, column=None, op=Op.INSERT, value=value, prev_stamp=None
                    )
                )
            else:
                batch.append(
                    Change.model_construct(
                        **common,
                        column="title",
                        op=Op.UPDATE,
                        value=f"new title {i}",
                        prev_stamp=stamp(i + 1),
                    )
                )
        yield batch


RAW_SQL = (
    "INSERT INTO raw (id, scope, title, body, amount, stamp) VALUES (?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (id) DO UPDATE SET scope = excluded.scope, title = excluded.title,"
    " body = excluded.body, amount = excluded.amount, stamp = excluded.stamp"
    " WHERE excluded.stamp > raw.stamp"
)
RAW_DDL = (
    "CREATE TABLE raw (id TEXT PRIMARY KEY, scope TEXT, title TEXT, body TEXT,"
    " amount BIGINT, stamp TEXT NOT NULL)"
)


def raw_rows(n: int, phase: str, seq0: int) -> Iterator[list[tuple]]:
    rows = order(n, phase)
    title = "title" if phase == "insert" else "new title"
    for start in range(0, n, BATCH):
        yield [
            (row_id(rows[k]), "s1", f"{title} {rows[k]}", BODY, rows[k], stamp(seq0 + k + 1))
            for k in range(start, min(n, start + BATCH))
        ]


def measure(
    central: CentralStore, raw_batch: Callable[[list[tuple]], None], n: int
) -> tuple[tuple[float, float], tuple[float, float]]:
    """Merge and raw rates per phase, alternating batch by batch so both see the same
    machine (load from other processes changes over minutes)."""
    central.register_device(DEVICE, ["s1"])
    merged, raw = [], []
    for k, phase in enumerate(("insert", "update")):
        spent_merge = spent_raw = 0.0
        pairs = zip(change_batches(n, phase, k * n), raw_rows(n, phase, k * n), strict=True)
        for changes, rows in pairs:
            t0 = time.perf_counter()
            raw_batch(rows)
            t1 = time.perf_counter()
            result = central.push(DEVICE, changes)
            t2 = time.perf_counter()
            assert not result.rejected, result.rejected[:1]
            spent_raw += t1 - t0
            spent_merge += t2 - t1
        merged.append(n / spent_merge)
        raw.append(n / spent_raw)
    return (merged[0], merged[1]), (raw[0], raw[1])


def compacted(central: CentralStore, size: Callable[[], int], n: int) -> dict[str, float]:
    """Sizes before and after compacting the log, and the compaction's rate."""
    before = size()
    head = central.head()
    central.pull(DEVICE, head, 1, written=2 * n)  # the device has all; sent all it wrote
    t0 = time.perf_counter()
    dropped = central.compact_log()
    spent = time.perf_counter() - t0
    return {"before": before, "after": size(), "dropped": dropped, "rate": dropped / spent}


def sqlite_used(conn: sqlite3.Connection) -> int:
    """Bytes of the file's pages in use (not on the freelist)."""
    return conn.execute("SELECT sum(pgsize) FROM dbstat").fetchone()[0]


def sqlite_figures(n: int, tmp: Path) -> tuple[tuple[float, float], tuple[float, float]]:
    conn = sqlite3.connect(tmp / "raw.db", isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "cache_size=-262144"):
        conn.execute(f"PRAGMA {pragma}")  # as open_sqlite sets them for the central store
    conn.execute(RAW_DDL)

    def batch(rows: list[tuple]) -> None:
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(RAW_SQL, rows)
        conn.execute("COMMIT")

    central = open_sqlite(str(tmp / "central.db"), SCHEMA)
    try:
        figures = measure(central, batch, n)
        SIZES["SQLite"] = {
            "raw": sqlite_used(conn),
            **compacted(central, lambda: sqlite_used(central.db.conn), n),  # type: ignore[attr-defined]
        }
        return figures
    finally:
        central.close()
        conn.close()


def postgres_figures(n: int) -> tuple[tuple[float, float], tuple[float, float]] | None:
    from tests.sync.sync_helpers import pg_bindir, throwaway_postgres

    bindir = pg_bindir()
    if bindir is None:
        return None
    import psycopg

    with throwaway_postgres(bindir) as conninfo, psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA rawbench")
        conn.execute("CREATE SCHEMA central")
        conn.execute("SET search_path = rawbench")
        conn.execute(RAW_DDL)
        sql = RAW_SQL.replace("?", "%s")

        def batch(rows: list[tuple]) -> None:
            with conn.transaction(), conn.cursor() as cur:
                cur.executemany(sql, rows)

        central = open_postgres(f"{conninfo} options=-csearch_path=central", SCHEMA)

        def used(schema: str) -> int:
            conn.execute(f"SET search_path = {schema}")
            conn.execute("VACUUM FULL")
            return conn.execute(
                "SELECT sum(pg_total_relation_size(c.oid))::bigint FROM pg_class c"
                " JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = %s AND c.relkind IN ('r', 'S')",
                (schema,),
            ).fetchone()[0]

        try:
            figures = measure(central, batch, n)
            SIZES["PostgreSQL"] = {
                "raw": used("rawbench"),
                **compacted(central, lambda: used("central"), n),
            }
            return figures
        finally:
            central.close()


SIZES: dict[str, dict[str, float]] = {}  # backend -> sizes and compaction figures


def size_rows(backend: str, label: str) -> list[dict[str, Any]]:
    found = SIZES.get(backend)
    if not found:
        return []
    mb = 1024 * 1024
    return [
        {"benchmark": "merge", "figure": f"{backend}: raw table after the updates",
         "value": found["raw"] / mb, "unit": "MiB", "note": "the same rows, no sync metadata"},
        {"benchmark": "merge", "figure": f"{backend}: central store, log not compacted",
         "value": found["before"] / found["raw"], "unit": "× raw", "note": f"{found['before'] / mb:.0f} MiB"},
        {"benchmark": "merge", "figure": f"{backend}: central store after compaction",
         "value": found["after"] / found["raw"], "unit": "× raw",
         "note": f"{found['after'] / mb:.0f} MiB; goal ≤ 2×"},
        {"benchmark": "merge", "figure": f"{backend}: compaction of {label} update entries",
         "value": found["rate"], "unit": "entries/s", "note": f"{found['dropped']:.0f} dropped"},
    ]  # fmt: skip


def run(quick: bool, n: int | None = None) -> list[dict[str, Any]]:
    n = n or (50_000 if quick else 1_000_000)
    label = f"{n // 1000}k" if n < 1_000_000 else f"{n / 1_000_000:g}M"
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        results = {"SQLite": sqlite_figures(n, Path(tmp)), "PostgreSQL": postgres_figures(n)}
    for backend, figures in results.items():
        if figures is None:
            rows.append(
                {
                    "benchmark": "merge",
                    "figure": f"{backend}: skipped",
                    "value": "-",
                    "unit": "",
                    "note": "PostgreSQL server binaries not found",
                }
            )
            continue
        merged, raw = figures
        for k, phase in enumerate(("insert", "update")):
            what = f"{label} {phase} changes" + (
                " into new rows" if phase == "insert" else f" on {label} rows"
            )
            rows += [
                {
                    "benchmark": "merge",
                    "figure": f"{backend}: {what}",
                    "value": merged[k],
                    "unit": "changes/s",
                    "note": "central push: merge + change log + ack",
                },
                {
                    "benchmark": "merge",
                    "figure": f"{backend}: raw upsert, same rows",
                    "value": raw[k],
                    "unit": "rows/s",
                    "note": "INSERT … ON CONFLICT DO UPDATE",
                },
                {
                    "benchmark": "merge",
                    "figure": f"{backend}: {phase} merge / raw",
                    "value": merged[k] / raw[k],
                    "unit": "×",
                    "note": "goal ≥ 0.4",
                },
            ]
        rows += size_rows(backend, label)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--n", type=int, default=None, help="changes per phase")
    args = parser.parse_args(argv)
    from tests.benchmarks.run import table

    print(table(run(args.quick, args.n)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
