"""kenttä_sync: convergent, lossless replication of an application's SQLite tables.

It knows tables, columns, scopes and natural keys, never what the application stores.

Rooms (each package's __init__ says what it offers):
    ground      ids, HLC stamps, the Change, the schema and role policy, value checks, the
                SQL layer (sqlite3 / psycopg), bookkeeping tables, canonical export
    merge       the merge engine used by devices and the central store alike: per-column
                LWW, kept conflicts, erase / natural-key merge / resolve
    device      LocalReplica / Transaction (the write path), the device's sync state,
                quarantine of refused pulls
    central     CentralStore over SQLite or PostgreSQL: merged state, push checks, the
                central log, compaction after erasure
    counters    bounded counters by escrow, counter orders, their exchange
    transport   protocol messages, the HTTP client and link, resumable syncs, bundles,
                and the office server (transport.server)

Arrows: transport → (device | central | counters) → merge → ground, never back.
"""

import importlib
from typing import Any

# Public names and the module that defines each. They are imported on first use, so that
# importing one module (say the device's replica) does not load the central store, psycopg
# or the server: start-up time of the app matters.
_EXPORTS = {
    "PROTOCOL_VERSION": "ground.changes",
    "CentralStore": "central.store",
    "Change": "ground.changes",
    "ClockError": "ground.hlc",
    "Engine": "merge.engine",
    "HybridLogicalClock": "ground.hlc",
    "LocalReplica": "device.replica",
    "Op": "ground.changes",
    "Stamp": "ground.hlc",
    "SyncSchema": "ground.schema",
    "TableSpec": "ground.schema",
    "Transaction": "device.replica",
    "WriteError": "device.replica",
    "canonical_export": "ground.export",
    "open_postgres": "central.store",
    "open_sqlite": "central.store",
    "uuid7": "ground.ids",
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
