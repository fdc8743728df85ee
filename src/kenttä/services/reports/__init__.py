"""Reports: ESF+ monitoring, follow-ups, data quality and the monthly trend (no Textual here)."""

from kenttä.services.reports._base import (
    Period,
    ReportError,
    known_programmes,
    parse_day,
    resolve_programme,
)

__all__ = ["Period", "ReportError", "known_programmes", "parse_day", "resolve_programme"]
