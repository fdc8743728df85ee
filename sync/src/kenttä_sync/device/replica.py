"""The local write path: every mutation of a replicated table goes through a Transaction.

In one SQLite transaction a Transaction writes the rows, their sync metadata and one
change-log entry per changed column (or per inserted row), so a change is either saved and
recorded for sync, or neither. The application owns the connection and the table DDL
(`TableSpec.sqlite_ddl()`); `LocalReplica.install()` adds the change log and sync state.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from kenttä_sync.ground.changes import (
    SQLITE_CHANGE_LOG_DDL,
    Change,
    Op,
    dumps_value,
)
from kenttä_sync.ground.db import SqliteDb
from kenttä_sync.ground.hlc import HybridLogicalClock, Stamp
from kenttä_sync.ground.ids import new_device_id, uuid7
from kenttä_sync.ground.schema import STICKY_MARK, SyncSchema, TableSpec
from kenttä_sync.merge.engine import Engine

_INSERT_CHANGE = (
    "INSERT INTO _changes (change_id, device_id, device_seq, tbl, row_id, col, op, value,"
    " stamp, prev_stamp, tx_id, author) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"
)


class WriteError(ValueError):
    """A mutation that cannot be made (unknown table or column, missing row)."""


def to_sql(kind: str, value: Any) -> Any:
    """The stored form of a column value: JSON as canonical text, booleans as 0/1."""
    if value is None:
        return None
    if kind == "json":
        return value if isinstance(value, str) else dumps_value(value)
    if kind == "boolean":
        return int(bool(value))
    if kind == "date":
        return value if isinstance(value, str) else value.isoformat()
    if kind == "integer" and isinstance(value, bool):
        return int(value)
    return value


class LocalReplica:
    """A device's replica in an SQLite connection opened with isolation_level=None."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        schema: SyncSchema,
        wall: Callable[[], int] | None = None,
        on_erase: Callable[[str, str], None] | None = None,
    ) -> None:
        self.conn = conn
        self.schema = schema
        self._wall = wall
        self._clock: HybridLogicalClock | None = None
        self.on_erase = on_erase
        self.db = SqliteDb(conn)

    # -- state ------------------------------------------------------------------------------
    def install(self, device_id: str | None = None) -> None:
        """Create the change log and sync state, and this replica's device id, if absent."""
        for statement in SQLITE_CHANGE_LOG_DDL.split(";"):
            if statement.strip():
                self.conn.execute(statement)
        self.conn.execute(
            "INSERT OR IGNORE INTO _sync_state (key, value) VALUES ('device_id', ?)",
            (device_id or new_device_id(),),
        )
        self.engine().install()

    def engine(self) -> Engine:
        """The merge engine over this replica (clock caught up with the persisted one)."""
        return Engine(self.db, self.schema, self.clock(), on_erase=self.on_erase)

    def state(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM _sync_state WHERE key = ?", (key,)).fetchone()
        return None if row is None else row[0]

    def set_state(self, key: str, value: str) -> None:
        self.conn.execute(
            "INSERT INTO _sync_state (key, value) VALUES (?, ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    @property
    def device_id(self) -> str:
        device = self.state("device_id")
        if device is None:
            raise WriteError("this database has no device id: run install() first")
        return device

    def clock(self) -> HybridLogicalClock:
        """The replica's clock, caught up with the stamp persisted by any process."""
        persisted = self.state("hlc")
        if self._clock is None:
            kwargs = {"wall": self._wall} if self._wall else {}
            self._clock = HybridLogicalClock(self.device_id, last=persisted, **kwargs)
        elif persisted is not None:
            self._clock.observe_local(Stamp.decode(persisted))
        return self._clock

    # -- transactions -----------------------------------------------------------------------
    @contextmanager
    def transaction(self, author: str) -> Iterator[Transaction]:
        """BEGIN IMMEDIATE … COMMIT; rolls back whole on any exception."""
        if self.conn.in_transaction:
            raise WriteError("a replica transaction cannot nest inside another transaction")
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            clock = self.clock()
            seq = int(self.state("device_seq") or 0)
            tx = Transaction(self, clock, author, seq)
            yield tx
            if tx.device_seq != seq:
                self.set_state("device_seq", str(tx.device_seq))
                self.set_state("hlc", clock.last.encode())
            self.conn.execute("COMMIT")
        except BaseException:
            if self.conn.in_transaction:  # SQLite may have rolled back itself (disk full)
                self.conn.execute("ROLLBACK")
            self._clock = None  # re-read the persisted clock next time
            raise


class Transaction:
    """The mutations of one local transaction; obtained from LocalReplica.transaction()."""

    def __init__(
        self, replica: LocalReplica, clock: HybridLogicalClock, author: str, device_seq: int
    ) -> None:
        self.replica = replica
        self.conn = replica.conn
        self.clock = clock
        self.author = author
        self.device_id = replica.device_id
        self.device_seq = device_seq
        self.tx_id = uuid7()
        self._erased_parents: dict[tuple[str, Any], bool] = {}

    def _spec(self, table: str) -> TableSpec:
        try:
            return self.replica.schema.table(table)
        except KeyError:
            raise WriteError(f"unknown table {table!r}") from None

    def _log(
        self,
        table: str,
        row_id: str,
        column: str | None,
        op: Op,
        value: Any,
        stamp: str,
        prev: str | None,
    ) -> None:
        self.device_seq += 1
        encoded = None if value is None and op != Op.UPDATE else dumps_value(value)
        self.conn.execute(
            _INSERT_CHANGE,
            (
                f"{self.device_id}:{self.device_seq}",
                self.device_id,
                self.device_seq,
                table,
                row_id,
                column,
                op.value,
                encoded,
                stamp,
                prev,
                self.tx_id,
                self.author,
            ),
        )

    def _stored(self, spec: TableSpec, values: Mapping[str, Any]) -> dict[str, Any]:
        unknown = set(values) - set(spec.columns) - {"id"}
        if unknown:
            raise WriteError(f"{spec.name} has no column {sorted(unknown)[0]!r}")
        row = {col: to_sql(kind, values.get(col)) for col, kind in spec.columns.items()}
        for col, target in spec.references.items():  # a merged-away row means its canonical
            if isinstance(row[col], str):
                row[col] = self._canonical(target, row[col])
        parent = row[spec.erase_with] if spec.erase_with else None
        if parent is not None:
            target = spec.references[spec.erase_with]  # type: ignore[index]
            if (target, parent) not in self._erased_parents:
                found = self.conn.execute(
                    f"SELECT _erased FROM {target} WHERE id = ?", (parent,)
                ).fetchone()
                self._erased_parents[(target, parent)] = bool(found and found[0])
            if self._erased_parents[(target, parent)]:
                raise WriteError(f"the {target} row this {spec.name} row belongs to was erased")
        return row

    def _canonical(self, table: str, row_id: str) -> str:
        for _ in range(32):
            found = self.conn.execute(
                "SELECT winner_id FROM _merges WHERE tbl = ? AND loser_id = ?", (table, row_id)
            ).fetchone()
            if found is None:
                break
            row_id = found[0]
        return row_id

    def insert(self, table: str, values: Mapping[str, Any]) -> str:
        """Insert one row (id made here unless given); returns its id."""
        spec = self._spec(table)
        row_id = str(values.get("id") or uuid7())
        row = self._stored(spec, values)
        stamp = self.clock.now().encode()
        clock = spec.insert_clock(row, stamp) if spec.sticky else None
        cols = ["id", *row, "_stamp", "_clock"]
        self.conn.execute(
            f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
            (row_id, *row.values(), stamp, dumps_value(clock) if clock else None),
        )
        self._log(table, row_id, None, Op.INSERT, row, stamp, None)
        return row_id

    def bulk_insert(self, table: str, rows: Iterable[Mapping[str, Any]]) -> int:
        """Insert many rows with executemany: the fast path for seeding and import."""
        spec = self._spec(table)
        cols = ["id", *spec.columns, "_stamp", "_clock"]
        sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
        table_rows: list[tuple] = []
        change_rows: list[tuple] = []
        for values in rows:
            row_id = str(values.get("id") or uuid7())
            row = self._stored(spec, values)
            stamp = self.clock.now().encode()
            self.device_seq += 1
            clock = spec.insert_clock(row, stamp) if spec.sticky else None
            table_rows.append((row_id, *row.values(), stamp, dumps_value(clock) if clock else None))
            change_rows.append(
                (
                    f"{self.device_id}:{self.device_seq}",
                    self.device_id,
                    self.device_seq,
                    table,
                    row_id,
                    None,
                    Op.INSERT.value,
                    dumps_value(row),
                    stamp,
                    None,
                    self.tx_id,
                    self.author,
                )
            )
        self.conn.executemany(sql, table_rows)
        self.conn.executemany(_INSERT_CHANGE, change_rows)
        return len(table_rows)

    def update(self, table: str, row_id: str, values: Mapping[str, Any]) -> list[str]:
        """Set columns of a row; only columns whose value changes are written and logged."""
        spec = self._spec(table)
        if spec.kind == "append_only":
            raise WriteError(f"{table} is append-only: write a new row instead")
        unknown = set(values) - set(spec.columns)
        if unknown:
            raise WriteError(f"{table} has no column {sorted(unknown)[0]!r}")
        for col in (spec.scope_column, spec.erase_with):
            if col in values:
                raise WriteError(f"{table}.{col} cannot change after insert")
        cols = list(values)
        current = self.conn.execute(
            f"SELECT {', '.join([*cols, '_stamp', '_clock', '_deleted', '_erased'])}"
            f" FROM {table} WHERE id = ?",
            (row_id,),
        ).fetchone()
        if current is None or current[-2] is not None or current[-1] is not None:
            raise WriteError(f"no {table} row with that id")
        created, clock_json = current[len(cols)], current[len(cols) + 1]
        col_clock: dict[str, str] = json.loads(clock_json) if clock_json else {}
        changed: list[str] = []
        for i, col in enumerate(cols):
            new = to_sql(spec.columns[col], values[col])
            if col in spec.references and isinstance(new, str):
                new = self._canonical(spec.references[col], new)
            if new == current[i]:
                continue
            prev = col_clock.get(col, created)
            if prev.startswith(STICKY_MARK) and new not in spec.sticky.get(col, ()):
                raise WriteError(f"{table}.{col} holds a final value: it cannot change back")
            stamp = self.clock.now().encode()
            col_clock[col] = spec.write_stamp(col, new, stamp)
            self.conn.execute(f"UPDATE {table} SET {col} = ? WHERE id = ?", (new, row_id))
            self._log(table, row_id, col, Op.UPDATE, new, stamp, prev)
            changed.append(col)
        if changed:
            self.conn.execute(
                f"UPDATE {table} SET _clock = ? WHERE id = ?", (dumps_value(col_clock), row_id)
            )
        return changed

    def delete(self, table: str, row_id: str) -> None:
        """Tombstone a row of an LWW table (the row stays, hidden, so the delete can sync)."""
        spec = self._spec(table)
        if spec.kind == "append_only":
            raise WriteError(f"{table} is append-only: rows are never deleted")
        row = self.conn.execute(
            f"SELECT _stamp, _deleted FROM {table} WHERE id = ?", (row_id,)
        ).fetchone()
        if row is None or row[1] is not None:
            raise WriteError(f"no {table} row with that id")
        stamp = self.clock.now().encode()
        self.conn.execute(f"UPDATE {table} SET _deleted = ? WHERE id = ?", (stamp, row_id))
        self._log(table, row_id, None, Op.DELETE, None, stamp, row[0])

    def _change(
        self, table: str, row_id: str, column: str | None, op: Op, value: Any, prev: str | None
    ) -> Change:
        self.device_seq += 1
        return Change(
            change_id=Change.make_id(self.device_id, self.device_seq),
            device_id=self.device_id,
            device_seq=self.device_seq,
            table=table,
            row_id=row_id,
            column=column,
            op=op,
            value=value,
            stamp=self.clock.now().encode(),
            prev_stamp=prev,
            tx_id=self.tx_id,
            author=self.author,
        )

    def erase(self, table: str, row_id: str) -> None:
        """Erase a row's personal data, and its dependents' (see special.py), for good."""
        self._spec(table)
        row = self.conn.execute(f"SELECT _stamp FROM {table} WHERE id = ?", (row_id,)).fetchone()
        if row is None:
            raise WriteError(f"no {table} row with that id")
        change = self._change(table, row_id, None, Op.ERASE, None, row[0])
        self.replica.engine().apply([change])

    def resolve(self, conflict_id: str, value: Any = None, *, choose: str | None = None) -> None:
        """Resolve a conflict: keep value `a`/`b` (choose=) or write `value`; syncs as a change."""
        found = self.conn.execute(
            "SELECT tbl, row_id, col, value_a, value_b FROM _conflicts WHERE id = ?",
            (conflict_id,),
        ).fetchone()
        if found is None:
            raise WriteError("no conflict with that id")
        table, row_id, column, value_a, value_b = found
        spec = self._spec(table)
        if choose is not None:
            if choose not in ("a", "b"):
                raise WriteError("choose must be 'a' or 'b'")
            text = value_a if choose == "a" else value_b
            stored = None if text is None else json.loads(text)
        else:
            stored = to_sql(spec.columns[column], value)
        row = self.conn.execute(
            f"SELECT _stamp, _clock, _erased FROM {table} WHERE id = ?", (row_id,)
        ).fetchone()
        if row is None or row[2] is not None:
            raise WriteError(f"no {table} row with that id")
        prev = (json.loads(row[1]) if row[1] else {}).get(column, row[0])
        payload = {"conflicts": [conflict_id], "value": stored}
        change = self._change(table, row_id, column, Op.RESOLVE, payload, prev)
        self.replica.engine().apply([change])
