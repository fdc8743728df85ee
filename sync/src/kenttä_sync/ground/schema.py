"""The schema an application hands to the sync module.

kenttä_sync knows tables, columns, scopes and natural keys, never what they mean. The app
declares each replicated table once; DDL for SQLite and PostgreSQL is generated from it.
The office checks what devices send against it: column types, `codes` and `required`
columns (values.py), and per role what may be read and written (`policies`, policy.py).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from kenttä_sync.ground.policy import NO_ACCESS, RolePolicy

ColumnType = Literal["text", "integer", "real", "boolean", "date", "json"]
TableKind = Literal["lww", "append_only"]

# Sync metadata kept in every replicated row. `_stamp` is the stamp of the insert; `_clock`
# a JSON object {column: stamp} for columns written after the insert (absent: `_stamp`);
# `_deleted` the tombstone stamp; `_erased` the stamp of an erasure (permanent).
# A column holding a final value (see `TableSpec.sticky`) has its stamp marked with
# `STICKY_MARK`, which sorts after every stamp (stamps begin with a digit), so the value
# outranks any write of a non-final value wherever and whenever that was made.
STICKY_MARK = "~"
META_COLUMNS: tuple[str, ...] = ("_stamp", "_clock", "_deleted", "_erased")
# The central store keeps a row's insert in the row itself (see central.py): its position in
# the central log (`_seq`), who made it (`_origin`, `_origin_seq`, `_tx`, `_author`), and
# `_last`, the newest `_changes` entry of the row (the head of the row's history chain).
CENTRAL_COLUMNS: tuple[str, ...] = ("_seq", "_origin", "_origin_seq", "_tx", "_author", "_last")

SQLITE_TYPES: dict[str, str] = {
    "text": "TEXT",
    "integer": "INTEGER",
    "real": "REAL",
    "boolean": "INTEGER",
    "date": "TEXT",
    "json": "TEXT",
}
POSTGRES_TYPES: dict[str, str] = {
    "text": "TEXT",
    "integer": "BIGINT",
    "real": "DOUBLE PRECISION",
    "boolean": "BIGINT",
    "date": "TEXT",
    "json": "TEXT",
}


class TableSpec(BaseModel):
    """One replicated table. Every row has a text primary key `id` made on the device."""

    model_config = ConfigDict(frozen=True)

    name: str
    kind: TableKind = "lww"
    columns: dict[str, ColumnType]
    natural_key: str | None = None
    """A column whose equal non-null values on two rows mean the same thing (one canonical row)."""
    scope_column: str | None = "scope"
    personal_columns: tuple[str, ...] = ()
    """Columns blanked by an erasure (personal data)."""
    references: dict[str, str] = Field(default_factory=dict)
    """column -> table it points at by id; re-pointed when natural-key rows merge."""
    erase_with: str | None = None
    """A column in `references` whose target's erasure erases this row's personal columns too."""
    sticky: dict[str, tuple[str | int, ...]] = Field(default_factory=dict)
    """column -> final values. Once a replica holds a final value in that column, a write of
    any other value loses, whatever its stamp (among final values the last writer wins), and a
    local write of another value is refused. Every replica picks the same winner, so it
    converges; it keeps, e.g., a cancelled voucher cancelled against a concurrent edit."""
    required: tuple[str, ...] = ()
    """Columns a device's insert or update may not leave null (checked at the central store;
    an erasure still blanks personal columns, and a role's pull may leave out columns)."""
    codes: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    """text column -> the only values it may hold (besides null); checked at the central
    store and on a device receiving a pull (see values.py)."""

    @model_validator(mode="after")
    def _check(self) -> TableSpec:
        names = set(self.columns)
        if "id" in names:
            raise ValueError(f"{self.name}: 'id' is implicit, do not declare it")
        for col in (self.natural_key, self.scope_column, self.erase_with):
            if col is not None and col not in names:
                raise ValueError(f"{self.name}: unknown column {col!r}")
        for col in (
            *self.personal_columns,
            *self.references,
            *self.sticky,
            *self.codes,
            *self.required,
        ):
            if col not in names:
                raise ValueError(f"{self.name}: unknown column {col!r}")
        if self.erase_with is not None and self.erase_with not in self.references:
            raise ValueError(f"{self.name}: erase_with must name a reference column")
        if any(c.startswith("_") for c in names):
            raise ValueError(f"{self.name}: column names starting with '_' are reserved")
        return self

    def write_stamp(self, column: str, value: object, stamp: str) -> str:
        """The stamp a write ranks by: marked when it writes a final value of the column."""
        finals = self.sticky.get(column)
        return STICKY_MARK + stamp if finals and value in finals else stamp

    def insert_clock(self, row: dict[str, object], stamp: str) -> dict[str, str]:
        """`_clock` entries an insert starts with: its final values' marked stamps."""
        return {
            col: STICKY_MARK + stamp
            for col, finals in self.sticky.items()
            if row.get(col) in finals
        }

    def sqlite_ddl(self, central: bool = False) -> str:
        return self._ddl(SQLITE_TYPES, central)

    def postgres_ddl(self, central: bool = False) -> str:
        return self._ddl(POSTGRES_TYPES, central)

    def _ddl(self, types: dict[str, str], central: bool) -> str:
        sqlite = types is SQLITE_TYPES
        # Central SQLite: `_seq` is the rowid, so a pull reads new rows in the table's own
        # order and no index on `_seq` needs maintaining; `id` stays unique.
        cols = ["_seq INTEGER PRIMARY KEY", "id TEXT NOT NULL UNIQUE"] if central and sqlite else []
        cols = cols or ["id TEXT PRIMARY KEY"]
        cols += [f"{name} {types[kind]}" for name, kind in self.columns.items()]
        cols += ["_stamp TEXT NOT NULL", "_clock TEXT", "_deleted TEXT", "_erased TEXT"]
        if central:
            cols += [] if sqlite else ["_seq BIGINT NOT NULL"]
            cols += [
                "_origin TEXT NOT NULL", "_origin_seq BIGINT NOT NULL", "_tx TEXT NOT NULL",
                "_author TEXT NOT NULL", "_last BIGINT",
            ]  # fmt: skip
        table = f"CREATE TABLE IF NOT EXISTS {self.name} (\n  " + ",\n  ".join(cols) + "\n)"
        if not central or sqlite:
            return table
        return f"{table};\nCREATE INDEX IF NOT EXISTS _seq_{self.name} ON {self.name} (_seq)"


