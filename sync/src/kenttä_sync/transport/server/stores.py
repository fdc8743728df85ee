"""Opening a central store from a URL, and a small pool of them for the server.

`sqlite:PATH` (also `sqlite:///PATH`) opens an SQLite file; `postgresql://…` or
`postgres://…` (any libpq URI) opens PostgreSQL. Each pooled store owns one connection;
requests borrow one for their whole database work, so a connection is never used by two
threads at once. Only the first connection installs the schema (DDL such as CREATE INDEX
IF NOT EXISTS takes table locks on PostgreSQL, which would deadlock with pushes under
load); later ones just connect. A connection that raised a database error is closed and
replaced, so a restarted database or a broken socket heals itself. SQLite connections wait
up to a minute for the single writer, and a request waits at most `WAIT_SECONDS` for a free
connection (then `PoolBusy`, which the server answers with 503): no request waits unbounded.
"""

from __future__ import annotations

import queue
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from kenttä_sync.central.store import CentralStore
from kenttä_sync.ground.db import PostgresDb, SqliteDb, create_private_file
from kenttä_sync.ground.schema import SyncSchema
from kenttä_sync.transport import chunked_push as chunked
from kenttä_sync.transport.server import enrolment

WAIT_SECONDS = 60.0
STATEMENT_TIMEOUT_MS = 120_000


class PoolBusy(RuntimeError):
    """Every connection stayed in use for WAIT_SECONDS (the server answers 503)."""


class StoreUrlError(ValueError):
    """A --store value that names no supported database."""


def parse_store_url(url: str) -> tuple[str, str]:
    """('sqlite', path) or ('postgres', conninfo)."""
    if url.startswith(("postgresql://", "postgres://")):
        return "postgres", url
    if url.startswith("sqlite:"):
        path = url[len("sqlite:") :]
        if path.startswith("//"):  # sqlite:///abs/path or sqlite://rel/path
            path = path[2:]
        if not path:
            raise StoreUrlError("sqlite: needs a path, e.g. sqlite:/srv/kentta/central.db")
        return "sqlite", path
    raise StoreUrlError("the store must be sqlite:PATH or postgresql://… (a libpq URI)")


def _installed(central: CentralStore) -> bool:
    if central.db.kind == "postgres":
        return central.db.execute("SELECT to_regclass('_bundles_seen')")[0][0] is not None
    found = central.db.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_bundles_seen'"
    )
    return bool(found)


def connect_central(
    url: str, schema: SyncSchema, install: bool | None = True, serving: bool = False
) -> CentralStore:
    """A central store over a new connection. `install`: True creates (or upgrades) the
    tables, False never, None only when the store is new (administration commands, so they
    take no table locks on a busy store). `serving`: a connection of the server's pool,
    whose PostgreSQL statements stop after STATEMENT_TIMEOUT_MS (a 503 to the client)."""
    kind, where = parse_store_url(url)
    if kind == "postgres":
        import psycopg

        extra = {"options": f"-c statement_timeout={STATEMENT_TIMEOUT_MS}"} if serving else {}
        central = CentralStore(PostgresDb(psycopg.connect(where, **extra)), schema)
    else:
        create_private_file(where)  # mode 0600, and so its -wal and -shm
        conn = sqlite3.connect(where, isolation_level=None, check_same_thread=False)
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "cache_size=-262144",
                       "busy_timeout=60000"):  # fmt: skip
            conn.execute(f"PRAGMA {pragma}")
        central = CentralStore(SqliteDb(conn), schema)
    if install is None:
        install = not _installed(central)
    if install:
        central.install()
        enrolment.install(central)
        chunked.install(central)
    return central


def open_central(
    url: str, schema: SyncSchema, install: bool | None = None, serving: bool = False
) -> CentralStore:
    """A central store with the server's tables (created if the store is new)."""
    return connect_central(url, schema, install=install, serving=serving)


class StorePool:
    """Up to `size` central stores over one database, borrowed per request."""

    def __init__(self, url: str, schema: SyncSchema, size: int | None = None) -> None:
        self.url = url
        self.schema = schema
        kind, _ = parse_store_url(url)
        self.size = size or (2 if kind == "sqlite" else 8)
        self._idle: queue.LifoQueue[CentralStore] = queue.LifoQueue()
        self._lock = threading.Lock()
        self._all = [
            open_central(url, schema, install=True, serving=True)
        ]  # fail at start-up, not later
        self._idle.put(self._all[0])
        self._made = 1

    @contextmanager
    def store(self, keep: tuple[type[BaseException], ...] = ()) -> Iterator[CentralStore]:
        """Borrow a store; an exception not in `keep` retires its connection."""
        try:
            central = self._idle.get_nowait()
        except queue.Empty:
            central = self._grow() or self._wait()
        try:
            yield central
        except keep:
            self._release(central)
            raise
        except BaseException:
            self._discard(central)
            raise
        else:
            self._release(central)

    def _wait(self) -> CentralStore:
        try:
            return self._idle.get(timeout=WAIT_SECONDS)
        except queue.Empty:
            raise PoolBusy("every database connection is busy") from None

    def _release(self, central: CentralStore) -> None:
        if central.db.in_transaction():  # never hand on a connection mid-transaction
            self._discard(central)
        else:
            self._idle.put(central)

    def _grow(self) -> CentralStore | None:
        with self._lock:
            if self._made >= self.size:
                return None
            self._made += 1
        try:
            central = connect_central(self.url, self.schema, install=False, serving=True)
        except BaseException:
            with self._lock:
                self._made -= 1
            raise
        with self._lock:
            self._all.append(central)
        return central

    def _discard(self, central: CentralStore) -> None:
        with self._lock:
            self._made -= 1
            if central in self._all:
                self._all.remove(central)
        with suppress(Exception):  # already broken
            central.close()

    def close(self) -> None:
        for central in self._all:
            with suppress(Exception):
                central.close()
        self._all.clear()
