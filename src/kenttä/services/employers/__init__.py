"""The employer room: employers, the visits made to them and the placements they offer.

core: the paged list and search, the card, changes (sponsor status); visits: company
visits with labour needs, openings and the next contact; placements: a client at an
employer (work trial, wage-subsidised job, …); follow_ups: contacts after a placement
(who, how it goes, the next date); paths: placements that follow one another and the
outcome a path ends in; events: information events and who attended.
"""

from kenttä.services._lazy import lazy_exports

_EXPORTS = {
    "LIST_COLUMNS": "core",
    "EmployerError": "core",
    "EmployerRow": "core",
    "list_employers": "core",
    "get_employer": "core",
    "create_employer": "core",
    "update_employer": "core",
    "set_sponsor": "core",
    "EmployerCard": "core",
    "employer_card": "core",
    "add_placement": "placements",
    "record_follow_up": "follow_ups",
    "FollowUpError": "follow_ups",
    "for_client": "placements",
    "for_employer": "placements",
    "follow_ups_due": "placements",
    "parse_needs": "visits",
    "log_visit": "visits",
    "list_visits": "visits",
    "visits_due": "visits",
    # issue 16: labour needs and matching
    "NeedError": "needs",
    "record_need": "needs",
    "list_needs": "needs",
    "parse_need_lines": "needs",
    "MatchError": "matching",
    "clients_for_need": "matching",
    "needs_for_client": "matching",
    "propose": "matching",
    "decide": "matching",
    "open_proposals": "matching",
    # issue 16: paths into work, information events
    "PlacementPath": "paths",
    "group_paths": "paths",
    "paths_for_client": "paths",
    "paths_for_employer": "paths",
    "outcome_from_paths": "paths",
    "associations": "paths",
    "add_event": "events",
    "list_events": "events",
    "event_detail": "events",
    "schools": "events",
}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
__all__ = sorted(_EXPORTS)
