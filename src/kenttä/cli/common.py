"""What every command shares: the database path, one-line errors, JSON output."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from kenttä.config import ConfigError, database_path, load_config
from kenttä.domain.identifiers import IdentifierError
from kenttä.services.context import Workspace
from kenttä.store.db import StoreError, open_store


class CommandError(click.ClickException):
    """A one-line reason shown as `kenttä: reason`, exit code 1."""

    def show(self, file: Any = None) -> None:
        click.echo(f"kenttä: {self.message}", err=True)


@dataclass
class CliContext:
    db_path: str | None = None

    def path(self) -> Path:
        return database_path(self.db_path)

    def workspace(self, *, create: bool = True) -> Workspace:
        try:
            config = load_config()
            store = open_store(self.path(), create=create)
        except (ConfigError, StoreError) as exc:
            raise CommandError(str(exc)) from None
        return Workspace(store, config)


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True, default=str))


def run_guarded(call: Callable[[], Any]) -> None:
    """Run the CLI; known errors become one line on stderr and exit 1, never a traceback."""
    try:
        call()
    except click.exceptions.Abort:
        click.echo("kenttä: cancelled", err=True)
        sys.exit(130)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        if isinstance(exc, click.UsageError) and exc.ctx is not None:
            click.echo(exc.ctx.get_usage(), err=True)
            click.echo(f"kenttä: {exc.format_message()}", err=True)
            sys.exit(2)
        exc.show()
        sys.exit(exc.exit_code)
    except (IdentifierError, ConfigError, StoreError) as exc:
        click.echo(f"kenttä: {exc}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("kenttä: interrupted", err=True)
        sys.exit(130)
