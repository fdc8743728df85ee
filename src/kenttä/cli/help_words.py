"""`kenttä … --help` in the configured language (issue 14).

The English help is the commands' own (their docstrings and `help=` texts). Finnish and
Swedish come from `kenttä/i18n/help/<language>.toml`: one table per command path
(`["server budget set"]`) holding `help` (the command's text), `short` (a top-level
command's line in `kenttä --help`) and, by parameter name, each option's help; the table
`[click]` words what click itself prints (Usage, Options, Show this message and exit., the
`[default: …]` of an option). Tests walk every command so that none is left in English.

The words are put into the command objects only when help may be shown (a `-h`/`--help`
in the arguments, or a group that prints its help when called bare); the English originals
are kept on each command, so English comes back when the language is English.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

import click

HELP_FLAGS = frozenset({"-h", "--help"})
HELP_FOLDER = Path(__file__).resolve().parent.parent / "i18n" / "help"
ENGLISH_KEY = "_kentta_english"
_EXTRA = re.compile(r"\s*\[([^\[\]]*)\]$")
_shown: dict[str, str] = {"language": "en"}  # the language help is being shown in


@cache
def help_catalogue(language: str) -> dict[str, dict[str, str]]:
    """The help texts of `language` by command path (empty for English: the code's own)."""
    path = HELP_FOLDER / f"{language}.toml"
    if language == "en" or not path.is_file():
        return {}
    return tomllib.loads(path.read_text(encoding="utf-8"))


def configured_language(ctx: click.Context) -> str:
    """The config's language (once per command line); a broken config must not hide help."""
    meta = ctx.find_root().meta
    if "kentta.language" not in meta:
        from kenttä.i18n import DEFAULT_LANGUAGE

        try:
            from kenttä.config import load_config

            meta["kentta.language"] = load_config().language
        except Exception:  # the help still shows, in the default language
            meta["kentta.language"] = DEFAULT_LANGUAGE
    return str(meta["kentta.language"])


def wants_help(args: Sequence[str]) -> bool:
    return any(arg in HELP_FLAGS for arg in args)


def click_word(name: str, english: str) -> str:
    """One of click's own words (`usage`, `options`…) in the language help is shown in."""
    return help_catalogue(_shown["language"]).get("click", {}).get(name, english)


def forget() -> None:
    """A command line that shows no help: click's words (a usage error's) stay English."""
    _shown["language"] = "en"


def localize(command: click.Command, path: str, ctx: click.Context) -> None:
    """Put the configured language's help into `command` and every command under it."""
    language = configured_language(ctx)
    _shown["language"] = language
    _apply(command, path, help_catalogue(language), ctx)


def _apply(
    command: click.Command, path: str, words: dict[str, dict[str, str]], ctx: click.Context
) -> None:
    english = command.__dict__.setdefault(
        ENGLISH_KEY,
        {
            "help": command.help,
            "params": {p.name: getattr(p, "help", None) for p in command.params},
        },
    )
    entry = words.get(path or "kenttä", {})
    command.help = entry.get("help", english["help"])
    for param in command.params:
        original = english["params"].get(param.name)
        if original is not None and hasattr(param, "help"):
            param.help = entry.get(str(param.name), original)
    help_option = command.get_help_option(ctx)
    if help_option is not None:
        help_option.help = click_word("help_option", "Show this message and exit.")
    command.context_class = LocalContext
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            _apply(sub, f"{path} {name}".strip(), words, ctx)


def summary(name: str, english: str) -> str:
    """A top-level command's line in `kenttä --help`."""
    return help_catalogue(_shown["language"]).get(name, {}).get("short", english)


class LocalFormatter(click.HelpFormatter):
    """Click's own headings and option extras in the language help is shown in."""

    SECTIONS: ClassVar[dict[str, str]] = {
        "Options": "options",
        "Commands": "commands",
        "Positional arguments": "arguments",
    }
    EXTRAS: ClassVar[dict[str, str]] = {
        "default: ": "default",
        "env var: ": "env_var",
        "required": "required",
    }

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        if prefix is None:
            prefix = click_word("usage", "Usage:") + " "
        super().write_usage(prog, args, prefix)

    @contextmanager
    def section(self, name: str) -> Iterator[None]:
        key = self.SECTIONS.get(name)
        with super().section(click_word(key, name) if key else name):
            yield

    def write_dl(self, rows: Sequence[tuple[str, str]], *args: Any, **kwargs: Any) -> None:
        super().write_dl([(term, self._extras(text)) for term, text in rows], *args, **kwargs)

    def _extras(self, text: str) -> str:
        """`… [default: jsonl; required]` with click's words in the language."""
        found = _EXTRA.search(text)
        if found is None:
            return text
        items = []
        for item in found.group(1).split("; "):
            for english, key in self.EXTRAS.items():
                if item.startswith(english):
                    word = click_word(key, english.rstrip(": "))
                    item = word + (": " if english.endswith(": ") else "") + item[len(english) :]
                    break
            items.append(item)
        return text[: found.start()] + found.group(0).replace(found.group(1), "; ".join(items))


class LocalContext(click.Context):
    formatter_class = LocalFormatter
