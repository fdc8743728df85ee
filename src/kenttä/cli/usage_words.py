"""Click's usage errors in the configured language (issue 14).

Click words its errors in English through gettext ("Missing option '--store'.", "No such
option: --x", "Invalid value for '--limit': 'abc' is not a valid integer."). The common ones
are said here from the catalogue (`cli_usage.*`) by the error's kind and the parameter at
fault, never with the value a person typed (it may be a henkilötunnus or a name); the rest
read as a general "wrong usage". The usage line's "Usage:" is click's help word in the
language (i18n/help, as `--help` shows it).
"""

from __future__ import annotations

import click

from kenttä.i18n import get_language, t


def usage_message(exc: click.UsageError) -> str:
    """The one-line reason of a usage error, in the current language."""
    if isinstance(exc, click.MissingParameter):
        kind = exc.param_type or (exc.param.param_type_name if exc.param else "parameter")
        key = {"option": "missing_option", "argument": "missing_argument"}.get(kind, "missing")
        return t(f"cli_usage.{key}", name=_hint(exc))
    if isinstance(exc, click.BadParameter):
        name = _hint(exc)
        said = t("cli_usage.invalid_value", name=name) if name else t("cli_usage.invalid")
        return f"{said} {_expected(exc.param)}".rstrip()
    if isinstance(exc, click.NoSuchOption):
        return t("cli_usage.no_such_option", name=exc.option_name) + _maybe(exc.possibilities)
    no_such_command = getattr(click.exceptions, "NoSuchCommand", ())  # click 8.4+
    if isinstance(exc, no_such_command):
        return t("cli_usage.no_such_command", name=exc.command_name) + _maybe(exc.possibilities)
    message = exc.message
    if message.startswith("Got unexpected extra argument"):
        count = len(message.partition("(")[2].rstrip(")").split())
        return t("cli_usage.extra", count=max(count, 1))
    if message.startswith("No such command"):  # click before 8.4
        return t("cli_usage.no_such_command", name="")
    if get_language() == "en":  # the command's own English reason (e.g. `give --keep a|b`)
        return exc.format_message()
    return t("cli_usage.usage")


def usage_line(ctx: click.Context) -> str:
    """`Käyttö: kenttä voucher list [OPTIONS]`: click's usage with its word in the language."""
    from kenttä.cli.help_words import help_catalogue

    line = ctx.get_usage()
    word = help_catalogue(get_language()).get("click", {}).get("usage")
    if word and line.startswith("Usage:"):
        line = word + line[len("Usage:") :]
    return line


def help_hint(ctx: click.Context) -> str:
    return t("cli_usage.help_hint", command=ctx.command_path)


def _hint(exc: click.BadParameter) -> str:
    hint = exc.param_hint
    if hint is None and exc.param is not None:
        return exc.param.get_error_hint(exc.ctx)  # '--store', 'NUMBER': what is typed
    if isinstance(hint, str):
        return hint
    return " / ".join(str(h) for h in hint or [])


def _expected(param: click.Parameter | None) -> str:
    """What the parameter takes, in words (its choices, a whole number, a range)."""
    kind = getattr(param, "type", None)
    if isinstance(kind, click.Choice):
        return t("cli_usage.choose", choices=", ".join(str(c) for c in kind.choices))
    if isinstance(kind, (click.IntRange, click.FloatRange)) and None not in (kind.min, kind.max):
        return t("cli_usage.range", low=kind.min, high=kind.max)
    if isinstance(kind, click.types.IntParamType):
        return t("cli_usage.whole_number")
    if isinstance(kind, click.types.FloatParamType):
        return t("cli_usage.number")
    if isinstance(kind, (click.Path, click.File)):
        return t("cli_usage.no_file")
    return ""


def _maybe(possibilities: list[str] | None) -> str:
    return (
        f" {t('cli_usage.did_you_mean', names=', '.join(possibilities))}" if possibilities else ""
    )
