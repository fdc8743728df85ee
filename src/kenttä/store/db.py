"""Opening the local database: pragmas, migrations, the replica that records every change.

Opening needs neither the sync module's replica nor the schema derived from the domain
models (pydantic): they load on the first write (`Store.replica`), so the app's first screen,
which only reads, does not wait for them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kenttä.config import ensure_parent
from kenttä.store import files, fts
from kenttä.store.problems import StoreError

if TYPE_CHECKING:
    from kenttä_sync.device import LocalReplica


# The package is installed as files (a wheel, or editable), so the migrations are read from
# beside this module: importlib.resources would add its own imports to every start.
MIGRATIONS = Path(__file__).with_name("migrations")


def _migration_files() -> list[tuple[int, Path]]:
    """(version, path) of every shipped migration, in order; read only when applied."""
    return sorted((int(path.name.split("_", 1)[0]), path) for path in MIGRATIONS.glob("*.sql"))


def migration_scripts() -> list[tuple[int, str, str]]:
    """(version, name, sql) for every shipped migration, in order."""
    return [(v, path.name, path.read_text(encoding="utf-8")) for v, path in _migration_files()]


LATEST_VERSION = _migration_files()[-1][0]


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
    for version, path in _migration_files():
        if version <= current or (target is not None and version > target):
            continue
        sql, name = path.read_text(encoding="utf-8"), path.name
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _statements(sql):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:  # SQLite may have rolled back itself (disk full)
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
    conn.execute("PRAGMA secure_delete = ON")  # freed space is zeroed (erasure, §5)
    return conn


class Store:
    """The local database: a connection, sqlite-utils over it, and the sync replica."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        path: Path | None = None,
        wall: Callable[[], int] | None = None,
    ) -> None:
        self.conn = conn
        self.path = path
        self._wall = wall
        self._replica: LocalReplica | None = None
        self._db: Any = None

    @property
    def replica(self) -> LocalReplica:
        """The sync replica (every write goes through it), made on first use (start-up time)."""
        if self._replica is None:
            from kenttä_sync.device import LocalReplica

            from kenttä.store.schema import SCHEMA

            self._replica = LocalReplica(self.conn, SCHEMA, wall=self._wall)
        return self._replica

    @replica.setter
    def replica(self, replica: LocalReplica) -> None:
        self._replica = replica

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

    def state(self, key: str) -> str | None:
        """A value of the replica's `_sync_state` (as `replica.state`, without loading it)."""
        row = self.conn.execute("SELECT value FROM _sync_state WHERE key = ?", (key,)).fetchone()
        return None if row is None else row[0]

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
        files.create_private(path)  # 0600; SQLite gives its -wal and -shm the same mode
    try:
        conn = connect(path, passphrase)
        migrate(conn, target_version)
        fts.repair(conn)  # a bulk load that died with its FTS triggers dropped
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"cannot open {path}: {exc}") from None
    store = Store(conn, None if str(path) == ":memory:" else path, wall=wall)
    if not _installed(conn):
        conn.execute("BEGIN IMMEDIATE")
        _replica_to_install(store).install()
        conn.execute("COMMIT")
    return store


def _replica_to_install(store: Store) -> LocalReplica:
    """The replica whose install makes the sync metadata and indexes. A database kept at an
    older schema on purpose (`target_version`, the upgrade tests) lacks the tables later
    migrations add: install over the tables it has (those migrations index their own)."""
    if schema_version(store.conn) >= LATEST_VERSION:
        return store.replica
    from kenttä_sync.device import LocalReplica

    from kenttä.store.schema import SCHEMA

    present = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master")}
    tables = tuple(t for t in SCHEMA.tables if t.name in present)
    return LocalReplica(store.conn, SCHEMA.model_copy(update={"tables": tables}), wall=store._wall)


def _installed(conn: sqlite3.Connection) -> bool:
    """Whether the replica's change log and device id are in place (as after install())."""
    try:
        row = conn.execute("SELECT 1 FROM _sync_state WHERE key = 'device_id'").fetchone()
    except sqlite3.OperationalError:  # no _sync_state table yet: a new database
        return False
    return row is not None
