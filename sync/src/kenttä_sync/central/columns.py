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


def _existing(db: Db, table: str) -> set[str]:
    if db.kind == "sqlite":
        return {str(r[1]) for r in db.execute(f"PRAGMA table_info({table})")}
    rows = db.execute(
        "SELECT column_name FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND table_name = ?",
        (table,),
    )
    return {str(r[0]) for r in rows}


def add_missing(db: Db, schema: SyncSchema) -> list[tuple[str, str]]:
    """Add the schema's columns an existing table lacks; returns (table, column) added."""
    types = SQLITE_TYPES if db.kind == "sqlite" else POSTGRES_TYPES
    added: list[tuple[str, str]] = []
    for spec in schema.tables:
        have = _existing(db, spec.name)
        for name, kind in spec.columns.items():
            if name not in have:
                db.execute(f"ALTER TABLE {spec.name} ADD COLUMN {name} {types[kind]}")
                added.append((spec.name, name))
    return added
