"""Screening lists: which clients qualify, and whom nobody has met (issue 15, VÄLKE, Kuopio).

A `Screening` adds conditions to the client list (`core.list_clients`, keyset-paged in name
order), so the Clients screen pages it like any list and `kenttä clients list` reads it
page by page. Every condition is SQL over indexed per-client lookups; nothing loads every
client into Python.

Definitions (what a caseworker relies on; tests pin them):

min_benefit_days N
    `clients.benefit_days` ≥ N (työmarkkinatukipäivät, as entered or imported from the
    TE office's list). A client without the figure does not qualify.
no_activity_days N
    No activity on or after the day N days before `on` (Helsinki days). Activity is a note
    (any kind: meeting, phone, home visit, group; its `written_at`), an assessment
    (`assessed_on`), a placement (its `start_date`, its `end_date` once passed, and each
    follow-up date) or a plan step written (inserted or any column changed). Company visits
    name no client, so a client's visit is the note written of it. A client with no
    activity at all is listed.
plan missing | outdated
    missing: no live plan. outdated: a live plan, and neither the plan nor any of its steps
    was written in the last 90 days (PLAN_STALE_DAYS). A step's "change time" is the hybrid
    logical clock of the sync replica: the row's insert stamp (`_stamp`) and the stamp of each
    later column write (`_clock`), whose first 16 digits are the writing laptop's wall clock
    in milliseconds (UTC). It is the author's clock, never behind it; a laptop whose clock
    ran ahead can make a write look newer (at most a week, the clock's limit), never older.
eligible PROGRAMME
    `kenttä.domain.eligibility.evaluate` for that programme on `on` answers eligible (True):
    the rule is the domain's, called from SQL as a function, so a change of the rules changes
    the list. Unknown data (no birth date, no unemployment data) does not qualify.
segment CODE
    `clients.segment` is CODE (Polku's segments, `segments.py`); `none`: no segment.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal

from kenttä.domain import localtime
from kenttä.services.context import Workspace
from kenttä.services.roles import require

PLAN_STALE_DAYS = 90
PlanState = Literal["missing", "outdated"]
PLAN_STATES: tuple[str, ...] = ("missing", "outdated")
NO_SEGMENT = "none"

_LIVE = "{a}._deleted IS NULL AND {a}._erased IS NULL"


class ScreeningError(ValueError):
    """A screening that cannot be run (an unknown programme, a negative count); one line,
    `code` names the reason for the screens' catalogue."""

    def __init__(self, message: str, *, code: str = "screening_invalid") -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Screening:
    """Conditions of a screening list; None leaves a condition out. `on`: the day counted
    from (default: today in Helsinki)."""

    min_benefit_days: int | None = None
    no_activity_days: int | None = None
    plan: str | None = None
    eligible: str | None = None
    segment: str | None = None
    on: date | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        for name in ("min_benefit_days", "no_activity_days"):
            value = getattr(self, name)
            if value is not None and not 0 <= value <= 100_000:
                raise ScreeningError(
                    f"{name.replace('_', '-')} must be 0–100000", code="screening_days"
                )
        if self.plan is not None and self.plan not in PLAN_STATES:
            raise ScreeningError(f"plan must be {' or '.join(PLAN_STATES)}", code="screening_plan")
        if self.eligible is not None:
            object.__setattr__(self, "eligible", rule_programme(self.eligible))

    @property
    def active(self) -> bool:
        return any(
            v is not None
            for v in (
                self.min_benefit_days,
                self.no_activity_days,
                self.plan,
                self.eligible,
                self.segment,
            )
        )

    @property
    def day(self) -> date:
        return self.on or localtime.today()

    @property
    def needs_casework(self) -> bool:
        """Whether the conditions read notes or plans (a coordinator's role may not)."""
        return self.no_activity_days is not None or self.plan is not None


def rule_programme(name: str) -> str:
    """The eligibility rule's code for a programme (TOPI, KUOPIO, VALKE, …; "VÄLKE" too)."""
    from kenttä.domain.eligibility import RULES

    wanted = name.strip().upper()
    for code, rule in RULES.items():
        if wanted in (code, rule.name.split(" (")[0].upper()):
            return code
    raise ScreeningError(
        f"no eligibility rule for {name.strip()!r}; known: {', '.join(sorted(RULES))}",
        code="no_rule",
    )


def day_start_utc(day: date) -> datetime:
    """Helsinki midnight of `day`, in UTC."""
    return datetime.combine(day, time(0), tzinfo=localtime.HELSINKI).astimezone(UTC)


