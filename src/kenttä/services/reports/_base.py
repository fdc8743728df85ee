"""What the reports share: the period, the programme filter, and the client rows they read.

Every query reads live rows only: a tombstoned row (`_deleted IS NOT NULL`) or an erased one
(`_erased IS NOT NULL`) is never counted, listed or explained.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from kenttä.domain.localtime import local_date
from kenttä.services.context import Workspace
from kenttä.services.records import LIVE

# kenttä.domain.eligibility (pydantic) is imported where it is used: the Today screen reads
# the follow-ups at start-up through this module (tests/test_startup.py).


class ReportError(ValueError):
    """Bad report input (a date, a period, a programme, a figure); the message is one line,
    `code` names the reason for the screens' catalogue."""

    def __init__(self, message: str, *, code: str = "report_invalid") -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Period:
    """An inclusive range of days, [start, end]."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise ReportError(
                f"the period starts after it ends ({self.start.isoformat()} > {self.end.isoformat()})",
                code="period_order",
            )

    def contains(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.end

    def as_dict(self) -> dict[str, str]:
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


def parse_day(text: str, what: str = "date") -> date:
    """An ISO date (YYYY-MM-DD) or a ReportError naming the option."""
    try:
        return date.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        raise ReportError(
            f"{what}: not an ISO date (YYYY-MM-DD): {text!r}", code="bad_date"
        ) from None


def to_day(value: Any) -> date | None:
    """A stored date column as a date; anything unreadable is treated as missing."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return local_date(value if isinstance(value, datetime) else str(value))
    except ValueError:
        return None


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's last day (31 Aug + 6 → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def known_programmes(ws: Workspace) -> list[str]:
    """The programmes with an eligibility rule, and those that clients in the database name."""
    from kenttä.domain.eligibility import RULES

    rows = ws.store.conn.execute(
        f"SELECT DISTINCT programme FROM clients WHERE {LIVE} AND programme IS NOT NULL"
        " AND programme != ''"
    ).fetchall()
    return sorted({*RULES, *(r[0] for r in rows)}, key=str.upper)


def resolve_programme(ws: Workspace, name: str | None) -> str | None:
    """The programme as clients store it (matched case-insensitively), or a ReportError."""
    from kenttä.domain.eligibility import RULES

    if name is None or not name.strip():
        return None
    known = known_programmes(ws)
    wanted = name.strip().upper()
    for candidate in known:
        if candidate.upper() == wanted:
            return candidate
    for code, rule in RULES.items():  # "VÄLKE", "Kuopion pilotti": the rule's name
        if rule.name.split(" (")[0].upper() == wanted:
            return code
    raise ReportError(
        f"unknown programme {name.strip()!r}; known: {', '.join(known) or 'none'}",
        code="unknown_programme",
    )


_CLIENT_COLUMNS = (
    "id",
    "programme",
    "status",
    "gender",
    "sex",
    "birth_date",
    "education",
    "labour_status",
    "unemployed_since",
    "benefit_days",
    "entry_date",
    "exit_date",
    "outcome",
    "owner",
    "first_name",
    "last_name",
    "months_unemployed_last_16",
    "earnings_related_allowance",
    "foreign_background",
    "third_country_national",
    "referral_source",
    "eligibility_exception",
    "eligibility_exception_programme",
)


