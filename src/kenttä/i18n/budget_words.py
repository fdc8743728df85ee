"""A voucher budget refusal in words (the catalogue's `budget_error.*`), amounts in euros as
the language writes them: for the Budgets screen's forms and `kenttä server budget` alike."""

from __future__ import annotations

from typing import Any

from kenttä.i18n import code, has, t

MONEY = frozenset({"total", "granted", "held", "remaining_cents", "value_cents"})


def budget_refusal(
    code_: str | None, details: dict[str, Any] | None, reason: str = "", table: str = "budget_error"
) -> str:
    """A budget refusal (a local check or the central store's answer) in words, in euros;
    `table`: where its words are (`voucher_issue` for a voucher over the device's share)."""
    from kenttä.i18n.numbers import euros

    params: dict[str, Any] = {"reason": reason}
    for key, value in (details or {}).items():
        if key in MONEY and isinstance(value, int):
            params[key.removesuffix("_cents")] = euros(value)
        elif key == "role":
            params[key] = code("budget_role", str(value))
        else:
            params[key] = value
    key = f"{table}.{code_}"
    return t(key, **params) if code_ and has(key) else t("budget_error.invalid", **params)
