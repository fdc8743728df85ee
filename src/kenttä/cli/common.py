"""What every command shares: the database path, one-line errors, JSON output."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from kenttä.config import Config, ConfigError, database_path, load_config
from kenttä.services.context import Workspace
from kenttä.services.roles import PermissionDenied
from kenttä.store.db import StoreError, open_store


class CommandError(click.ClickException):
    """A one-line reason shown as `kenttä: reason`, exit code 1."""

    def show(self, file: Any = None) -> None:
        click.echo(f"kenttä: {self.message}", err=True)


@dataclass
class CliContext:
    db_path: str | None = None

    def path(self, *, new_folder: bool = False) -> Path:
        """The database file. A --db (or KENTTA_DB) whose folder does not exist is refused
        unless `new_folder` (`kenttä init`): a typo must not create folders and an empty
        database. The default place's folder is made when needed."""
        path = database_path(self.db_path)
        if self.db_path and not new_folder and not path.expanduser().parent.is_dir():
            from kenttä.i18n import t

            raise CommandError(t("cli_own.no_folder", folder=path.parent))
        return path

    def workspace(self, *, create: bool = True, new_folder: bool = False) -> Workspace:
        path = self.path(new_folder=new_folder)
        try:
            config = load_config()
            passphrase = obtain_passphrase(path, config, create=create)
            store = open_store(path, create=create, passphrase=passphrase)
        except (ConfigError, StoreError) as exc:
            raise CommandError(_reason(exc)) from None
        from kenttä.cli.words import use_language

        use_language(getattr(config, "language", None))  # what is printed for a person
        return Workspace(store, config)


def obtain_passphrase(path: Path, config: Config, *, create: bool = True) -> str | None:
    """The database passphrase: KENTTA_PASSPHRASE, else asked at a terminal when needed.

    Needed when the file is encrypted, or when it is about to be created and the config says
    `encrypt = true`. With no terminal and no KENTTA_PASSPHRASE: a one-line error.
    """
    from kenttä.i18n import t
    from kenttä.store.crypto import is_encrypted

    new = not path.exists() or path.stat().st_size == 0
    if config.encrypt and not new and not is_encrypted(path):
        click.echo(f"kenttä: {t('cli_own.not_encrypted')}", err=True)
    if os.environ.get("KENTTA_PASSPHRASE"):
        return os.environ["KENTTA_PASSPHRASE"]
    creating = create and new and config.encrypt
    if not (is_encrypted(path) or creating):
        return None
    if not sys.stdin.isatty():
        raise CommandError(t("cli_own.asks_passphrase" if creating else "cli_own.encrypted"))
    text = t("cli_said.prompt_new_passphrase" if creating else "cli_said.prompt_passphrase")
    return str(click.prompt(text, hide_input=True, confirmation_prompt=creating, err=True))


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True, default=str))


def refused(exc: Exception) -> CommandError:
    """A service's refusal as the one-line error a person reads, in the configured language:
    in Finnish and Swedish by its code (`refusal_text`, never an English reason); in English
    the service's own one-line reason (written for a person, no personal data; it names what
    was wrong, e.g. the programmes there are), or the catalogue's when it has none."""
    from kenttä.i18n import get_language, has
    from kenttä.services.refusal_words import refusal_text

    english = get_language() == "en" and isinstance(exc, ValueError) and str(exc)
    if english and type(exc).__name__ != "ValidationError":  # pydantic's text holds the input
        return CommandError(str(exc).splitlines()[0])
    code, details = getattr(exc, "code", None), getattr(exc, "details", None)
    for table in ("budget_error", "voucher_issue"):  # a budget refusal: its amounts in euros
        if isinstance(details, dict) and details and has(f"{table}.{code}"):
            from kenttä.i18n.budget_words import budget_refusal

            return CommandError(budget_refusal(code, details, table=table))
    return CommandError(refusal_text(exc, refusal=True))


def speak() -> None:
    """The config's language for what the command line prints (a broken config: Finnish)."""
    from kenttä.cli.words import use_language
    from kenttä.i18n import DEFAULT_LANGUAGE

    try:
        use_language(load_config().language)
    except Exception:  # the error being reported must still be shown
        use_language(DEFAULT_LANGUAGE)


