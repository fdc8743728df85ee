"""The central store (SQLite or PostgreSQL): merged state, the central log, devices, cursors.

store: `CentralStore`, `open_sqlite`, `open_postgres`; checks: what a device's push may
contain; log: a device's pull by scope and pages; positions: per-scope push locks and
log positions on PostgreSQL; snapshot: a fresh device's first sync; compaction: leaving no erased value in the
store's files. Transactions pushed in pieces are staged by transport.chunked_push.
"""

from kenttä_sync._lazy import lazy_exports

_EXPORTS = {
    "CENTRAL_DEVICE": "store",
    "CentralStore": "store",
    "Device": "store",
    "NotEnrolled": "store",
    "PushResult": "store",
    "SequenceGap": "store",
    "StoreFormatError": "store",
    "open_postgres": "store",
    "open_sqlite": "store",
}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
__all__ = sorted(_EXPORTS)
