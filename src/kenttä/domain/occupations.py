"""Occupations: Statistics Finland's classification (ammattiluokitus 2010), shipped as data.

Codes are the classification's digits (1–3 digit levels shipped; see data/README.md). A
4-digit code is accepted when its 3-digit group is listed, so a more precise code typed from
Tilastokeskus' list is kept as typed. Nothing here imports more than the standard library.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources


class OccupationError(ValueError):
    """A code that is not in the classification; the message says so in one line, `code`
    names the reason for the screens' catalogue."""

    def __init__(self, message: str, *, code: str = "occupation_unknown") -> None:
        super().__init__(message)
        self.code = code


@cache
def occupations() -> dict[str, str]:
    """Occupation code → Finnish name (ammattiluokitus 2010, 1–3 digit levels)."""
    data = resources.files("kenttä.data").joinpath("occupations.csv")
    with data.open(encoding="utf-8") as f:
        return {row["code"]: row["name_fi"] for row in csv.DictReader(f)}


def validate_occupation(value: str) -> str:
    code = value.strip()
    known = occupations()
    if code in known or (len(code) == 4 and code.isdigit() and code[:3] in known):
        return code
    raise OccupationError(
        f"{code!r} is not an occupation code of ammattiluokitus 2010", code="occupation_unknown"
    )


def occupation_name(code: str | None) -> str:
    """The Finnish name of a code (a 4-digit code: its group's), or the code itself."""
    if not code:
        return ""
    known = occupations()
    return known.get(code) or known.get(code[:3], code)


def find_occupation(text: str) -> str | None:
    """A code from what a person typed: a code, or the start of a word of a name. Finnish
    inflects, so the words lose up to three final letters (keeping three) until a name has a word
    starting with them (`kokki` → `kok` → 512 Kokit ja keittäjät). A name that starts with
    the words wins, then the most specific (longest) code."""
    words = text.strip().casefold()
    if not words:
        return None
    if words.isdigit():
        try:
            return validate_occupation(words)
        except OccupationError:
            return None
    names = {code: name.casefold() for code, name in occupations().items()}
    for length in range(len(words), min(len(words), max(3, len(words) - 3)) - 1, -1):
        stem = words[:length]
        found = [
            (name.startswith(stem), len(code), -int(code), code)
            for code, name in names.items()
            if name.startswith(stem)
            or any(part.startswith(stem) for part in name.replace(",", " ").split())
        ]
        if found:
            return max(found)[3]
    return None


def matches(interest: str, occupation: str) -> bool:
    """Whether a work interest covers an occupation: the same code or a group above it."""
    return bool(interest) and occupation.startswith(interest)
