"""An older central store's tables get the columns a later schema added (at install).

A table's DDL is `CREATE TABLE IF NOT EXISTS`: a store made by an earlier version of the
application keeps its tables as they were, so a column the application added since (a
device migrated its own database) would be missing and every push writing it would fail.
`add_missing` adds each such column, empty (NULL), as the device's migration did; it
never drops or changes a column. Runs inside `CentralStore.install`'s transaction.
"""

from __future__ import annotations

from kenttä_sync.ground.db import Db
from kenttä_sync.ground.schema import POSTGRES_TYPES, SQLITE_TYPES, SyncSchema


def _existing(db: Db, tables: list[str]) -> dict[str, set[str]]:
    """The columns each of `tables` has now (a table not there: none)."""
    found: dict[str, set[str]] = {table: set() for table in tables}
    if db.kind == "sqlite":
        for table in tables:
            found[table] = {str(r[1]) for r in db.execute(f"PRAGMA table_info({table})")}
        return found
    # the catalogue itself, in one query: information_schema.columns is a view over it that
    # costs a few milliseconds a table, on every start of every server process
    rows = db.execute(
        "SELECT c.relname, a.attname FROM pg_attribute a"
        " JOIN pg_class c ON c.oid = a.attrelid"
        " JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = current_schema() AND c.relname = ANY(?)"
        " AND a.attnum > 0 AND NOT a.attisdropped",
        (list(tables),),
    )
    for table, column in rows:
        found[str(table)].add(str(column))
    return found


def add_missing(db: Db, schema: SyncSchema) -> list[tuple[str, str]]:
    """Add the schema's columns an existing table lacks; returns (table, column) added."""
    types = SQLITE_TYPES if db.kind == "sqlite" else POSTGRES_TYPES
    added: list[tuple[str, str]] = []
    existing = _existing(db, [spec.name for spec in schema.tables])
    for spec in schema.tables:
        have = existing[spec.name]
        for name, kind in spec.columns.items():
            if name not in have:
                db.execute(f"ALTER TABLE {spec.name} ADD COLUMN {name} {types[kind]}")
                added.append((spec.name, name))
    return added
