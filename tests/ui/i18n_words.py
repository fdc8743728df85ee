"""What "left in Finnish or as a raw code" means, for the screen and CLI language tests.

- a raw code: a stored code value (kenttä.domain.codes) with an underscore
  (`provider_chosen`, `wage_subsidised_job`), in any language; in Swedish also a one-word
  English code (`finished`, `paid`); or a catalogue key (`vouchers.col_number`);
- Finnish left over: a word of a Finnish catalogue text that the Swedish and English texts of
  the same key do not use, and no Swedish or English text uses at all (so "Y-tunnus" and
  "henkilötunnus", which English uses too, do not count), and no data in the database
  holds (names, services, notes are written in Finnish by the people who keep them);
- English left over (on Finnish and Swedish screens): a word of an English text that no
  Finnish or Swedish text uses, and no data holds.
"""

from __future__ import annotations

import re
import sqlite3
from enum import StrEnum
from functools import cache

from kenttä import i18n
from kenttä.domain import codes
from kenttä.domain.identifiers import municipalities

WORD = re.compile(r"[A-Za-zÅÄÖåäöÉé]+(?:-[A-Za-zÅÄÖåäö]+)*")
CODE_TOKEN = re.compile(r"[a-z0-9]+(?:_[a-z0-9]+)+")


def _words(text: str) -> set[str]:
    return {w.casefold() for w in WORD.findall(text)}


@cache
def stored_codes() -> frozenset[str]:
    values = set()
    for item in vars(codes).values():
        if isinstance(item, type) and issubclass(item, StrEnum) and item is not StrEnum:
            values |= {member.value for member in item}
    return frozenset(values)


@cache
def finnish_only_words() -> frozenset[str]:
    fi, sv, en = (i18n.catalogue(lang) for lang in ("fi", "sv", "en"))
    elsewhere: set[str] = set()
    for text in (*sv.values(), *en.values()):
        elsewhere |= _words(text)
    found: set[str] = set()
    for key, text in fi.items():
        mine = _words(text) - _words(sv.get(key, "")) - _words(en.get(key, ""))
        found |= {w for w in mine if len(w) >= 5}
    return frozenset(found - elsewhere)


@cache
def english_only_words() -> frozenset[str]:
    """Words of English texts that no Finnish or Swedish text uses (an English reason left
    on a Finnish or Swedish screen: "cannot change voucher …", issue 14)."""
    fi, sv, en = (i18n.catalogue(lang) for lang in ("fi", "sv", "en"))
    elsewhere: set[str] = set()
    for text in (*fi.values(), *sv.values()):
        elsewhere |= _words(text)
    found: set[str] = set()
    for text in en.values():
        found |= {w for w in _words(text) if len(w) >= 5}
    return frozenset(found - elsewhere)


def data_words(conn: sqlite3.Connection) -> set[str]:
    """Every word the database's own text holds (written by people, in Finnish)."""
    words: set[str] = set()
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    for table in tables:
        if table.startswith(("_", "sqlite")) or "fts" in table:
            continue
        for row in conn.execute(f"SELECT * FROM {table}"):
            for value in row:
                if isinstance(value, str):
                    words |= _words(value)
    for name in municipalities().values():
        words |= _words(name)
    return words


@cache
def catalogue_keys() -> tuple[str, ...]:
    """The catalogue's dotted keys (`vouchers.col_number`), as a raw key would show."""
    return tuple(sorted(k for k in i18n.catalogue("fi") if "." in k))


@cache
def _key_pattern(key: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w.@]){re.escape(key)}(?![\w.])")


@cache
def english_codes() -> frozenset[str]:
    """One-word English stored codes (`finished`, `paid`) no Swedish text uses."""
    swedish = set().union(*(set(WORD.findall(v)) for v in i18n.catalogue("sv").values()))
    return frozenset({c for c in stored_codes() if "_" not in c and len(c) >= 4} - swedish)


def problems(text: str, language: str, allowed: set[str]) -> list[str]:
    """What in `text` is a raw code, a catalogue key or Finnish left over."""
    found = []
    codes_here = stored_codes()
    for token in CODE_TOKEN.findall(text):
        if token in codes_here:
            found.append(f"code {token}")
    # a key's own text first (cheap), then its boundaries: a pattern per key for every
    # screen would compile over a thousand patterns each time (re's cache holds 512)
    found += [f"key {k}" for k in catalogue_keys() if k in text and _key_pattern(k).search(text)]
    words = _words(text) - allowed
    found += [f"finnish {w}" for w in sorted(words & finnish_only_words())]
    if language != "en":
        found += [f"english {w}" for w in sorted(words & english_only_words())]
    if language == "sv":
        found += [f"code {w}" for w in sorted(set(WORD.findall(text)) & english_codes())]
    return found
