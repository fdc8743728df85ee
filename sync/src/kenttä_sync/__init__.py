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

from kenttä_sync.central import CentralStore, open_postgres, open_sqlite
from kenttä_sync.changes import PROTOCOL_VERSION, Change, Op
from kenttä_sync.engine import Engine
from kenttä_sync.export import canonical_export
from kenttä_sync.hlc import ClockError, HybridLogicalClock, Stamp
from kenttä_sync.ids import uuid7
from kenttä_sync.replica import LocalReplica, Transaction, WriteError
from kenttä_sync.schema import SyncSchema, TableSpec

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
