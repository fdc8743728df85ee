"""Local time is Finnish time, whatever zone the laptop is set to.

Timestamps are stored in UTC; "today", and the day a timestamp falls on, are Helsinki's:
a note written at 00:30 on 4 December in Helsinki is a note of 4 December on every screen
and in every report, also on a laptop left on UTC or set to New York. The zone data comes
from the OS, or from the `tzdata` package where the OS has none (Windows).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

HELSINKI = ZoneInfo("Europe/Helsinki")


def now() -> datetime:
    """The current time in Helsinki (zone-aware)."""
    return datetime.now(HELSINKI)


def today() -> date:
    """Today's date in Helsinki."""
    return now().date()


def local_datetime(value: datetime | str) -> datetime:
    """A stored timestamp (ISO text or datetime; naive means UTC) as Helsinki time."""
    when = datetime.fromisoformat(value) if isinstance(value, str) else value
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(HELSINKI)


def local_date(value: date | datetime | str) -> date:
    """The Helsinki day of a timestamp; a plain date is itself.

    Text: an ISO timestamp (`YYYY-MM-DDTHH:MM…`, a space for the T too) is converted; any
    other text starting with `YYYY-MM-DD` (a date, a period `…/…`) is that date. Raises
    ValueError for text that is neither.
    """
    if isinstance(value, datetime):
        return local_datetime(value).date()
    if isinstance(value, date):
        return value
    text = value.strip()
    if len(text) > 10 and text[10] in "T ":
        return local_datetime(text).date()
    return date.fromisoformat(text[:10])
