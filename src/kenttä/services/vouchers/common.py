"""What the voucher modules share: the error they raise, money formatting, reading rows."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from functools import cache
from typing import Any, TypeVar

from kenttä.domain import models as m
from kenttä.domain.codes import VoucherStatus
from kenttä.store.schema import columns_of as _columns_of

R = TypeVar("R", bound=m.Record)


@cache
def columns_of(model: type[m.Record]) -> dict[str, Any]:
    """A model's columns and their kinds, worked out once per model (typing.get_type_hints
    per row made a page of 24 vouchers cost 6 ms; issue 14). Callers only read it."""
    return _columns_of(model)


# A voucher in these states no longer holds budget: its value is back in the device's share.
RELEASED = (VoucherStatus.CANCELLED.value, VoucherStatus.EXPIRED.value)
LIVE_OPEN = (VoucherStatus.ISSUED.value, VoucherStatus.PROVIDER_CHOSEN.value)


class VoucherError(ValueError):
    """A voucher operation refused: a one-line human reason with no personal data.

    `code` is a stable machine-readable reason (for the UI's translation catalogue) and
    `details` its parameters, e.g. code="over_budget", details={"remaining_cents": 30000}.
    """

    def __init__(self, reason: str, *, code: str = "invalid", **details: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code
        self.details = details


def eur(cents: int) -> str:
    """450.00 € (the form used in messages and the CLI)."""
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d} €"


def eur_fi(cents: int) -> str:
    """450,00 € with a narrow no-break thousands separator, as printed in Finnish."""
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    whole = f"{cents // 100:,}".replace(",", "\u00a0")
    return f"{sign}{whole},{cents % 100:02d} €"


def parse_eur(text: str) -> int:
    """Euros as typed by people ("450", "450.50", "450,50", "1 200,00 €") → integer cents."""
    cleaned = text.strip().replace("€", "").replace("\u00a0", "").replace(" ", "")
    cleaned = cleaned.replace(",", ".")
    if cleaned.startswith("-"):
        raise VoucherError(f"not a positive amount of euros: {text.strip()!r}", code="bad_amount")
    whole, dot, frac = cleaned.partition(".")
    if (
        not whole.isdigit()
        or (dot and not frac.isdigit())
        or len(frac) > 2
        or not whole.isascii()
        or not frac.isascii()
    ):
        raise VoucherError(f"not an amount of euros: {text.strip()!r}", code="bad_amount")
    return int(whole) * 100 + int((frac or "0").ljust(2, "0"))


def select_columns(model: type[m.Record]) -> list[str]:
    return ["id", *columns_of(model)]


def row_to_model(model: type[R], cols: list[str], row: sqlite3.Row | tuple) -> R:
    kinds = columns_of(model)
    data: dict[str, Any] = {}
    for col, value in zip(cols, row, strict=True):
        if value is not None and kinds.get(col) == "json" and isinstance(value, str):
            value = json.loads(value)
        elif value is not None and kinds.get(col) == "boolean":
            value = bool(value)
        data[col] = value
    return model.model_validate(data)


def fetch_models(
    conn: sqlite3.Connection,
    model: type[R],
    table: str,
    where: str,
    params: tuple = (),
    order: str = "",
) -> list[R]:
    """Rows of a replicated table (not deleted, not erased) as models; `order` may hold
    ORDER BY and LIMIT clauses (its parameters last in `params`)."""
    cols = select_columns(model)
    sql = (
        f"SELECT {', '.join(cols)} FROM {table}"
        f" WHERE _deleted IS NULL AND _erased IS NULL AND ({where}) {order}"
    )
    return [row_to_model(model, cols, row) for row in conn.execute(sql, params)]


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's last day (31 Jan + 1 → 28/29 Feb)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")
