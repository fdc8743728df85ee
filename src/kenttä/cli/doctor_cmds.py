"""`kenttä doctor [--json]`: the local database's health, read without changing it.

Exit code 0 when every check passes, 1 when the file is missing, unreadable (damaged, or
encrypted with no passphrase), of another schema version, or fails SQLite's integrity check
or a full-text index's own check. The report names tables and counts, never row contents.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import click

from kenttä.cli.common import CliContext, echo_json
from kenttä.config import ConfigError, load_config

if TYPE_CHECKING:
    from kenttä.services.data import Diagnosis


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--repair", is_flag=True, help="Rebuild search indexes that do not match the data.")
@click.pass_obj
def doctor(ctx: CliContext, as_json: bool, repair: bool) -> None:
    """Check the local database: integrity, indexes, schema, unsent changes, last sync."""
    from kenttä.i18n import set_language
    from kenttä.services.data import diagnose, repair_indexes

    try:
        config = load_config()
    except ConfigError:
        config = None  # a broken config must not stop the database check
    if config is not None:
        set_language(config.language)
    passphrase = os.environ.get("KENTTA_PASSPHRASE") or None
    path = ctx.path()
    if passphrase is None and path.exists() and _encrypted(path) and _tty():
        from kenttä.i18n import t

        passphrase = click.prompt(t("cli_said.prompt_passphrase"), hide_input=True, err=True)
    if repair:
        repair_indexes(path, passphrase)
    found = diagnose(path, passphrase)
    if as_json:
        echo_json(found.as_dict())
    else:
        click.echo(render(found))
    if not found.healthy:
        raise click.exceptions.Exit(1)


def _encrypted(path: os.PathLike[str]) -> bool:
    from kenttä.store.crypto import is_encrypted

    return is_encrypted(path)


def _tty() -> bool:
    import sys

    return sys.stdin.isatty()


def render(d: Diagnosis) -> str:
    """The human report, in the configured language."""
    from kenttä.cli.words import moment
    from kenttä.i18n import t

    yes, no = t("doctor.yes"), t("doctor.no")
    lines = [
        f"{t('doctor.file')}: {d.path}",
        f"{t('doctor.size')}: {_size(d.size_bytes)}   {t('doctor.wal')}: {_size(d.wal_bytes)}",
        f"{t('doctor.encrypted')}: {yes if d.encrypted else no}",
    ]
    if d.opened:
        lines.append(
            f"{t('doctor.schema')}: {d.schema_version} ({t('doctor.latest')} "
            f"{d.latest_schema_version})"
        )
        lines.append(f"{t('doctor.integrity')}: {', '.join(d.integrity[:3])}")
        for name, state in sorted(d.fts.items()):
            lines.append(f"{t('doctor.index')} {name}: {t('doctor.fts.' + state)}")
        if d.unsent_changes is not None:
            lines.append(f"{t('doctor.unsent')}: {d.unsent_changes}")
            when = moment(d.last_sync) if d.last_sync else t("doctor.never")
            lines.append(f"{t('doctor.last_sync')}: {when}")
        lines.append(f"{t('doctor.tables')}:")
        width = max((len(n) for n in d.tables), default=0)
        lines += [f"  {name:<{width}}  {count:>9}" for name, count in d.tables.items()]
    for problem in d.problems:
        lines.append(f"{t('doctor.problem_label')}: {t('doctor.problem.' + problem)}")
    lines.append(t("doctor.healthy") if d.healthy else t("doctor.unhealthy"))
    return "\n".join(lines)


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    size = float(n)
    for unit in ("KB", "MB", "GB"):
        size /= 1024
        if size < 1024 or unit == "GB":
            break
    return f"{size:.1f} {unit}"
