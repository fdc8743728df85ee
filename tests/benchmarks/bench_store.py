"""The local store at scale: CSV import, seeding, full-text search, open to first query.

Full size: 100k clients from CSV; 100k clients + 1M notes seeded; FTS over those 1M notes;
opening that database. `--quick` uses a tenth. Every database lives in a temporary directory.
Ratios compare with raw sqlite3 `executemany` of the same rows in the same run.
"""

from __future__ import annotations

import csv
import io
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

TODAY = date(2026, 11, 22)
WORDS = (
    "asiakas", "työkokeilu", "tapaaminen", "hygieniapassin", "motivaatio", "ansioluettelo",
    "palkkatukea", "työnantaja", "koulutusvaihtoehdoista", "digitaidot", "velkaneuvonnan",
    "kotikäynti", "sovittiin", "työhaku", "lähihoitajan", "jaksaminen", "päivitettiin",
    "työturvallisuuskortin", "ravintola", "kesätyöpaikka", "terveydentila", "puhelinkeskustelu",
)  # fmt: skip
CSV_COLUMNS = ("henkilotunnus", "first_name", "last_name", "municipality", "phone", "language",
               "programme", "status", "unemployed_since", "benefit_days", "owner")  # fmt: skip


def _n(number: int) -> str:
    return f"{number:,}".replace(",", " ")


def _row(name: str, figure: str, value: Any, unit: str, note: str = "") -> dict[str, Any]:
    return {"benchmark": name, "figure": figure, "value": value, "unit": unit, "note": note}


def _clients_csv(n: int) -> bytes:
    from kenttä.services.data.seed import TOWNS, seeded_henkilotunnus
    from kenttä.services.data.synthetic import person_name

    rng = random.Random(1)
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")  # as Excel writes it
    writer.writerow(["hetu", "etunimi", "sukunimi", "kunta", "puhelin", "kieli", "hanke",
                     "tila", "työtön alkaen", "etuuspäivät", "ohjaaja"])  # fmt: skip
    for i in range(n):
        code, _, male = seeded_henkilotunnus(i)
        first, last = person_name(rng, not male)
        writer.writerow([code, first, last, rng.choice(TOWNS), f"040 {i:07d}", "suomi", "TOPI",
                         "osallistuu", f"{rng.randint(1, 28)}.{rng.randint(1, 12)}.2024",
                         rng.randint(0, 900), "maija.koskinen"])  # fmt: skip
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def bench_import(tmp: Path, n: int) -> list[dict[str, Any]]:
    from kenttä.config import Config
    from kenttä.services.context import Workspace
    from kenttä.services.transfer.csv_import import import_csv
    from kenttä.store.db import open_store
    from kenttä.store.schema import SCHEMA

    data = _clients_csv(n)
    ws = Workspace(open_store(tmp / "import.db"), Config(user="bench", scope="kuopio"))
    t0, cpu0 = time.perf_counter(), time.process_time()
    result = import_csv(ws, "clients", data)
    took, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    assert result.imported == n, result.summary()
    # the same rows, as stored, with raw executemany into a fresh store (same DDL, indexes
    # and FTS triggers), no validation and no change log
    cols = ["id", *SCHEMA.table("clients").columns, "_stamp"]
    rows = ws.store.conn.execute(f"SELECT {', '.join(cols)} FROM clients").fetchall()
    ws.close()
    raw = open_store(tmp / "raw.db")
    t0 = time.perf_counter()
    raw.conn.execute("BEGIN")
    raw.conn.executemany(
        f"INSERT INTO clients ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", rows
    )
    raw.conn.execute("COMMIT")
    raw_took = time.perf_counter() - t0
    raw.close()
    name = "csv import"
    return [
        _row(name, f"{_n(n)} clients from CSV", n / took, "rows/s",
             f"{took:.1f} s (CPU {cpu:.1f} s); validated; a change and an audit event per "
             "client; one transaction"),
        _row(name, "raw sqlite3 executemany, same rows", n / raw_took, "rows/s",
             f"{raw_took:.2f} s"),
        _row(name, "import time / raw executemany time", took / raw_took, "×", "lower is better"),
    ]  # fmt: skip


