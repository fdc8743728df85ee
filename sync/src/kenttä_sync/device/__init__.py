"""The device's side: the local replica and its sync state.

replica: `LocalReplica` and `Transaction`, the write path where every mutation of a
replicated table is logged in the same SQLite transaction; state: pending changes,
acknowledgements, the pull cursor, applying a pull; quarantine: pulled changes refused and
kept so they can be shown; snapshot: a fresh device's first sync, loaded in bulk.
"""

from kenttä_sync._lazy import lazy_exports

_EXPORTS = {
    "LocalReplica": "replica",
    "Transaction": "replica",
    "WriteError": "replica",
    "to_sql": "replica",
    "quarantined": "quarantine",
    "BulkHook": "snapshot",
    "SnapshotRefused": "snapshot",
    "apply_snapshot": "snapshot",
}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
__all__ = sorted(_EXPORTS)
