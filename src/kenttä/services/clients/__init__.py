"""The client room: a jobseeker's record and the work a coach does with them.

core: the paged list, search as you type, the card, changes (what a record must satisfy
is in rules); notes (append-only), the service-need assessment, the employment plan
(steps with due dates); feedback (the questionnaire after a coaching); drafts autosaved
locally; screening lists (screening) and client segments (segments). The Today screen's
data (which also reads employers and sync) is kenttä.services.today; FTS5 helpers,
kenttä.services.search. Callers use the
package's names (`from kenttä.services.clients import create_client`) or a module for
its namespace (`from kenttä.services.clients import notes`).
"""

from kenttä.services._lazy import lazy_exports

_EXPORTS = {
    "LIST_COLUMNS": "core",
    "BROAD_MATCH": "core",
    "ClientFilters": "core",
    "ClientRow": "core",
    "list_clients": "core",
    "filter_options": "core",
    "count_clients": "core",
    "get_client": "core",
    "find_by_henkilotunnus": "core",
    "create_client": "core",
    "update_client": "core",
    "set_status": "core",
    "add_months": "core",
    "record_exit": "core",
    "record_outcome_check": "core",
    "outcomes_of": "core",
    "ClientCard": "core",
    "vouchers_of": "core",
    "client_card": "core",
    "names_of": "names",
    "FIXED_FIELDS": "rules",
    "ClientError": "rules",
    "merged_for_update": "rules",
    "validated": "rules",
    "AREAS": "assessments",
    "COLUMNS": "assessments",
    "save_assessment": "assessments",
    "latest": "assessments",
    "note_key": "drafts",
    "save_draft": "drafts",
    "load_draft": "drafts",
    "discard_draft": "drafts",
    "list_drafts": "drafts",
    "NOTE_COLUMNS": "notes",
    "NoteError": "notes",
    "list_notes": "notes",
    "get_note": "notes",
    "add_note": "notes",
    "correct_note": "notes",
    "STEP_COLUMNS": "plans",
    "STATUS_CYCLE": "plans",
    "PlanError": "plans",
    "plan_of": "plans",
    "save_plan": "plans",
    "add_step": "plans",
    "set_step_status": "plans",
    "next_status": "plans",
    "due_steps": "plans",
    "Screening": "screening",
    "ScreeningError": "screening",
    "screen_clients": "screening_rows",
    "SegmentError": "segments",
    "list_segments": "segments",
    "add_segment": "segments",
    "retire_segment": "segments",
    "set_segment": "segments",
    "QUESTIONS": "feedback",
    "FeedbackError": "feedback",
    "record_feedback": "feedback",
    "feedback_of": "feedback",
    "eligibility_of": "intake",
    "record_exception": "intake",
}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
__all__ = sorted(_EXPORTS)