class SyncSchema(BaseModel):
    """Everything the sync module knows of an application's data."""

    model_config = ConfigDict(frozen=True)

    name: str
    version: int
    tables: tuple[TableSpec, ...]
    policies: dict[str, RolePolicy] = Field(default_factory=dict)
    """role -> what a device of that role may read and write (see policy.py); empty: no
    role limits."""

    @model_validator(mode="after")
    def _check(self) -> SyncSchema:
        names = [t.name for t in self.tables]
        if len(names) != len(set(names)):
            raise ValueError("table names must be unique")
        for role, policy in self.policies.items():
            for name, access in policy.tables.items():
                if name not in names:
                    raise ValueError(f"policy of {role}: unknown table {name!r}")
                columns = self.tables[names.index(name)].columns
                for col in (*access.read, *access.write):
                    if col != "*" and col not in columns:
                        raise ValueError(f"policy of {role}: {name} has no column {col!r}")
        for table in self.tables:
            for col, target in table.references.items():
                if target not in names:
                    raise ValueError(f"{table.name}.{col} references unknown table {target!r}")
        return self

    def policy(self, role: str | None) -> RolePolicy | None:
        """The limits of a device of `role` (None: no limits; an undeclared role: no access)."""
        if role is None or not self.policies:
            return None
        return self.policies.get(role, NO_ACCESS)

    def table(self, name: str) -> TableSpec:
        for table in self.tables:
            if table.name == name:
                return table
        raise KeyError(name)

    @property
    def table_names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.tables)
