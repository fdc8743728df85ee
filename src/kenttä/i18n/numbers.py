"""Numbers, percentages and euros as the current language writes them.

Finnish and Swedish: `1 500,50 €`, `80,0 %` (a no-break space between thousands, a decimal
comma); English: `1,500.50 €`, `80.0 %`. JSON and CSV keep plain numbers; this is for people.
"""

from __future__ import annotations

from kenttä.i18n import get_language

NO_BREAK = "\u00a0"


def _marks() -> tuple[str, str]:
    """(thousands separator, decimal mark) of the current language."""
    return (",", ".") if get_language() == "en" else (NO_BREAK, ",")


def number(value: float, decimals: int = 0) -> str:
    """`1 234,5` (fi, sv) or `1,234.5` (en)."""
    thousands, mark = _marks()
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", mark).replace("\x00", thousands)


def percent(fraction: float | None, decimals: int = 1) -> str:
    """A fraction as a percentage: 0.8 → `80,0 %` / `80.0 %`; None → `–`."""
    return "–" if fraction is None else f"{number(fraction * 100, decimals)} %"


def euros(cents: int | None, *, whole_short: bool = False, sign: bool = True) -> str:
    """Cents as euros: `1 500,00 €` / `1,500.00 €`; `whole_short` leaves out `,00` of whole
    euros (narrow columns); `sign=False` leaves out the `€`. None → empty."""
    if cents is None:
        return ""
    cents = int(cents)
    minus = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    thousands, mark = _marks()
    text = f"{whole:,}".replace(",", thousands)
    if rest or not whole_short:
        text += f"{mark}{rest:02d}"
    return f"{minus}{text} €" if sign else f"{minus}{text}"
