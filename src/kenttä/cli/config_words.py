"""A config file that cannot be read, said in words (issue 14).

The config names the language, so a broken one is read as far as it goes: its `language`
line if there is one, else Finnish. In English the config's own reason (where and why); in
Finnish and Swedish the file, the line or the setting, and the values allowed.
"""

from __future__ import annotations

import re
from pathlib import Path

from kenttä.config import _CHOICES, ConfigError
from kenttä.i18n import DEFAULT_LANGUAGE, LANGUAGES, catalogue

_LANGUAGE = re.compile(r"""^\s*language\s*=\s*["'](\w+)["']""", re.MULTILINE)


def broken_config_language(path: Path | None) -> str:
    """The language a broken config asks for (its `language` line), else the default."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace") if path else ""
    except OSError:
        text = ""
    found = _LANGUAGE.search(text)
    return found[1] if found and found[1] in LANGUAGES else DEFAULT_LANGUAGE


def config_reason(exc: ConfigError) -> str:
    """One line: which file, and what in it is wrong, in the language it asks for."""
    path = getattr(exc, "path", None)
    language = broken_config_language(path)
    if language == "en" or path is None:
        return str(exc)
    words = catalogue(language)
    setting = getattr(exc, "setting", None)
    if setting is None:
        line = getattr(exc, "line", None)
        return words["cli_said.config_toml"].format(path=path, line=line or "?")
    if getattr(exc, "unknown", False):
        return words["cli_said.config_unknown"].format(path=path, setting=setting)
    allowed = _CHOICES.get(setting)
    text = words["cli_said.config_value"].format(path=path, setting=setting)
    if allowed:
        text += " " + words["cli_said.config_allowed"].format(values=", ".join(allowed))
    return text
