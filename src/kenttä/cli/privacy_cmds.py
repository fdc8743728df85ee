"""Privacy commands: audit trail, subject access, erasure, retention purge, passphrase.

Every message names ids and counts only, never a name or a henkilötunnus.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import date
from pathlib import Path

import click

from kenttä.cli.common import CliContext, CommandError, echo_json, refused
from kenttä.domain import localtime
from kenttä.i18n import t
from kenttä.services.context import Workspace


def _today(value: str | None) -> date:
    if value is None:
        return localtime.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(t("cli_own.today_date")) from None


def _confirm(yes: bool, question: str) -> None:
    if yes:
        return
    if not sys.stdin.isatty():
        raise CommandError(t("cli_own.confirm_yes"))
    if not click.confirm(question, default=False, err=True):
        raise CommandError(t("cli_own.nothing_done"))


def _guard(ws: Workspace, call):  # type: ignore[no-untyped-def]
    """Run a service call; its known refusals become one-line errors."""
    from kenttä.services.privacy import ErasureError, SubjectAccessError

    try:
        return call()
    except (ErasureError, SubjectAccessError) as exc:
        raise refused(exc) from None
    finally:
        ws.close()


# -- audit ----------------------------------------------------------------------------------
@click.group("audit")
def audit_group() -> None:
    """The audit trail: who saw or changed a person's data, and when."""


@audit_group.command("client")
@click.argument("client_ref", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print the events as JSON.")
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="Write the trail to FILE."
)
@click.pass_obj
def audit_client(obj: CliContext, client_ref: str, as_json: bool, out: Path | None) -> None:
    """List who saw or changed client ID's data (ID or henkilötunnus); supervisors only.

    Reading the trail is itself recorded in it.
    """
    from kenttä.services.privacy import client_audit_trail

    ws = obj.workspace(create=False)
    events = _guard(ws, lambda: client_audit_trail(ws, client_ref))
    if out is not None:
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(events, fh, ensure_ascii=False, indent=2, sort_keys=True)
        click.echo(t("cli_said.audit_written", count=len(events), out=out), err=True)
        return
    if as_json:
        echo_json(events)
        return
    from kenttä.cli.privacy_words import audit_line

    for e in events:
        click.echo(audit_line(e))
    click.echo(t("cli_said.audit_count", count=len(events)), err=True)


# -- subject access -------------------------------------------------------------------------
@click.command("subject-access")
@click.argument("client_ref", metavar="ID")
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path),
    help="FILE (writes FILE.json and FILE.txt) or an existing directory.",
)
@click.pass_obj
def subject_access(obj: CliContext, client_ref: str, out: Path) -> None:
    """Write everything held about client ID, as JSON and readable text; supervisors only."""
    from kenttä.services.privacy import write_subject_access

    ws = obj.workspace(create=False)
    json_path, text_path = _guard(ws, lambda: write_subject_access(ws, client_ref, out))
    click.echo(f"{json_path}\n{text_path}")


# -- erasure and retention ------------------------------------------------------------------


@click.group("erase")
def erase_group() -> None:
    """Erase a person's data on every replica (from the next sync on)."""


@erase_group.command("client")
@click.argument("client_ref", metavar="ID")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_obj
def erase_client_cmd(obj: CliContext, client_ref: str, yes: bool) -> None:
    """Erase client ID (ID or henkilötunnus) and everything about them; supervisors only."""
    from kenttä.services.privacy import compaction_pending, erase_client, resolve_client
    from kenttä.services.roles import require

    ws = obj.workspace(create=False)

    def run() -> tuple[str, bool, bool]:
        require(ws, "erase_client")
        client_id = resolve_client(ws, client_ref)
        _confirm(yes, f"Erase client {client_id} for good, on every device after sync?")
        done = erase_client(ws, client_id)
        return client_id, done, compaction_pending(ws)

    client_id, done, pending = _guard(ws, run)
    click.echo(t("cli_said.erased" if done else "cli_said.already_erased", client=client_id))
    if pending:
        click.echo(f"kenttä: {t('cli_said.busy')}", err=True)