def stamp_floor(day: date) -> str:
    """The smallest clock stamp written on or after Helsinki's `day` (stamps sort as text)."""
    return f"{int(day_start_utc(day).timestamp() * 1000):016d}"


def stamp_day(stamp: str | None) -> date | None:
    """The Helsinki day of a clock stamp's wall time (None for none or a malformed one)."""
    try:
        ms = int((stamp or "").lstrip("~")[:16])
    except ValueError:
        return None
    return datetime.fromtimestamp(ms / 1000, UTC).astimezone(localtime.HELSINKI).date()


def _written_since(alias: str) -> str:
    """SQL: a row `alias` was inserted or had a column written at or after stamp `?`."""
    return (
        f"({alias}._stamp >= ? OR EXISTS (SELECT 1 FROM json_each("
        f"CASE WHEN json_valid({alias}._clock) THEN {alias}._clock END) WHERE value >= ?))"
    )


def activity_since_sql(on: date, since: date) -> tuple[str, list[Any]]:
    """SQL (over clients `c`): the client had activity on or after `since`."""
    when = day_start_utc(since).strftime("%Y-%m-%dT%H:%M:%S")
    day, today, floor = since.isoformat(), on.isoformat(), stamp_floor(since)
    sql = (
        f"(EXISTS (SELECT 1 FROM notes n WHERE n.client_id = c.id AND {_LIVE.format(a='n')}"
        " AND n.written_at >= ?)"
        f" OR EXISTS (SELECT 1 FROM assessments a WHERE a.client_id = c.id"
        f" AND {_LIVE.format(a='a')} AND a.assessed_on >= ?)"
        f" OR EXISTS (SELECT 1 FROM placements p WHERE p.client_id = c.id"
        f" AND {_LIVE.format(a='p')} AND (p.start_date >= ?"
        " OR (p.end_date >= ? AND p.end_date <= ?)"
        " OR EXISTS (SELECT 1 FROM json_each(CASE WHEN json_valid(p.follow_ups)"
        " THEN p.follow_ups END) WHERE value >= ?)))"
        f" OR EXISTS (SELECT 1 FROM placement_follow_ups f WHERE f.client_id = c.id"
        f" AND {_LIVE.format(a='f')} AND f.contacted_on >= ?)"
        f" OR EXISTS (SELECT 1 FROM plan_steps s WHERE s.client_id = c.id"
        f" AND {_LIVE.format(a='s')} AND {_written_since('s')}))"
    )
    return sql, [when, day, day, day, today, day, day, floor, floor]


def plan_sql(state: str, on: date) -> tuple[str, list[Any]]:
    """SQL (over clients `c`): the client's plan is missing, or outdated on `on`."""
    has_plan = (
        f"EXISTS (SELECT 1 FROM plans pl WHERE pl.client_id = c.id AND {_LIVE.format(a='pl')})"
    )
    if state == "missing":
        return f"NOT {has_plan}", []
    floor = stamp_floor(on - timedelta(days=PLAN_STALE_DAYS))
    fresh = (
        f"EXISTS (SELECT 1 FROM plans pl WHERE pl.client_id = c.id AND {_LIVE.format(a='pl')}"
        f" AND {_written_since('pl')})"
        f" OR EXISTS (SELECT 1 FROM plan_steps s WHERE s.client_id = c.id"
        f" AND {_LIVE.format(a='s')} AND {_written_since('s')})"
    )
    return f"({has_plan} AND NOT ({fresh}))", [floor, floor, floor, floor]


def _to_date(value: Any) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _eligible(programme: str, birth: Any, since: Any, days: Any, on: str) -> int:
    from kenttä.domain.eligibility import evaluate

    answer = evaluate(
        programme,
        birth_date=_to_date(birth),
        unemployed_since=_to_date(since),
        benefit_days=days if isinstance(days, int) else None,
        on=date.fromisoformat(on),
    )
    return 1 if answer.eligible is True else 0


def register_functions(conn: sqlite3.Connection) -> None:
    """`kentta_eligible(programme, birth_date, unemployed_since, benefit_days, on)` in SQL."""
    try:
        conn.create_function("kentta_eligible", 5, _eligible, deterministic=True)
    except TypeError:  # a driver without `deterministic`
        conn.create_function("kentta_eligible", 5, _eligible)


