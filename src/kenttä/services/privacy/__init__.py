"""The privacy room: what the GDPR and the municipality's rules ask of the app.

audit: every view, change, export and erasure of a person's data; erasure: erasing a
person and the retention rule; subject_access: a person's data and audit trail as files;
session_lock: what the UI needs to lock itself when idle.
"""

from kenttä.services._lazy import lazy_exports

_EXPORTS = {
    "AuditAction": "audit",
    "audit_in": "audit",
    "events_for": "audit",
    "FTS_INDEXES": "erasure",
    "ErasureError": "erasure",
    "RetentionCandidate": "erasure",
    "erasure_available": "erasure",
    "erase_client": "erasure",
    "drop_drafts": "erasure",
    "compact_store": "erasure",
    "compaction_pending": "erasure",
    "compact_after_erasures": "erasure",
    "retention_cutoff": "erasure",
    "retention_candidates": "erasure",
    "purge": "erasure",
    "Clock": "session_lock",
    "IdleLock": "session_lock",
    "RELATED": "subject_access",
    "LABELS": "subject_access",
    "ACTIONS_FI": "subject_access",
    "AUDIT_COLUMNS": "subject_access",
    "SubjectAccessError": "subject_access",
    "resolve_client": "subject_access",
    "client_audit_trail": "subject_access",
    "subject_access_report": "subject_access",
    "render_text": "subject_access",
    "write_subject_access": "subject_access",
}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
__all__ = sorted(_EXPORTS)
