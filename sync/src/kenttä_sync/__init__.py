"""kenttä_sync: convergent, lossless replication of an application's SQLite tables.

It knows tables, columns, scopes and natural keys, never what the application stores.

Modules:
    ids, hlc       UUIDv7 ids; hybrid logical clock stamps
    schema         TableSpec / SyncSchema: what the application declares
    changes        the Change (one write to one row) and the change-log format
    replica        LocalReplica / Transaction: the device's write path (insert, update, delete,
                   erase, resolve), each write logged in the same SQLite transaction
    engine         the merge engine used by devices and the central store alike
    special        erase, natural-key merge and resolve, as the engine applies them
    conflicts      finding concurrent same-field writes and recording the pairs
    naturalkeys    finding natural-key twins (the central store makes the merges)
    db, meta       the SQL layer over sqlite3 / psycopg; the _conflicts/_merges tables
    central        CentralStore over SQLite or PostgreSQL: merged state, central log, devices
    protocol       versioned messages; push/pull over stores; handle(bytes) for a server;
                   push_once/pull_once/sync for a device with any bytes transport
    device         the device's sync state: pending changes, acknowledgements, cursor
    export         canonical_export: the bytes converged replicas agree on
"""

import importlib
from typing import Any

# Public names and the module that defines each. They are imported on first use, so that
# importing one module (say the device's replica) does not load the central store, psycopg
# or the server: start-up time of the app matters.
_EXPORTS = {
    "PROTOCOL_VERSION": "changes",
    "CentralStore": "central",
    "Change": "changes",
    "ClockError": "hlc",
    "Engine": "engine",
    "HybridLogicalClock": "hlc",
    "LocalReplica": "replica",
    "Op": "changes",
    "Stamp": "hlc",
    "SyncSchema": "schema",
    "TableSpec": "schema",
    "Transaction": "replica",
    "WriteError": "replica",
    "canonical_export": "export",
    "open_postgres": "central",
    "open_sqlite": "central",
    "uuid7": "ids",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'kenttä_sync' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"kenttä_sync.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


__all__ = [
    "PROTOCOL_VERSION",
    "CentralStore",
    "Change",
    "ClockError",
    "Engine",
    "HybridLogicalClock",
    "LocalReplica",
    "Op",
    "Stamp",
    "SyncSchema",
    "TableSpec",
    "Transaction",
    "WriteError",
    "canonical_export",
    "open_postgres",
    "open_sqlite",
    "uuid7",
]
