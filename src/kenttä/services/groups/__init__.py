"""The group room: group coaching (issue 15 point 4).

core: a coaching group (a series) and its sessions, each with a date, place, coach(es) and
topic; attendance: who attends a session, and marking them present, which writes a note of
kind `group` on the attendee's timeline in the same transaction. Everything is replicated
(coaching_groups, group_sessions, group_attendance) and audited; a coordinator's laptop
receives none of it (casework, store/schema.py POLICIES).
"""

from kenttä.services._lazy import lazy_exports

_EXPORTS = {
    "GroupError": "core",
    "list_groups": "core",
    "get_group": "core",
    "create_group": "core",
    "sessions_of": "core",
    "get_session": "core",
    "create_session": "core",
    "attendees_of": "attendance",
    "add_attendee": "attendance",
    "set_present": "attendance",
    "toggle_present": "attendance",
    "note_body": "attendance",
}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
__all__ = sorted(_EXPORTS)
