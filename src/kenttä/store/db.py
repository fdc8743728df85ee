"""Opening the local database: pragmas, migrations, the replica that records every change."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from kenttä_sync.replica import LocalReplica

from kenttä.config import ensure_parent
from kenttä.store import fts
from kenttä.store.schema import SCHEMA


class StoreError(RuntimeError):
    """The database cannot be opened or upgraded; the message says why in one line."""


def migration_scripts() -> list[tuple[int, str, str]]:
    """(version, name, sql) for every shipped migration, in order."""
    folder = resources.files("kenttä.store.migrations")
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            version = int(entry.name.split("_", 1)[0])
            found.append((version, entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    return found


LATEST_VERSION = migration_scripts()[-1][0]


def schema_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def migrate(conn: sqlite3.Connection, target: int | None = None) -> list[str]:
    """Apply every migration above the database's version, each in its own transaction."""
    applied = []
    current = schema_version(conn)
    if current > LATEST_VERSION:
        raise StoreError(
            f"this database is from a newer kenttä (schema {current}); "
            f"this version reads up to schema {LATEST_VERSION}: upgrade kenttä"
        )
    for version, name, sql in migration_scripts():
        if version <= current or (target is not None and version > target):
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _statements(sql):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        applied.append(name)
    return applied


def _statements(sql: str) -> list[str]:
    """Split a migration into statements (complete_statement knows about triggers)."""
    statements, buffer = [], ""
    for line in sql.splitlines(keepends=True):
        if line.lstrip().startswith("--") and not buffer.strip():
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements


def connect(path: Path | str, passphrase: str | None = None) -> sqlite3.Connection:
    """A connection with kenttä's pragmas; autocommit, so transactions are explicit.

    An encrypted file, or a new one with a passphrase, opens through SQLCipher (store.crypto).
    """
    from kenttä.store import crypto

    if crypto.uses_cipher(path, passphrase):
        conn = crypto.connect_encrypted(path, passphrase)
    else:
        conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 5000")
    conn.execute("PRAGMA cache_size = -65536")
    return conn


class Store:
    """The local database: a connection, sqlite-utils over it, and the sync replica."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None = None) -> None:
        self.conn = conn
        self.path = path
        self.replica = LocalReplica(conn, SCHEMA)
        self._db: Any = None

    @property
    def db(self) -> Any:
        """sqlite-utils over the same connection, imported on first use (start-up time)."""
        if self._db is None:
            import sqlite_utils

            self._db = sqlite_utils.Database(self.conn)
        return self._db

    @property
    def device_id(self) -> str:
        return self.replica.device_id

    def close(self) -> None:
        self.conn.close()


def open_store(
    path: Path | str,
    *,
    create: bool = True,
    target_version: int | None = None,
    wall: Callable[[], int] | None = None,
    passphrase: str | None = None,
) -> Store:
    """Open (creating and upgrading as needed) the database at `path`."""
    path = Path(path)
    if str(path) != ":memory:":
        if not path.exists() and not create:
            raise StoreError(f"no database at {path}")
        ensure_parent(path)
    try:
        conn = connect(path, passphrase)
        migrate(conn, target_version)
        fts.repair(conn)  # a bulk load that died with its FTS triggers dropped
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"cannot open {path}: {exc}") from None
    store = Store(conn, None if str(path) == ":memory:" else path)
    store.replica = LocalReplica(conn, SCHEMA, wall=wall)
    if store.replica.state("device_id") is None:
        conn.execute("BEGIN IMMEDIATE")
        store.replica.install()
        conn.execute("COMMIT")
    return store
