"""Opening a central store from a URL, and a small pool of them for the server.

`sqlite:PATH` (also `sqlite:///PATH`) opens an SQLite file; `postgresql://…` or
`postgres://…` (any libpq URI) opens PostgreSQL. Each pooled store owns one connection;
requests borrow one for their whole database work, so a connection is never used by two
threads at once. SQLite connections wait up to a minute for the single writer.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from kenttä_sync.central import CentralStore, open_postgres, open_sqlite
from kenttä_sync.schema import SyncSchema
from kenttä_sync.server import enrolment


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


def open_central(url: str, schema: SyncSchema) -> CentralStore:
    """A central store with the server's tables installed."""
    kind, where = parse_store_url(url)
    if kind == "postgres":
        central = open_postgres(where, schema)
    else:
        central = open_sqlite(where, schema)
        central.db.execute("PRAGMA busy_timeout = 60000")
    enrolment.install(central)
    return central


class StorePool:
    """Up to `size` central stores over one database, opened lazily, borrowed per request."""

    def __init__(self, url: str, schema: SyncSchema, size: int | None = None) -> None:
        self.url = url
        self.schema = schema
        kind, _ = parse_store_url(url)
        self.size = size or (2 if kind == "sqlite" else 8)
        self._idle: queue.LifoQueue[CentralStore] = queue.LifoQueue()
        self._made = 0
        self._lock = threading.Lock()
        self._all: list[CentralStore] = []
        first = open_central(url, schema)  # fail at start-up, not at the first request
        self._all.append(first)
        self._idle.put(first)
        self._made = 1

    @contextmanager
    def store(self) -> Iterator[CentralStore]:
        try:
            central = self._idle.get_nowait()
        except queue.Empty:
            central = self._grow() or self._idle.get()
        try:
            yield central
        except BaseException:
            if central.db.in_transaction():  # never hand on a connection mid-transaction
                self._discard(central)
                raise
            self._idle.put(central)
            raise
        else:
            self._idle.put(central)

    def _grow(self) -> CentralStore | None:
        with self._lock:
            if self._made >= self.size:
                return None
            self._made += 1
        try:
            central = open_central(self.url, self.schema)
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
            self._all.remove(central)
        with suppress(Exception):  # already broken
            central.close()

    def close(self) -> None:
        for central in self._all:
            with suppress(Exception):
                central.close()
        self._all.clear()
