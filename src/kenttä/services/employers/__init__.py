"""The employer room: employers, the visits made to them and the placements they offer.

core: the paged list and search, the card, changes (sponsor status); visits: company
visits with labour needs, openings and the next contact; placements: a client at an
employer (work trial, wage-subsidised job, …) and follow-ups; paths: placements that follow
one another and the outcome a path ends in; events: information events and who attended.
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
    "add_follow_up": "placements",
    "for_client": "placements",
    "for_employer": "placements",
    "follow_ups_due": "placements",
    "parse_needs": "visits",
    "log_visit": "visits",
    "list_visits": "visits",
    "visits_due": "visits",
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
