"""The ground every other room stands on: what a change is and where it is kept.

Clock stamps (hlc) and ids (UUIDv7), the Change and its log format (changes), the schema an
application declares (schema) with its role policy (policy) and value checks (values), the
SQL layer over sqlite3/psycopg (db) with the bookkeeping tables (meta), error text without
request values (errortext) and the canonical export converged replicas agree on (export).
Imports nothing else from kenttä_sync.
"""

from kenttä_sync._lazy import lazy_exports

_EXPORTS = {
    "PROTOCOL_VERSION": "changes",
    "Change": "changes",
    "Op": "changes",
    "ClockError": "hlc",
    "HybridLogicalClock": "hlc",
    "Stamp": "hlc",
    "uuid7": "ids",
    "new_device_id": "ids",
    "ColumnType": "schema",
    "META_COLUMNS": "schema",
    "SyncSchema": "schema",
    "TableSpec": "schema",
    "RolePolicy": "policy",
    "TableAccess": "policy",
    "CONFLICT_COLUMNS": "meta",
    "Db": "db",
    "PostgresDb": "db",
    "SqliteDb": "db",
    "create_private_file": "db",
    "canonical_export": "export",
}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
__all__ = sorted(_EXPORTS)