def bench_seed(path: Path, clients: int, notes: int) -> list[dict[str, Any]]:
    from kenttä.services.data.seed import seed
    from kenttä.store.db import open_store

    store = open_store(path)
    cpu0 = time.process_time()
    result = seed(store, clients=clients, notes_per_client=notes // clients, today=TODAY)
    cpu = time.process_time() - cpu0
    changes = store.conn.execute("SELECT count(*) FROM _changes").fetchone()[0]
    store.close()
    rows = result.clients + result.notes
    label = f"{_n(clients)} clients + {_n(result.notes)} notes"
    return [
        _row("seed", label, result.seconds, "s",
             f"{_n(round(rows / result.seconds))} rows/s, {_n(changes)} change-log entries; "
             f"CPU {cpu:.0f} s; FTS rebuild at the end {result.index_seconds:.0f} s"),
        _row("seed", "database size", path.stat().st_size / 1e6, "MB", ""),
    ]  # fmt: skip


def _timed(search: Any, queries: list[str]) -> tuple[float, float, float]:
    """(median ms, p95 ms, mean hits) of running `search` over the queries."""
    for text in queries[:20]:  # warm the cache as a person's first searches would
        search(text)
    times, hits = [], 0
    for text in queries:
        t0 = time.perf_counter()
        hits += len(search(text))
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], hits / len(queries)


def bench_search(path: Path, notes: int, queries: int = 300) -> list[dict[str, Any]]:
    from kenttä.config import Config
    from kenttä.services.context import Workspace
    from kenttä.store.db import open_store
    from kenttä.store.fts import search_notes

    store = open_store(path)
    rng = random.Random(7)
    pairs = [rng.sample(WORDS, 2) for _ in range(queries)]
    whole = [f"{a} {b}" for a, b in pairs]
    typing = [f"{a} {b[:5]}" for a, b in pairs]  # the last word half typed
    label = f"over {_n(notes)} notes, LIMIT 50"
    rows = []
    cases = [
        ("two whole words", whole, lambda t: search_notes(store.conn, t, limit=50),
         "store.fts.search_notes"),
        ("last word half typed", typing, lambda t: search_notes(store.conn, t, limit=50),
         "store.fts.search_notes: 3-letter indexed prefix, candidates checked"),
    ]  # fmt: skip
    try:
        from kenttä.services import search as app_search

        ws = Workspace(store, Config(user="bench"))
        cases.append(("two whole words, app search", whole,
                      lambda t: app_search.search_notes(ws, t, limit=50),
                      "services.search.search_notes: every word a prefix, newest first"))  # fmt: skip
    except ImportError:
        pass
    for what, texts, search, source in cases:
        median, p95, hits = _timed(search, texts)
        note = f"{len(texts)} varied Finnish queries, mean {hits:.0f} hits; {source}"
        rows.append(_row("fts search", f"{what} {label}, median", median, "ms", note))
        rows.append(_row("fts search", f"{what} {label}, p95", p95, "ms", note))
    store.close()
    return rows


OPEN_SCRIPT = """
import sys, time
t0 = time.perf_counter()
from kenttä.store.db import open_store
from kenttä.store.fts import search_notes
t1 = time.perf_counter()
store = open_store(sys.argv[1])
rows = store.conn.execute(
    "SELECT id, last_name, first_name, status FROM clients WHERE _deleted IS NULL"
    " ORDER BY last_name, first_name, id LIMIT 50").fetchall()
t2 = time.perf_counter()
found = search_notes(store.conn, "työkokeilu", limit=50)
t3 = time.perf_counter()
assert len(rows) == 50 and found
print(t1 - t0, t2 - t1, t3 - t2)
"""


def bench_open(path: Path, clients: int) -> list[dict[str, Any]]:
    runs = []
    for _ in range(3):
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", OPEN_SCRIPT, str(path)], check=True,
                             capture_output=True, text=True).stdout  # fmt: skip
        total = time.perf_counter() - t0
        imports, first, search = (float(x) for x in out.split())
        runs.append((total, imports, first, search))
    total, imports, first, search = min(runs)
    label = f"{_n(clients)} clients"
    return [
        _row("open", f"open + first page of clients ({label})", first * 1000, "ms",
             "open_store (pragmas, migration check, FTS check) + keyset query; best of 3"),
        _row("open", "then first note search", search * 1000, "ms", "cold FTS"),
        _row("open", "process start to first page", total * 1000, "ms",
             f"includes Python start and {imports * 1000:.0f} ms of kenttä imports"),
    ]  # fmt: skip


def run(quick: bool = False) -> list[dict[str, Any]]:
    scale = 10 if quick else 1
    clients, notes = 100_000 // scale, 1_000_000 // scale
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="kentta-bench-") as tmp:
        tmp_path = Path(tmp)
        rows += bench_import(tmp_path, clients)
        big = tmp_path / "seeded.db"
        rows += bench_seed(big, clients, notes)
        rows += bench_search(big, notes)
        rows += bench_open(big, clients)
    return rows


if __name__ == "__main__":
    from tests.benchmarks.run import table

    print(table(run("--quick" in sys.argv)))