def screening_sql(ws: Workspace, screening: Screening) -> tuple[list[str], list[Any]]:
    """The screening's conditions over clients `c`, for `core.list_clients`."""
    if screening.needs_casework:
        require(ws, "view_notes")
    where: list[str] = []
    params: list[Any] = []
    on = screening.day
    if screening.min_benefit_days is not None:
        where.append("c.benefit_days >= ?")
        params.append(screening.min_benefit_days)
    if screening.segment == NO_SEGMENT:
        where.append("c.segment IS NULL")
    elif screening.segment:
        where.append("c.segment = ?")
        params.append(screening.segment)
    if screening.eligible is not None:
        register_functions(ws.store.conn)
        where.append("kentta_eligible(?, c.birth_date, c.unemployed_since, c.benefit_days, ?)")
        params += [screening.eligible, on.isoformat()]
    if screening.plan is not None:
        sql, more = plan_sql(screening.plan, on)
        where.append(sql)
        params += more
    if screening.no_activity_days is not None:
        sql, more = activity_since_sql(on, on - timedelta(days=screening.no_activity_days))
        where.append(f"NOT {sql}")
        params += more
    return where, params


@dataclass(frozen=True)
class ClientActivity:
    """What a screening list shows beside a client: the latest activity and the plan."""

    last_activity: date | None
    plan: str  # missing | outdated | current
    plan_written: date | None


def _max_day(*days: date | None) -> date | None:
    known = [d for d in days if d is not None]
    return max(known) if known else None


def _latest_write(stamp: str | None, clock: str | None) -> str | None:
    stamps = [stamp] if stamp else []
    try:
        values = json.loads(clock) if clock else {}
    except ValueError:
        values = {}
    if isinstance(values, dict):
        stamps += [str(v) for v in values.values() if v]
    return max((s.lstrip("~") for s in stamps), default=None)


def activity_of(ws: Workspace, client_ids: list[str], on: date) -> dict[str, ClientActivity]:
    """The latest activity and plan state of each client (a page of a list, not all)."""
    conn = ws.store.conn
    latest: dict[str, date | None] = {cid: None for cid in client_ids}
    plan_written: dict[str, date | None] = {}
    planned: set[str] = set()
    for start in range(0, len(client_ids), 500):
        ids = client_ids[start : start + 500]
        marks = ",".join("?" * len(ids))

        def bump(cid: str, day: date | None) -> None:
            latest[cid] = _max_day(latest.get(cid), day)

        for cid, when in conn.execute(
            f"SELECT client_id, max(written_at) FROM notes n WHERE client_id IN ({marks})"
            f" AND {_LIVE.format(a='n')} GROUP BY client_id",
            ids,
        ):
            bump(cid, localtime.local_date(when) if when else None)
        for cid, when in conn.execute(
            f"SELECT client_id, max(assessed_on) FROM assessments a WHERE client_id IN ({marks})"
            f" AND {_LIVE.format(a='a')} GROUP BY client_id",
            ids,
        ):
            bump(cid, _to_date(when))
        for cid, begun, ended, follow_ups in conn.execute(
            f"SELECT client_id, start_date, end_date, follow_ups FROM placements p"
            f" WHERE client_id IN ({marks}) AND {_LIVE.format(a='p')}",
            ids,
        ):
            days = [_to_date(begun)]
            end = _to_date(ended)
            days.append(end if end is not None and end <= on else None)
            with contextlib.suppress(ValueError, TypeError):
                days += [_to_date(d) for d in json.loads(follow_ups or "[]")]
            bump(cid, _max_day(*days))
        for cid, when in conn.execute(  # contacts after a placement (the records of them)
            f"SELECT client_id, max(contacted_on) FROM placement_follow_ups f"
            f" WHERE client_id IN ({marks}) AND {_LIVE.format(a='f')} GROUP BY client_id",
            ids,
        ):
            bump(cid, _to_date(when))
        for table, alias in (("plan_steps", "s"), ("plans", "pl")):
            for cid, stamp, clock in conn.execute(
                f"SELECT client_id, _stamp, _clock FROM {table} {alias}"
                f" WHERE client_id IN ({marks}) AND {_LIVE.format(a=alias)}",
                ids,
            ):
                written = stamp_day(_latest_write(stamp, clock))
                plan_written[cid] = _max_day(plan_written.get(cid), written)
                if table == "plan_steps":
                    bump(cid, written)
                else:
                    planned.add(cid)
    stale = on - timedelta(days=PLAN_STALE_DAYS)
    out = {}
    for cid in client_ids:
        if cid not in planned:
            state = "missing"
        else:
            written = plan_written[cid]
            state = "outdated" if written is None or written < stale else "current"
        out[cid] = ClientActivity(latest[cid], state, plan_written.get(cid))
    return out