def run_guarded(call: Callable[[], Any]) -> None:
    """Run the CLI; known errors become one line on stderr (in the configured language) and
    exit 1, never a traceback."""
    from kenttä.i18n import t

    try:
        call()
    except click.exceptions.Abort:
        speak()
        click.echo(f"kenttä: {t('cli_error.cancelled')}", err=True)
        sys.exit(130)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        if isinstance(exc, getattr(click.exceptions, "NoArgsIsHelpError", ())):
            exc.show()  # a bare group (`kenttä server budget`): its help, once (click 8.2+)
            sys.exit(exc.exit_code)
        if isinstance(exc, click.UsageError):
            from kenttä.cli.usage_words import help_hint, usage_line, usage_message

            speak()
            if exc.ctx is not None:
                click.echo(usage_line(exc.ctx), err=True)
            click.echo(f"kenttä: {usage_message(exc)}", err=True)
            if exc.ctx is not None:
                click.echo(help_hint(exc.ctx), err=True)
            sys.exit(2)
        exc.show()
        sys.exit(exc.exit_code)
    except PermissionDenied as exc:  # the role may not: what, in words
        speak()
        click.echo(f"kenttä: {refused(exc).message}", err=True)
        sys.exit(1)
    except (ConfigError, StoreError) as exc:
        click.echo(f"kenttä: {_reason(exc)}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        speak()
        click.echo(f"kenttä: {t('cli_error.interrupted')}", err=True)
        sys.exit(130)
    except Exception as exc:  # a bug: its message may hold personal data, so never print it
        if (reason := storage_reason(exc)) is not None:  # locked, read-only, disk full
            click.echo(f"kenttä: {reason}", err=True)
            sys.exit(1)
        speak()
        if _is_identifier_error(exc):  # a bad henkilötunnus or Y-tunnus: the reason in words
            from kenttä.i18n import validation_message

            click.echo(f"kenttä: {validation_message(exc)}", err=True)
            sys.exit(1)
        if os.environ.get("KENTTA_DEBUG"):
            raise
        click.echo(f"kenttä: {_safe_reason(exc)} {t('cli_error.debug')}", err=True)
        sys.exit(70)


def _reason(exc: ConfigError | StoreError) -> str:
    """A config or storage error in one line of the configured language."""
    if isinstance(exc, ConfigError):
        from kenttä.cli.config_words import config_reason

        return config_reason(exc)
    return storage_reason(exc) or str(exc)


def storage_reason(exc: BaseException) -> str | None:
    """A locked, read-only or full database in one line of the configured language (the
    catalogue's `storage.*`), or None for any other error."""
    from kenttä.store.problems import storage_problem

    key = storage_problem(exc)
    if key is None:
        return None
    from kenttä.i18n import DEFAULT_LANGUAGE, catalogue

    try:
        language = load_config().language
    except Exception:  # a broken config must not hide the reason
        language = DEFAULT_LANGUAGE
    return catalogue(language).get(key) or catalogue(DEFAULT_LANGUAGE)[key]


def _is_identifier_error(exc: Exception) -> bool:
    """Whether `exc` is an IdentifierError (its module, and python-stdnum under it, are loaded
    only by the commands that check identifiers: not on the way to opening the app)."""
    identifiers = sys.modules.get("kenttä.domain.identifiers")
    return identifiers is not None and isinstance(exc, identifiers.IdentifierError)


def _safe_reason(exc: Exception) -> str:
    """A one-line reason that cannot carry personal data (no input values, no free text):
    a model's own check names the field at fault, in words."""
    from pydantic import ValidationError

    from kenttä.i18n import t

    if isinstance(exc, ValidationError) and exc.errors():
        from kenttä.services.refusal_words import refusal_text

        return refusal_text(exc)
    return t("cli_error.internal", kind=type(exc).__name__)


# The office commands (`kenttä server …`, `kenttä server budget …`) open the central store:
store_option = click.option(
    "--store", "store_url", envvar="KENTTA_STORE", required=True,
    help="sqlite:PATH or postgresql://… (also KENTTA_STORE).",
)  # fmt: skip


@contextlib.contextmanager
def office_store(store_url: str, install: bool | None = None) -> Iterator[Any]:
    """The central store at `store_url` for kenttä's schema (the office commands' --store);
    a store that cannot be opened is a CommandError saying why in one line."""
    from kenttä_sync.transport.server.stores import StoreUrlError, open_central

    from kenttä.i18n import get_language, t
    from kenttä.store.schema import SCHEMA

    try:
        central = open_central(store_url, SCHEMA, install)
    except StoreUrlError as exc:
        english = get_language() == "en"
        raise CommandError(str(exc) if english else t("server_cli.bad_store")) from None
    except Exception as exc:  # a driver error: its text names the database, not people
        why = t("server_cli.cannot_open", kind=type(exc).__name__)
        raise CommandError(f"{why}: {exc}" if get_language() == "en" else why) from None
    try:
        yield central
    finally:
        central.close()