@click.command("purge")
@click.option("--dry-run", is_flag=True, help="Only list the clients the rule would erase.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--today", "today_text", metavar="YYYY-MM-DD", help="Apply the rule as of this day.")
@click.option("--json", "as_json", is_flag=True, help="Print the candidates as JSON.")
@click.pass_obj
def purge(obj: CliContext, dry_run: bool, yes: bool, today_text: str | None, as_json: bool) -> None:
    """Erase clients whose relationship ended longer ago than retention_years; supervisors only."""
    from kenttä.services.privacy import erasure
    from kenttä.services.roles import require

    today = _today(today_text)
    ws = obj.workspace(create=False)

    def run() -> tuple[list[erasure.RetentionCandidate], date, bool]:
        require(ws, "purge")
        found = erasure.retention_candidates(ws, today)
        if not dry_run and found:
            _confirm(yes, f"Erase {len(found)} clients for good, on every device after sync?")
        done = erasure.purge(ws, today, dry_run=dry_run)
        if not dry_run and erasure.compaction_pending(ws):
            erasure.compact_store(ws.store.conn)
        return done, erasure.retention_cutoff(ws, today), erasure.compaction_pending(ws)

    found, cutoff, pending = _guard(ws, run)
    if pending:
        click.echo(f"kenttä: {t('cli_said.busy')}", err=True)
    if as_json:
        echo_json(
            {
                "dry_run": dry_run,
                "cutoff": cutoff.isoformat(),
                "clients": [
                    {"id": c.client_id, "scope": c.scope, "exit_date": c.exit_date} for c in found
                ],
            }
        )
        return
    from kenttä.cli.words import day

    for c in found:
        click.echo(t("cli_said.purge_row", client=c.client_id, scope=c.scope or "–",
                     day=day(c.exit_date)))  # fmt: skip
    said = "cli_said.purge_would" if dry_run else "cli_said.purge_done"
    click.echo(t(said, count=len(found), cutoff=day(cutoff)), err=True)


# -- passphrase -----------------------------------------------------------------------------
def _new_passphrase() -> str:
    value = os.environ.get("KENTTA_NEW_PASSPHRASE", "")
    if not value:
        if not sys.stdin.isatty():
            raise CommandError(t("cli_said.set_new_passphrase"))
        value = str(
            click.prompt(
                t("cli_said.prompt_new"), hide_input=True, confirmation_prompt=True, err=True
            )
        )
    if len(value) < 8:
        raise CommandError(t("cli_said.short_passphrase"))
    return value


def _current_passphrase() -> str:
    if os.environ.get("KENTTA_PASSPHRASE"):
        return os.environ["KENTTA_PASSPHRASE"]
    if not sys.stdin.isatty():
        raise CommandError(t("cli_said.set_passphrase"))
    return str(click.prompt(t("cli_said.prompt_current"), hide_input=True, err=True))


@click.group("passphrase")
def passphrase_group() -> None:
    """Encrypt the local database with a passphrase, or change it.

    For scripts: KENTTA_PASSPHRASE holds the current passphrase, KENTTA_NEW_PASSPHRASE the new.
    """


@passphrase_group.command("set")
@click.pass_obj
def passphrase_set(obj: CliContext) -> None:
    """Encrypt the (plain) local database; no plaintext copy is left behind."""
    from kenttä.store import crypto
    from kenttä.store.db import open_store

    path = obj.path()
    if crypto.is_encrypted(path):
        raise CommandError(t("cli_said.already_encrypted"))
    new = _new_passphrase()
    if path.exists():
        crypto.encrypt_existing(path, new)
    else:
        open_store(path, passphrase=new).close()
    click.echo(t("cli_said.encrypted", path=path))


@passphrase_group.command("change")
@click.pass_obj
def passphrase_change(obj: CliContext) -> None:
    """Change the passphrase of the encrypted local database."""
    from kenttä.store import crypto

    path = obj.path()
    if not crypto.is_encrypted(path):
        raise CommandError(t("cli_said.not_encrypted"))
    old = _current_passphrase()
    if not crypto.verify_passphrase(path, old):
        raise crypto.WrongPassphrase()
    crypto.change_passphrase(path, old, _new_passphrase())
    click.echo(t("cli_said.passphrase_changed"))