@dataclass
class ClientRow:
    """The columns of a client that reports read (names only for the supervisor's screen)."""

    id: str
    programme: str | None
    status: str | None
    gender: str | None
    sex: str | None
    birth_date: date | None
    education: str | None
    labour_status: str | None
    unemployed_since: date | None
    benefit_days: int | None
    entry_date: date | None
    exit_date: date | None
    outcome: str | None  # clients.outcome, else the checked `exit` row of the outcomes table
    owner: str | None
    first_name: str | None
    last_name: str | None
    # what the eligibility rules read besides (issue 15)
    months_unemployed_last_16: int | None = None
    earnings_related_allowance: bool | None = None
    foreign_background: str | None = None
    third_country_national: str | None = None
    referral_source: str | None = None
    eligibility_exception: str | None = None
    eligibility_exception_programme: str | None = None

    @property
    def started(self) -> bool:
        return self.status in ("participating", "finished")

    @property
    def esf_gender(self) -> str | None:
        """woman | man | non_binary; from `gender`, else from the henkilötunnus's sex."""
        if self.gender:
            return self.gender
        return {"female": "woman", "male": "man"}.get(self.sex or "")

    @property
    def age_at_entry(self) -> int | None:
        from kenttä.domain.eligibility import age_on

        if self.birth_date is None or self.entry_date is None:
            return None
        return age_on(self.birth_date, self.entry_date)

    @property
    def months_unemployed_at_entry(self) -> int | None:
        if self.unemployed_since is None or self.entry_date is None:
            return None
        if self.unemployed_since > self.entry_date:
            return None
        from kenttä.domain.eligibility import months_between

        return months_between(self.unemployed_since, self.entry_date)

    def label(self, names: bool = False, *, words: bool = False) -> str:
        """A label without personal data (programme, dates, status), or the name on screen.

        With names (for a person: the app's screens, the CLI's table) the status and the
        outcome are in words of the current language and dates as people write them; without,
        the stored codes and ISO dates (for scripts).
        """
        if names or words:
            return self._label_in_words(names)
        parts = [self.programme or "-", self.status or "-"]
        if self.entry_date:
            parts.append(f"entry {self.entry_date.isoformat()}")
        if self.exit_date:
            parts.append(f"exit {self.exit_date.isoformat()}")
        if self.outcome:
            parts.append(self.outcome)
        return ", ".join(parts)

    def _label_in_words(self, names: bool) -> str:
        from kenttä.i18n import code, t

        def day(value: date) -> str:
            return f"{value.day}.{value.month}.{value.year}"

        parts = [self.programme or "–", code("status", self.status) or "–"]
        if self.entry_date:
            parts.append(t("report_words.entry", date=day(self.entry_date)))
        if self.exit_date:
            parts.append(t("report_words.exit", date=day(self.exit_date)))
        if self.outcome:
            parts.append(code("outcome", self.outcome))
        if not names:
            return ", ".join(parts)
        name = f"{self.last_name or ''} {self.first_name or ''}".strip()
        return f"{name} ({', '.join(parts)})"


def load_clients(ws: Workspace, programme: str | None) -> list[ClientRow]:
    """Every live client (of the programme, when given), with its exit outcome resolved."""
    sql = f"SELECT {', '.join(_CLIENT_COLUMNS)} FROM clients WHERE {LIVE}"
    args: tuple[Any, ...] = ()
    if programme is not None:
        sql += " AND programme = ?"
        args = (programme,)
    exits = exit_outcomes(ws)
    out = []
    for row in ws.store.conn.execute(sql + " ORDER BY id", args):
        rec = dict(zip(_CLIENT_COLUMNS, row, strict=True))
        for key in ("birth_date", "unemployed_since", "entry_date", "exit_date"):
            rec[key] = to_day(rec[key])
        rec["outcome"] = rec["outcome"] or exits.get(rec["id"])
        out.append(ClientRow(**rec))
    return out


def exit_outcomes(ws: Workspace) -> dict[str, str]:
    """client id → outcome of its latest checked `exit` row in the outcomes table."""
    rows = ws.store.conn.execute(
        f"SELECT client_id, outcome FROM outcomes WHERE {LIVE} AND checkpoint = 'exit'"
        " AND outcome IS NOT NULL ORDER BY checked_on, id"
    ).fetchall()
    return {client_id: outcome for client_id, outcome in rows}


def is_participant(client: ClientRow, period: Period) -> bool:
    """Started (participating or finished), entered by the end, not left before the start."""
    if not client.started or client.entry_date is None or client.entry_date > period.end:
        return False
    return client.exit_date is None or client.exit_date >= period.start


def is_leaver(client: ClientRow, period: Period) -> bool:
    """Finished, with the exit date inside the period."""
    return client.status == "finished" and period.contains(client.exit_date)


def flatten(data: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """A nested dict as (dotted key, value) pairs, in order."""
    if isinstance(data, dict):
        out: list[tuple[str, Any]] = []
        for key, value in data.items():
            out.extend(flatten(value, f"{prefix}{key}."))
        return out
    return [(prefix.rstrip("."), data)]
