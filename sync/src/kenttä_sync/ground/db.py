"""The few database operations the merge engine needs, over SQLite or PostgreSQL.

SQL is written once with `?` placeholders; the PostgreSQL wrapper turns them into `%s`
(so statements must not contain a literal `?` or `%`). Both backends accept `IN (?, ?, …)`
lists; `chunks` keeps them short. `transaction()` nests: an inner block inside an open
transaction joins it (the outermost block commits or rolls back).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any

CHUNK = 500
_CAST = {"text": str, "bigint": int, "float8": float}


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def marks(n: int) -> str:
    """`?, ?, …` for an IN list of n values."""
    return ", ".join("?" * n)


def create_private_file(path: str) -> None:
    """Create an SQLite file empty with mode 0600 unless it exists (SQLite then gives its
    -wal and -shm the same mode); on Windows the mode is only the read-only bit."""
    if path == ":memory:" or path.startswith("file:"):
        return
    with suppress(OSError):  # it exists, or SQLite will say why it cannot be opened
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


class Db:
    """A connection the engine can run statements on."""

    kind: str = "abstract"

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        raise NotImplementedError

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        raise NotImplementedError

    def script(self, sql: str) -> None:
        raise NotImplementedError

    def stream(
        self, sql: str, params: Sequence[Any] = (), size: int = 5000
    ) -> Iterator[list[tuple]]:
        """The rows of a query in batches of at most `size`, read as they are consumed (never
        the whole result in memory). Inside a transaction on PostgreSQL (a server-side
        cursor); the caller finishes (or closes) one stream before its next statement."""
        raise NotImplementedError
        yield

    @contextmanager
    def transaction(self) -> Iterator[None]:
        raise NotImplementedError
        yield

    def in_transaction(self) -> bool:
        raise NotImplementedError

    def select_in(
        self, sql: str, ids: Sequence[Any], before: Sequence[Any] = (), after: Sequence[Any] = ()
    ) -> list[tuple]:
        """Run `sql` (containing `{in}`) once per chunk of ids; concatenated rows."""
        rows: list[tuple] = []
        for part in chunks(list(ids)):
            rows.extend(
                self.execute(sql.replace("{in}", marks(len(part))), (*before, *part, *after))
            )
        return rows


class SqliteDb(Db):
    """An sqlite3 connection opened with isolation_level=None (explicit transactions)."""

    kind = "sqlite"

    def __init__(self, conn: sqlite3.Connection) -> None:
        if conn.isolation_level is not None:
            raise ValueError("open the sqlite3 connection with isolation_level=None")
        self.conn = conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        return self.conn.execute(sql, params).fetchall()

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        self.conn.executemany(sql, rows)

    def stream(
        self, sql: str, params: Sequence[Any] = (), size: int = 5000
    ) -> Iterator[list[tuple]]:
        cur = self.conn.execute(sql, params)
        try:
            while batch := cur.fetchmany(size):
                yield batch
        finally:
            cur.close()

    def script(self, sql: str) -> None:
        for statement in sql.split(";"):
            if statement.strip():
                self.conn.execute(statement)

    def in_transaction(self) -> bool:
        return self.conn.in_transaction

    @contextmanager
    def transaction(self) -> Iterator[None]:
        if self.conn.in_transaction:
            yield
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
            self.conn.execute("COMMIT")
        except BaseException:
            if self.conn.in_transaction:  # SQLite may have rolled back itself (disk full)
                self.conn.execute("ROLLBACK")
            raise


class PostgresDb(Db):
    """A psycopg 3 connection in autocommit mode; transactions are explicit."""

    kind = "postgres"

    def __init__(self, conn: Any) -> None:
        conn.autocommit = True
        self.conn = conn
        self._depth = 0
        self._cursors = 0

    @staticmethod
    def _sql(sql: str) -> str:
        return sql.replace("?", "%s")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        with self.conn.cursor() as cur:
            cur.execute(self._sql(sql), params or None)
            return cur.fetchall() if cur.description else []

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        rows = list(rows)
        if not rows:
            return
        with self.conn.cursor() as cur:
            cur.executemany(self._sql(sql), rows)

    def stream(
        self, sql: str, params: Sequence[Any] = (), size: int = 5000
    ) -> Iterator[list[tuple]]:
        """A named (server-side) cursor: PostgreSQL sends `size` rows per fetch."""
        if not self.in_transaction() and self.conn.info.transaction_status == 0:  # IDLE
            raise RuntimeError("a streamed query needs an open transaction on PostgreSQL")
        self._cursors += 1
        with self.conn.cursor(name=f"kentta_stream_{self._cursors}") as cur:
            cur.itersize = size
            cur.execute(self._sql(sql), params or None)
            while batch := cur.fetchmany(size):
                yield batch

    def select_in(
        self, sql: str, ids: Sequence[Any], before: Sequence[Any] = (), after: Sequence[Any] = ()
    ) -> list[tuple]:
        """One statement whatever the number of ids: `IN ({in})` becomes `= ANY(array)`."""
        ids = list(ids)
        if not ids:
            return []
        return self.execute(sql.replace("IN ({in})", "= ANY(?)"), (*before, ids, *after))

    def write_rows(
        self,
        table: str,
        columns: Sequence[str],
        types: Sequence[str],
        rows: Sequence[Sequence[Any]],
        update: bool,
    ) -> None:
        """Insert (ON CONFLICT (id) DO NOTHING) or update by id many rows in one statement,
        passing each column as an array (the last column is the id for updates)."""
        if not rows:
            return
        arrays = [
            [None if v is None else _CAST[t](v) for v in col]  # arrays must be of one type
            for col, t in zip(zip(*rows, strict=True), types, strict=True)
        ]
        names = ", ".join(columns)
        source = ", ".join(f"?::{t}[]" for t in types)
        if update:
            sets = ", ".join(f"{c} = v.{c}" for c in columns[:-1])
            sql = (
                f"UPDATE {table} SET {sets} FROM unnest({source}) AS v({names})"
                f" WHERE {table}.id = v.id"
            )
        else:
            sql = f"INSERT INTO {table} ({names}) SELECT * FROM unnest({source}) ON CONFLICT (id) DO NOTHING"
        self.execute(sql, arrays)

    def copy_rows(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        """COPY rows in (the fast path for appending to the change log)."""
        with (
            self.conn.cursor() as cur,
            cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)

    def script(self, sql: str) -> None:
        with self.conn.cursor() as cur:
            for statement in sql.split(";"):
                if statement.strip():
                    cur.execute(statement)

    def in_transaction(self) -> bool:
        return self._depth > 0

    @contextmanager
    def transaction(self) -> Iterator[None]:
        if self._depth:
            yield
            return
        self._depth += 1
        try:
            with self.conn.transaction():
                yield
        finally:
            self._depth -= 1
