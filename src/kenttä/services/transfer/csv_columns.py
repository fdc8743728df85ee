"""The CSV import formats: columns, Finnish header aliases, and how each cell is read.

A converter turns a cell's text into what the domain model validates; it raises ValueError
with a reason that names the column and what is expected, never the cell's content.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from kenttä.domain import models as m
from kenttä.domain.codes import (
    ClientStatus,
    Education,
    EmployerKind,
    Language,
    Outcome,
    ReferralSource,
)
from kenttä.domain.identifiers import validate_phone

_DMY = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_PROGRAMME = re.compile(r"^[A-Z0-9_-]{1,20}$")


def fold(text: str) -> str:
    """Header and code form: lower case, spaces and dashes as underscores."""
    return re.sub(r"[\s\-]+", "_", text.strip().lstrip("\ufeff").casefold())


def parse_date(column: str) -> Callable[[str], str]:
    def convert(text: str) -> str:
        match = _DMY.match(text) or _ISO.match(text)
        if match:
            parts = [int(p) for p in match.groups()]
            day, month, year = parts if match.re is _DMY else parts[::-1]
            try:
                return date(year, month, day).isoformat()
            except ValueError:
                pass
        raise ValueError(f"{column}: not a date (use d.m.yyyy or yyyy-mm-dd)")

    return convert


def parse_int(column: str) -> Callable[[str], int]:
    def convert(text: str) -> int:
        digits = text.replace(" ", "").replace("\u00a0", "")
        if not digits.isdigit():
            raise ValueError(f"{column}: not a whole number")
        return int(digits)

    return convert


def parse_code(column: str, codes: type[StrEnum], aliases: dict[str, str]) -> Callable:
    valid = {c.value for c in codes}
    table = {fold(k): v for k, v in aliases.items()}

    def convert(text: str) -> str:
        key = fold(text)
        if key in valid:
            return key
        if key in table:
            return table[key]
        raise ValueError(f"{column}: unknown code (use {'|'.join(sorted(valid))})")

    return convert


def parse_bool(column: str) -> Callable[[str], bool]:
    yes = {"1", "true", "yes", "kyllä", "k", "x", "ja"}
    no = {"0", "false", "no", "ei", "e", "nej"}

    def convert(text: str) -> bool:
        key = text.strip().casefold()
        if key in yes or key in no:
            return key in yes
        raise ValueError(f"{column}: not yes or no (use 1|0, kyllä|ei)")

    return convert


def parse_email(column: str) -> Callable[[str], str]:
    def convert(text: str) -> str:
        if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", text):
            raise ValueError(f"{column}: not an email address")
        return text

    return convert


PROGRAMME_ALIASES = {
    "VÄLKE": "VALKE",
    "KUOPION PILOTTI": "KUOPIO",
    "VALMENNUKSESTA VIRTAA!": "VIRTAA",
    "VALMENNUKSESTA VIRTAA": "VIRTAA",
}


def parse_programme(text: str) -> str:
    code = text.strip().upper()
    code = PROGRAMME_ALIASES.get(code, code)
    if not _PROGRAMME.fullmatch(code):
        raise ValueError("programme: a programme code is letters A–Z, digits, - or _")
    return code


def identity(text: str) -> str:
    return text


def upper(text: str) -> str:
    return text.upper()


STATUS_FI = {
    "yhteydenotto": "contacted",
    "kontaktoitu": "contacted",
    "otettu yhteyttä": "contacted",
    "tavattu": "met",
    "osallistuu": "participating",
    "mukana": "participating",
    "osallistuja": "participating",
    "päättynyt": "finished",
    "päättänyt": "finished",
    "lopettanut": "finished",
    "kieltäytyi": "declined",
    "kieltäytynyt": "declined",
}
OUTCOME_FI = {
    "työ": "job",
    "avoimet työmarkkinat": "job",
    "palkkatuki": "wage_subsidised_job",
    "palkkatuettu työ": "wage_subsidised_job",
    "tutkintokoulutus": "degree_education",
    "tutkinto": "degree_education",
    "muu koulutus": "other_education",
    "muu palvelu": "other_service",
    "työllistymistä edistävä palvelu": "other_service",
    "työtön": "unemployed",
    "työvoiman ulkopuolella": "inactive",
    "ei tiedossa": "unknown",
    "tuntematon": "unknown",
}
REFERRAL_FI = {
    "te-toimisto": "te_office",
    "te": "te_office",
    "sosiaalitoimi": "social_services",
    "sosiaalipalvelut": "social_services",
    "kuntakokeilu": "municipal_experiment",
    "itse": "self",
    "oma": "self",
    "muu": "other",
}
LANGUAGE_FI = {"suomi": "fi", "ruotsi": "sv", "svenska": "sv", "englanti": "en",
               "english": "en", "muu": "other"}  # fmt: skip
EDUCATION_FI = {
    "perusaste": "isced_0_2",
    "0-2": "isced_0_2",
    "toinen aste": "isced_3_4",
    "3-4": "isced_3_4",
    "korkea-aste": "isced_5_8",
    "5-8": "isced_5_8",
}
KIND_FI = {"yritys": "company", "kunta": "municipality", "yhdistys": "association",
           "järjestö": "association"}  # fmt: skip


@dataclass(frozen=True)
class TableFormat:
    table: str
    model: type[m.Record]
    required: tuple[str, ...]
    natural_key: str
    key_label: str
    fallback_key: tuple[str, ...]  # match rows without a natural key on these columns
    converters: dict[str, Callable[[str], Any]]
    aliases: dict[str, str]


CLIENTS = TableFormat(
    table="clients",
    model=m.Client,
    required=("first_name", "last_name"),
    natural_key="henkilotunnus",
    key_label="henkilötunnus",
    fallback_key=("first_name", "last_name", "municipality", "phone", "email"),
    converters={
        "henkilotunnus": upper,
        "first_name": identity,
        "last_name": identity,
        "municipality": identity,
        "postal_code": identity,
        "phone": validate_phone,  # the rule the client form follows (issue 14)
        "email": parse_email("email"),
        "language": parse_code("language", Language, LANGUAGE_FI),
        "programme": parse_programme,
        "status": parse_code("status", ClientStatus, STATUS_FI),
        "referral_source": parse_code("referral_source", ReferralSource, REFERRAL_FI),
        "unemployed_since": parse_date("unemployed_since"),
        "benefit_days": parse_int("benefit_days"),
        "education": parse_code("education", Education, EDUCATION_FI),
        "entry_date": parse_date("entry_date"),
        "exit_date": parse_date("exit_date"),
        "outcome": parse_code("outcome", Outcome, OUTCOME_FI),
        "owner": identity,
        "scope": identity,
    },
    aliases={
        "henkilötunnus": "henkilotunnus",
        "hetu": "henkilotunnus",
        "sotu": "henkilotunnus",
        "etunimi": "first_name",
        "etunimet": "first_name",
        "sukunimi": "last_name",
        "kunta": "municipality",
        "kotikunta": "municipality",
        "kuntanumero": "municipality",
        "postinumero": "postal_code",
        "puhelin": "phone",
        "puhelinnumero": "phone",
        "matkapuhelin": "phone",
        "sähköposti": "email",
        "e-mail": "email",
        "kieli": "language",
        "äidinkieli": "language",
        "asiointikieli": "language",
        "hanke": "programme",
        "projekti": "programme",
        "tila": "status",
        "ohjautui": "referral_source",
        "ohjaustaho": "referral_source",
        "lähettäjä": "referral_source",
        "työtön alkaen": "unemployed_since",
        "työttömyys alkanut": "unemployed_since",
        "etuuspäivät": "benefit_days",
        "työmarkkinatukipäivät": "benefit_days",
        "koulutus": "education",
        "koulutusaste": "education",
        "aloituspäivä": "entry_date",
        "alkupäivä": "entry_date",
        "aloitus": "entry_date",
        "lopetuspäivä": "exit_date",
        "päättymispäivä": "exit_date",
        "poistumispäivä": "exit_date",
        "tulos": "outcome",
        "jatkopolku": "outcome",
        "sijoittuminen": "outcome",
        "ohjaaja": "owner",
        "valmentaja": "owner",
        "vastuuhenkilö": "owner",
        "alue": "scope",
    },
)

EMPLOYERS = TableFormat(
    table="employers",
    model=m.Employer,
    required=("name",),
    natural_key="y_tunnus",
    key_label="Y-tunnus",
    fallback_key=("name", "municipality"),
    converters={
        "y_tunnus": identity,
        "name": identity,
        "kind": parse_code("kind", EmployerKind, KIND_FI),
        "industry": identity,
        "municipality": identity,
        "contact_name": identity,
        "contact_phone": identity,
        "contact_email": parse_email("contact_email"),
        "sponsor": parse_bool("sponsor"),
        "scope": identity,
    },
    aliases={
        "y-tunnus": "y_tunnus",
        "ytunnus": "y_tunnus",
        "nimi": "name",
        "yritys": "name",
        "työnantaja": "name",
        "tyyppi": "kind",
        "laji": "kind",
        "toimiala": "industry",
        "tol": "industry",
        "kunta": "municipality",
        "kotikunta": "municipality",
        "yhteyshenkilö": "contact_name",
        "puhelin": "contact_phone",
        "yhteyshenkilön puhelin": "contact_phone",
        "sähköposti": "contact_email",
        "yhteyshenkilön sähköposti": "contact_email",
        "kummityönantaja": "sponsor",
        "kummi": "sponsor",
        "alue": "scope",
    },
)

TABLES: dict[str, TableFormat] = {"clients": CLIENTS, "employers": EMPLOYERS}


def normalise_header(cell: str, fmt: TableFormat) -> str | None:
    """The model field a header names (English name or Finnish alias), or None if unknown."""
    key = fold(cell)
    if key in fmt.converters:
        return key
    aliases = {fold(alias): field for alias, field in fmt.aliases.items()}
    return aliases.get(key)
