"""Screen text in Finnish (default), Swedish and English.

Catalogues are TOML files under `kenttä/i18n/<language>/`; every file in a language folder is
merged (so another module can ship its own `reports.toml`). Nested tables become dotted keys:
`[status] participating = "…"` is `status.participating`. A key missing in sv or en falls
back to Finnish; a key missing everywhere shows as the key itself, so a gap is visible.
Nothing here imports Textual.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

LANGUAGES: tuple[str, ...] = ("fi", "sv", "en")
DEFAULT_LANGUAGE = "fi"

_current = {"language": DEFAULT_LANGUAGE}
_listeners: list[Callable[[str], None]] = []


def _flatten(prefix: str, table: Mapping[str, Any], out: dict[str, str]) -> None:
    for key, value in table.items():
        name = f"{prefix}.{key}" if prefix else key
        if isinstance(value, Mapping):
            _flatten(name, value, out)
        else:
            out[name] = str(value)


@cache
def catalogue(language: str) -> dict[str, str]:
    """Every key of a language's catalogue (all its TOML files merged, in name order)."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; choose one of {', '.join(LANGUAGES)}")
    folder = Path(__file__).with_name(language)  # files beside this module (start-up time)
    merged: dict[str, str] = {}
    entries = sorted(
        (e for e in folder.iterdir() if e.name.endswith(".toml")), key=lambda e: e.name
    )
    for entry in entries:
        _flatten("", tomllib.loads(entry.read_text(encoding="utf-8")), merged)
    return merged


def get_language() -> str:
    return _current["language"]


def set_language(language: str) -> None:
    """Switch the language for every thread; listeners (e.g. the app) are told."""
    catalogue(language)  # validates the name and loads the catalogue
    _current["language"] = language
    for listener in list(_listeners):
        listener(language)


def on_language_change(listener: Callable[[str], None]) -> Callable[[], None]:
    _listeners.append(listener)
    return lambda: _listeners.remove(listener) if listener in _listeners else None


def has(key: str) -> bool:
    return key in catalogue(get_language()) or key in catalogue(DEFAULT_LANGUAGE)


def t(key: str, /, **params: Any) -> str:
    """The text for `key` in the current language, with `{name}` placeholders filled."""
    language = get_language()
    text = catalogue(language).get(key)
    if text is None:
        text = catalogue(DEFAULT_LANGUAGE).get(key, key)
    if params:
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return text
    return text


def code(kind: str, value: str | None, /) -> str:
    """A code value (status, outcome, …) in words; empty for None; the code itself if unknown."""
    if value is None or value == "":
        return ""
    key = f"{kind}.{value}"
    return t(key) if has(key) else str(value)


def validation_message(error: Exception) -> str:
    """A reason a person can act on, for an IdentifierError (by its code, with what it
    carries, e.g. the expected check character) or any error."""
    from kenttä.domain.identifiers import IdentifierError

    if isinstance(error, IdentifierError):
        key = f"validation.{error.code}"
        if has(key):
            return t(key, **error.params)
    return str(error)


__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "catalogue",
    "code",
    "get_language",
    "has",
    "on_language_change",
    "set_language",
    "t",
    "validation_message",
]
