"""`kenttä doctor`: the health of a local database file, read without changing it.

What a maintainer or the office's IT asks first when a laptop misbehaves: is the file
readable (and encrypted), which schema version it has, whether SQLite's integrity check and
the full-text indexes' own checks pass, how large the write-ahead log has grown, how many rows
each table holds, how many changes wait to be sent and when the laptop last synced.

The file is opened as it is: no migration, no FTS repair, no replica install (those are what
`open_store` does, and a damaged file must not be written to by the tool that inspects it).
Table introspection goes through sqlite-utils; the checks are SQLite's own pragmas.
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from kenttä.store import fts
from kenttä.store.db import LATEST_VERSION, StoreError, connect, schema_version

MAX_INTEGRITY_LINES = 20


@dataclass
class Diagnosis:
    """What `diagnose` found; `problems` is empty when the file is healthy."""

    path: str
    exists: bool
    size_bytes: int = 0
    wal_bytes: int = 0
    encrypted: bool = False
    opened: bool = False
    schema_version: int | None = None
    latest_schema_version: int = LATEST_VERSION
    integrity: list[str] = field(default_factory=list)
    fts: dict[str, str] = field(default_factory=dict)
    tables: dict[str, int] = field(default_factory=dict)
    unsent_changes: int | None = None
    last_sync: str | None = None
    device_id: str | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["healthy"] = self.healthy
        return data


def diagnose(path: Path | str, passphrase: str | None = None) -> Diagnosis:
    """Inspect the database at `path`; problems are codes (`doctor.problem.*` in the catalogue)."""
    path = Path(path)
    found = Diagnosis(path=str(path), exists=path.exists())
    if not found.exists:
        found.problems.append("missing")
        return found
    from kenttä.store.crypto import is_encrypted

    found.size_bytes = path.stat().st_size
    wal = path.with_name(path.name + "-wal")
    found.wal_bytes = wal.stat().st_size if wal.exists() else 0
    found.encrypted = is_encrypted(path)
    if found.encrypted and not passphrase:
        found.problems.append("passphrase_needed")
        return found
    try:
        conn = connect(path, passphrase)
    except (sqlite3.DatabaseError, StoreError):  # damaged, not a database, or a wrong key
        found.problems.append("unreadable")
        return found
    try:
        _inspect(conn, found)
    except sqlite3.DatabaseError:  # a damaged page met while counting or checking
        found.problems.append("integrity" if found.opened else "unreadable")
    finally:
        conn.close()
    return found


def _inspect(conn: Any, found: Diagnosis) -> None:
    found.schema_version = schema_version(conn)
    found.opened = True
    if found.schema_version > LATEST_VERSION:
        found.problems.append("schema_newer")
    elif found.schema_version < LATEST_VERSION:
        found.problems.append("schema_older")
    rows = conn.execute(f"PRAGMA integrity_check({MAX_INTEGRITY_LINES})").fetchall()
    found.integrity = [str(r[0]) for r in rows]
    if found.integrity != ["ok"]:
        found.problems.append("integrity")
    _check_fts(conn, found)
    _count_tables(conn, found)
    _sync_state(conn, found)


def _check_fts(conn: Any, found: Diagnosis) -> None:
    present = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    missing_triggers = set(fts.missing_triggers(conn)) if fts.installed(conn) else set()
    for name in fts.FTS_TABLES:
        if name not in present:
            continue
        if name in missing_triggers:
            found.fts[name] = "triggers_missing"
            continue
        try:  # compares the index with its content table (external-content FTS5)
            conn.execute(f"INSERT INTO {name} ({name}, rank) VALUES ('integrity-check', 1)")
        except sqlite3.DatabaseError:
            found.fts[name] = "damaged"
        else:
            found.fts[name] = "ok"
    if any(state != "ok" for state in found.fts.values()):
        found.problems.append("fts")


def _count_tables(conn: Any, found: Diagnosis) -> None:
    """Row counts of every table but the FTS indexes' own shadow tables (sqlite-utils)."""
    import sqlite_utils

    db = sqlite_utils.Database(conn)
    shadows = {f"{name}_{part}" for name in fts.FTS_TABLES for part in _FTS_SHADOWS}
    for table in sorted(db.table_names()):
        if table in shadows or table in fts.FTS_TABLES:
            continue
        found.tables[table] = db[table].count


_FTS_SHADOWS = ("data", "idx", "content", "docsize", "config")


def _sync_state(conn: Any, found: Diagnosis) -> None:
    """Unsent changes (this device's sequence above the acknowledged one) and the last sync."""
    if "_sync_state" not in found.tables:
        return
    state = dict(conn.execute("SELECT key, value FROM _sync_state").fetchall())
    latest, acked = int(state.get("device_seq") or 0), int(state.get("acked_seq") or 0)
    found.unsent_changes = max(0, latest - acked)
    found.last_sync = state.get("last_sync")
    found.device_id = state.get("device_id")


def repair_indexes(path: Path | str, passphrase: str | None = None) -> list[str]:
    """Rebuild the full-text indexes that do not match their tables (and their triggers).

    The only repair `doctor` makes: an index is derived data, rebuilt whole from the rows in
    one transaction, so nothing typed can be lost by it. Returns the indexes rebuilt.
    """
    found = diagnose(path, passphrase)
    broken = [name for name, state in found.fts.items() if state != "ok"]
    if not broken:
        return []
    conn = connect(path, passphrase)
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            fts.create_triggers(conn, broken)
            fts.rebuild(conn, broken)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    finally:
        conn.close()
    return broken
