"""The app's side of sync: kenttä_sync driven with kenttä's schema and config.

client: enrolment, `kenttä sync` over HTTP (resumable), bundles; status: what the Sync
screen shows, read defensively from the local database.
"""

from kenttä.services._lazy import lazy_exports

_EXPORTS = {
    "NotEnrolledHere": "client",
    "Enrolment": "client",
    "enrolment": "client",
    "require_enrolment": "client",
    "Transport": "client",
    "enroll": "client",
    "ensure_indexes": "client",
    "server_urls": "client",
    "sync": "client",
    "describe": "client",
    "refused": "client",
    "quarantined": "client",
    "export_bundle": "client",
    "import_reply": "client",
    "Conflict": "status",
    "SyncStatus": "status",
    "unsynced_count": "status",
    "conflicts": "status",
    "record_names": "status",
    "stamp_time": "status",
    "resolve": "status",
    "ConflictError": "status",
    "retry_line": "status",
}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
__all__ = sorted(_EXPORTS)
