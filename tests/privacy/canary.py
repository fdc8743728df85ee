"""The canary: a synthetic person whose name and henkilötunnus must never leak.

The henkilötunnus uses individual number 990 (900–999: temporary or test, never a real
person) with a correct check character, so every validator accepts it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

from kenttä.domain.identifiers import expected_check_character

FIRST = "Kanarialintu"
LAST = "Zyxwvuts"
_BASE = "150385-990"
HETU = _BASE + expected_check_character(_BASE + "?")
NOTE = "Tapaaminen: Kanarialintu kertoi tilanteestaan."


def needles() -> list[bytes]:
    """Every form the canary could take in a file (UTF-8 and UTF-16, as SQLite may store)."""
    out = []
    for text in (FIRST, LAST, HETU):
        out += [text.encode("utf-8"), text.encode("utf-16-le"), text.encode("utf-16-be")]
    return out


def files_of(db: Path) -> list[Path]:
    """The database, its WAL, shared memory and rollback journal, where they exist."""
    names = [db, Path(f"{db}-wal"), Path(f"{db}-shm"), Path(f"{db}-journal")]
    return [p for p in names if p.exists()]


def leaks(paths: Iterable[Path]) -> list[str]:
    """`file: needle` for every canary form found in the bytes of the given files."""
    found = []
    for path in paths:
        if not path.is_file():
            continue
        data = path.read_bytes()
        for needle in needles():
            if needle in data:
                found.append(f"{path.name}: {needle!r}")
    return found


def text_leaks(text: str) -> list[str]:
    return [t for t in (FIRST, LAST, HETU) if t in text]


def run_cli(
    args: list[str], env: dict[str, str], *, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `kenttä ARGS` in a fresh process with no terminal (stdin is a pipe)."""
    full_env = {**os.environ, **env, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-c", "from kenttä.cli import main; main()", *args],
        env=full_env,
        input=stdin or "",
        capture_output=True,
        text=True,
        timeout=120,
    )
