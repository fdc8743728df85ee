"""Month by month over a period: participants entering, active, finishing, on positive paths.

Per calendar month m (clipped to the period): `entered` are clients who started with an
entry date in m; `active` are participants in m (the ESF participant rule of `esf` applied to
the month); `finished` are leavers with an exit date in m; `positive` are those leavers whose
exit outcome is a positive continuation path. Summed over the months, `entered`, `finished`
and `positive` equal the report's figures for participants who entered in the period,
`finished` and `positive_paths`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta

from kenttä.domain.codes import POSITIVE_PATHS
from kenttä.services.context import Workspace
from kenttä.services.refusal import Refused
from kenttä.services.reports._base import (
    Period,
    add_months,
    is_leaver,
    is_participant,
    load_clients,
)

_POSITIVE = frozenset(o.value for o in POSITIVE_PATHS)


@dataclass(frozen=True)
class MonthPoint:
    month: str  # YYYY-MM
    entered: int
    active: int
    finished: int
    positive: int

    def as_dict(self) -> dict[str, int | str]:
        return asdict(self)


def months(period: Period) -> list[Period]:
    """The calendar months of a period, the first and last clipped to it."""
    out = []
    first = period.start.replace(day=1)
    while first <= period.end:
        last = add_months(first, 1) - timedelta(days=1)
        out.append(Period(max(first, period.start), min(last, period.end)))
        first = add_months(first, 1)
    return out


def monthly_trend(ws: Workspace, period: Period, programme: str | None = None) -> list[MonthPoint]:
    """One point per month of the period, in order (one pass over the clients)."""
    spans = months(period)
    n = len(spans)
    first = period.start

    def index(day: date) -> int:
        return (day.year - first.year) * 12 + day.month - first.month

    entered, finished, positive = [0] * n, [0] * n, [0] * n
    delta = [0] * (n + 1)  # active: +1 from the first month, -1 after the last
    for c in load_clients(ws, programme):
        if not is_participant(c, period):
            continue
        assert c.entry_date is not None
        delta[index(max(c.entry_date, period.start))] += 1
        delta[index(min(c.exit_date or period.end, period.end)) + 1] -= 1
        if period.contains(c.entry_date):
            entered[index(c.entry_date)] += 1
        if is_leaver(c, period):
            assert c.exit_date is not None
            finished[index(c.exit_date)] += 1
            positive[index(c.exit_date)] += c.outcome in _POSITIVE
    points, active = [], 0
    for i, span in enumerate(spans):
        active += delta[i]
        points.append(
            MonthPoint(span.start.strftime("%Y-%m"), entered[i], active, finished[i], positive[i])
        )
    return points


def lifetime(ws: Workspace, programme: str | None, today: date) -> Period:
    """From the programme's first entry date (or today) to today."""
    sql = "SELECT MIN(entry_date) FROM clients WHERE _deleted IS NULL AND _erased IS NULL"
    args: tuple[str, ...] = ()
    if programme is not None:
        sql += " AND programme = ?"
        args = (programme,)
    first = ws.store.conn.execute(sql + " AND entry_date IS NOT NULL", args).fetchone()[0]
    start = date.fromisoformat(first) if first else today
    return Period(min(start, today), today)


PERIOD_KINDS = ("year", "12m", "lifetime")


def period_for(ws: Workspace, kind: str, today: date, programme: str | None = None) -> Period:
    """The dashboard's periods: this calendar year, the last 12 months, the programme's life."""
    if kind == "year":
        return Period(date(today.year, 1, 1), today)
    if kind == "12m":
        return Period(add_months(today, -12) + timedelta(days=1), today)
    if kind == "lifetime":
        return lifetime(ws, programme, today)
    raise Refused("period_kind", f"unknown period kind {kind!r}")
