"""Run every benchmark and print one markdown table.

    uv run python -m tests.benchmarks.run [--quick] [--only NAME ...] [--json FILE]

Each module `tests/benchmarks/bench_*.py` exposes `run(quick: bool) -> list[dict]`; a row has
the keys benchmark, figure, value, unit, note. See tests/benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import sqlite3
import sys
import time
import traceback
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
KEYS = ("benchmark", "figure", "value", "unit", "note")


def discover() -> list[str]:
    return sorted(p.stem for p in HERE.glob("bench_*.py"))


def machine() -> str:
    return (
        f"{os.cpu_count()} cores, Python {platform.python_version()}, SQLite "
        f"{sqlite3.sqlite_version}, {platform.system()} {platform.release()}, "
        f"PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE', '')!r}"
    )


def format_value(value: Any) -> str:
    if isinstance(value, float):
        if value >= 100:
            return f"{value:,.0f}".replace(",", " ")
        return f"{value:.3g}" if value < 10 else f"{value:.1f}"
    if isinstance(value, int):
        return f"{value:,}".replace(",", " ")
    return str(value)


def table(rows: list[dict[str, Any]]) -> str:
    lines = ["| " + " | ".join(KEYS) + " |", "|" + "---|" * len(KEYS)]
    for row in rows:
        cells = [format_value(row.get(k, "")) for k in KEYS]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.run", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run")
    parser.add_argument("--only", nargs="*", default=None, help="module names, e.g. bench_store")
    parser.add_argument("--json", type=Path, help="also write the rows as JSON to this file")
    args = parser.parse_args(argv)
    names = [n for n in discover() if not args.only or n in args.only]
    rows: list[dict[str, Any]] = []
    failed = False
    started = time.perf_counter()
    for name in names:
        print(f"running {name}{' (quick)' if args.quick else ''} …", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        try:
            module = importlib.import_module(f"tests.benchmarks.{name}")
            got = module.run(args.quick)
            for row in got:
                missing = [k for k in KEYS if k not in row]
                if missing:
                    raise ValueError(f"row without {missing}: {row}")
            rows += got
        except Exception as exc:
            failed = True
            traceback.print_exc()
            rows.append({"benchmark": name, "figure": "error", "value": "", "unit": "",
                         "note": f"{type(exc).__name__}: {exc}"[:200]})  # fmt: skip
        print(f"  {name}: {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
    print(f"Machine: {machine()}\n")
    print(table(rows))
    print(f"\n(total {time.perf_counter() - started:.0f} s{', quick' if args.quick else ''})")
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
