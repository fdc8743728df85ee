"""kenttä_sync: convergent, lossless replication of an application's SQLite tables.

It knows tables, columns, scopes and counters, never what the application stores.
"""

from kenttä_sync.changes import PROTOCOL_VERSION, Change, Op
from kenttä_sync.hlc import ClockError, HybridLogicalClock, Stamp
from kenttä_sync.ids import uuid7
from kenttä_sync.replica import LocalReplica, Transaction, WriteError
from kenttä_sync.schema import SyncSchema, TableSpec

__all__ = [
    "PROTOCOL_VERSION",
    "Change",
    "ClockError",
    "HybridLogicalClock",
    "LocalReplica",
    "Op",
    "Stamp",
    "SyncSchema",
    "TableSpec",
    "Transaction",
    "WriteError",
    "uuid7",
]
