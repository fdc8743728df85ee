"""Parsing and formatting what people type and read: dates, money, lists (no Textual here)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from kenttä.domain.localtime import local_date, local_datetime
from kenttä.i18n import t


class InputError(ValueError):
    """A value that cannot be read; the message says why, in the current language."""


def parse_date(text: str, *, today: date) -> date | None:
    """`24.12.2026`, `24.12.` (this year), `2026-12-24`, `+30` (days from today), `t` (today).

    Empty text is None; anything else raises InputError with a reason.
    """
    value = text.strip().lower()
    if not value:
        return None
    if value in {"t", "tänään", "idag", "today"}:
        return today
    if re.fullmatch(r"[+-]\d{1,4}", value):
        return today + timedelta(days=int(value))
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return date.fromisoformat(value)
        match = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})?", value)
        if match:
            day, month, year = match.groups()
            full_year = today.year if not year else int(year) + (2000 if len(year) == 2 else 0)
            return date(full_year, int(month), int(day))
    except ValueError:
        raise InputError(t("validation.date_impossible")) from None
    raise InputError(t("validation.date_format"))


def format_date(value: date | str | None) -> str:
    if value is None or value == "":
        return ""
    try:
        value = local_date(value)  # a timestamp is dated by its Helsinki day
    except ValueError:
        return str(value)
    return f"{value.day}.{value.month}.{value.year}"


def parse_euros(text: str) -> int | None:
    """`120`, `120,50`, `1 200 €` → cents; empty → None; else InputError."""
    value = text.strip().replace("€", "").replace(" ", "").replace("\u00a0", "")
    if not value:
        return None
    match = re.fullmatch(r"(\d+)(?:[.,](\d{1,2}))?", value)
    if not match:
        raise InputError(t("validation.money"))
    euros, cents = match.groups()
    return int(euros) * 100 + int((cents or "0").ljust(2, "0"))


def format_euros(cents: int | None) -> str:
    """`1 500,00 €` (fi, sv) or `1,500.00 €` (en)."""
    from kenttä.i18n.numbers import euros

    return euros(cents)


def split_list(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,;]", text) if part.strip()]


def format_date_short(value: date | str | None) -> str:
    """`18.1.27`: day, month and a two-digit year, for narrow columns (the year is never
    left out: "18.1" cannot tell this January from the next)."""
    text = format_date(value)
    day_month, dot, year = text.rpartition(".")
    if not dot or len(year) != 4 or not year.isdigit():
        return text
    return f"{day_month}.{year[2:]}"


def format_euros_short(cents: int | None) -> str:
    """`1 500 €`, `120,50 €`: whole euros without ",00" (narrow columns)."""
    from kenttä.i18n.numbers import euros

    return euros(cents, whole_short=True)


def format_time(value: datetime | None) -> str:
    """`3.12.2026 14.05` in Helsinki time, whatever the laptop's zone (naive: as is)."""
    if value is None:
        return ""
    local = local_datetime(value) if value.tzinfo else value
    return f"{format_date(local.date())} {local.hour}.{local.minute:02d}"


def clip(text: str, width: int) -> str:
    """The text cut to `width` characters with "…" when longer (the full value is one key
    away on the screen that shows it)."""
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def occupation_text(need: dict[str, Any]) -> str:
    """A labour need's occupation: its code and name (the employer's own words first)."""
    from kenttä.domain.occupations import occupation_name

    name = need["title"] or occupation_name(need["occupation"])
    return f"{need['occupation'] or ''} {name}".strip()
