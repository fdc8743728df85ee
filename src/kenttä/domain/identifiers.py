"""Finnish identifiers: henkilötunnus, Y-tunnus, postal code, municipality code; and the
shape of a phone number.

The checks themselves come from python-stdnum (it knows the 2023 century signs); this module
adds what kenttä needs on top: a reason a person can act on, and the facts a code carries.
Error messages never repeat the identifier itself (it is personal data).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from stdnum.fi import hetu as _hetu
from stdnum.fi import ytunnus as _ytunnus

CHECK_CHARACTERS = "0123456789ABCDEFHJKLMNPRSTUVWXY"
CENTURY_SIGNS = {"+": 1800, **dict.fromkeys("-YXWVU", 1900), **dict.fromkeys("ABCDEF", 2000)}
MUNICIPALITY_CLASSIFICATION_YEAR = 2021
_HETU_SHAPE = re.compile(r"^(\d{6})(.)(\d{3})(.)$")


class IdentifierError(ValueError):
    """An identifier that is not valid; `code` names the reason for the translation catalogue."""

    def __init__(self, code: str, message: str, **params: object) -> None:
        super().__init__(message)
        self.code = code
        self.params = params  # e.g. the expected and the given check character


@dataclass(frozen=True)
class PersonalIdentity:
    """What a valid henkilötunnus says about its holder."""

    code: str
    birth_date: date
    sex: str  # "male" | "female"
    temporary: bool  # individual number 900–999: temporary or test


def expected_check_character(code: str) -> str:
    """The check character a henkilötunnus should end with (its first ten characters used)."""
    digits = code[:6] + code[7:10]
    return CHECK_CHARACTERS[int(digits) % 31]


def parse_henkilotunnus(value: str) -> PersonalIdentity:
    """Validate a henkilötunnus and return what it says, or raise IdentifierError with why."""
    code = value.strip().upper()
    match = _HETU_SHAPE.match(code)
    if len(code) != 11 or match is None:
        raise IdentifierError("hetu_format", "henkilötunnus must be 11 characters: DDMMYYCZZZQ")
    _, sign, individual, check = match.groups()
    if sign not in CENTURY_SIGNS:
        raise IdentifierError("hetu_century", f"unknown century sign {sign!r} in henkilötunnus")
    if int(individual) < 2:
        raise IdentifierError("hetu_individual", "henkilötunnus individual number must be 002–999")
    try:
        _hetu.validate(code, allow_temporary=True)
    except InvalidChecksum:
        expected = expected_check_character(code)
        raise IdentifierError(
            "hetu_check",
            f"henkilötunnus check character should be {expected}, not {check}",
            expected=expected,
            got=check,
        ) from None
    except InvalidComponent:
        raise IdentifierError("hetu_date", "henkilötunnus has an impossible birth date") from None
    except (InvalidFormat, InvalidLength):
        raise IdentifierError("hetu_format", "henkilötunnus must be DDMMYYCZZZQ") from None
    century = CENTURY_SIGNS[sign]
    birth = date(century + int(code[4:6]), int(code[2:4]), int(code[0:2]))
    return PersonalIdentity(
        code=code,
        birth_date=birth,
        sex="male" if int(individual) % 2 else "female",
        temporary=int(individual) >= 900,
    )


def validate_henkilotunnus(value: str) -> str:
    return parse_henkilotunnus(value).code


def validate_y_tunnus(value: str) -> str:
    """A Y-tunnus `NNNNNNN-C`; remainder 1 is invalid. Returns the normalised form."""
    text = value.strip()
    if not re.fullmatch(r"\d{6,7}-\d", text):
        raise IdentifierError("ytunnus_format", "Y-tunnus must be seven digits, a dash, a digit")
    text = text.zfill(9)
    weights = (7, 9, 10, 5, 8, 4, 2)
    remainder = sum(int(d) * w for d, w in zip(text[:7], weights, strict=True)) % 11
    if remainder == 1:
        raise IdentifierError("ytunnus_invalid", "no Y-tunnus can have these seven digits")
    try:
        _ytunnus.validate(text)
    except InvalidChecksum:
        expected = 0 if remainder == 0 else 11 - remainder
        raise IdentifierError(
            "ytunnus_check",
            f"Y-tunnus check digit should be {expected}, not {text[-1]}",
            expected=expected,
            got=text[-1],
        ) from None
    return text


def validate_postal_code(value: str) -> str:
    text = value.strip()
    if not re.fullmatch(r"\d{5}", text):
        raise IdentifierError("postal_code", "postal code must be five digits")
    return text


_PHONE_SHAPE = re.compile(r"\+?[0-9 ()-]+")
PHONE_DIGITS = (6, 15)  # a Finnish short number (6) up to the longest international (E.164)


def validate_phone(value: str) -> str:
    """A phone number as people write it, Finnish or international (`040 123 4567`,
    `+358 40 123 4567`, `(09) 310 1691`): digits, spaces, `-` and parentheses, `+` only in
    front, and 6–15 digits. Returned stripped, otherwise as written."""
    text = value.strip()
    digits = sum(ch.isdigit() for ch in text)
    low, high = PHONE_DIGITS
    if not _PHONE_SHAPE.fullmatch(text) or not low <= digits <= high:
        raise IdentifierError(
            "phone", "not a phone number (digits, spaces, + - ( ); 6 to 15 digits)"
        )
    return text


@cache
def municipalities() -> dict[str, str]:
    """Statistics Finland municipality codes → Finnish names (classification of 2021)."""
    with resources.files("kenttä.data").joinpath("municipalities.csv").open(encoding="utf-8") as f:
        return {row["code"]: row["name_fi"] for row in csv.DictReader(f)}


@cache
def merged_municipalities() -> dict[str, str]:
    """Codes of merged municipalities → the code of the municipality they merged into."""
    data = resources.files("kenttä.data").joinpath("municipalities-merged.csv")
    with data.open(encoding="utf-8") as f:
        return {row["code"]: row["merged_into"] for row in csv.DictReader(f)}


@cache
def _names() -> dict[str, str]:
    """Finnish names (case-folded) → code in force; merged municipalities → their successor."""
    names = {}
    data = resources.files("kenttä.data").joinpath("municipalities-merged.csv")
    with data.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            names[row["name_fi"].casefold()] = row["merged_into"]
    names.update({fi.casefold(): code for code, fi in municipalities().items()})
    return names


def municipality_by_name(name: str) -> str | None:
    """The code of a municipality by its Finnish name (a merged one: its successor's)."""
    return _names().get(name.strip().casefold())


def validate_municipality(value: str, *, map_merged: bool = True) -> str:
    """A three-digit municipality code in force; a merged one maps to its successor.

    A Finnish municipality name is accepted too (`Kuopio` → `297`).
    """
    text = value.strip()
    if not text.isdigit():
        code = municipality_by_name(text)
        if code is None:
            raise IdentifierError("municipality_unknown", "unknown municipality name")
        return code
    text = text.zfill(3)
    if len(text) != 3:
        raise IdentifierError("municipality_format", "municipality code must be three digits")
    if text in municipalities():
        return text
    if map_merged and text in merged_municipalities():
        return merged_municipalities()[text]
    raise IdentifierError(
        "municipality_unknown",
        f"municipality code {text} is not in Statistics Finland's classification "
        f"({MUNICIPALITY_CLASSIFICATION_YEAR})",
    )
