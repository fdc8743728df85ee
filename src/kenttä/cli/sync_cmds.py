"""`kenttä enroll URL CODE`, `kenttä sync`, `kenttä sync export FILE`, `kenttä sync import FILE`.

Exit status: 0 synced; 1 with a one-line reason (not enrolled, refused, version mismatch,
bad bundle); 3 when the server cannot be reached (the work stays on this laptop).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from kenttä.cli.common import CliContext, CommandError, echo_json
from kenttä.i18n import get_language, t
from kenttä.services.context import Workspace


class Unreachable(CommandError):
    exit_code = 3


def _said(exc: Exception, what: str) -> str:
    """A sync failure in the language (`cli_sync.*`); in English with the reason kenttä_sync
    gives (its own words, no personal data)."""
    reason = str(exc).splitlines()[0] if str(exc) else ""
    if get_language() == "en" and reason:
        return t(f"cli_sync.{what}_because", reason=reason)
    if "certificate" in reason:  # the server's TLS certificate is not trusted: say so
        return t("cli_sync.untrusted")
    if what == "auth" and "revoked" in reason:
        return t("cli_sync.revoked")
    return t(f"cli_sync.{what}")


@contextmanager
def _guard(obj: CliContext) -> Iterator[Workspace]:
    """A workspace; sync errors become one-line reasons."""
    from kenttä_sync.transport import (
        AuthError,
        BundleError,
        ServerUnreachable,
        SyncError,
        VersionMismatch,
    )

    from kenttä.services.sync import NotEnrolledHere

    ws = obj.workspace()
    try:
        yield ws
    except ServerUnreachable as exc:
        raise Unreachable(_said(exc, "unreachable")) from None
    except AuthError as exc:
        raise CommandError(_said(exc, "auth")) from None
    except VersionMismatch as exc:
        raise CommandError(_said(exc, "version")) from None
    except NotEnrolledHere:
        raise CommandError(t("sync.not_enrolled")) from None
    except (SyncError, BundleError) as exc:
        raise CommandError(_said(exc, "failed")) from None
    finally:
        ws.close()


@click.command("enroll")
@click.argument("url")
@click.argument("code")
@click.option("--name", help="A name for this laptop shown at the office.")
@click.option(
    "--ca-cert", type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The office's CA certificate (PEM) to trust for https.",
)  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print the enrolment as JSON.")
@click.pass_obj
def enroll(
    obj: CliContext, url: str, code: str, name: str | None, ca_cert: Path | None, as_json: bool
) -> None:
    """Join this laptop to an office server with a one-time CODE."""
    from kenttä.services.sync import client as sync_client

    if not url.startswith(("http://", "https://")):
        raise CommandError(t("cli_own.url_scheme"))
    ca_pem = ca_cert.read_text(encoding="ascii", errors="replace") if ca_cert else None
    with _guard(obj) as ws:
        found = sync_client.enroll(ws, url, code, name, ca_pem=ca_pem)
    data = {
        "device_id": found.device_id, "server_url": found.server_url,
        "role": found.role, "scopes": list(found.scopes),
    }  # fmt: skip
    if as_json:
        echo_json(data)
    else:
        from kenttä.i18n import code

        click.echo(t("cli_said.enrolled", device=found.device_id, url=found.server_url,
                     role=code("budget_role", found.role), scopes=", ".join(found.scopes)))  # fmt: skip


class _Bars:
    """One click progress bar per phase (push, pull), on stderr."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.phase: str | None = None
        self.bar: Any = None

    def __call__(self, phase: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        if phase != self.phase:
            self.close()
            label = t("cli_said.sending" if phase == "push" else "cli_said.receiving")
            self.bar = click.progressbar(length=max(total, 1), label=label, file=sys.stderr)
            self.bar.__enter__()
            self.phase = phase
        if total > self.bar.length:
            self.bar.length = total
        self.bar.update(max(0, done - self.bar.pos))

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def _partial_lines(summary: Any) -> list[str]:
    """What went and what is still waiting, after a sync that did not finish."""
    from kenttä.i18n import t

    if summary is None:
        return []
    lines = [t("sync_link.went", pushed=summary.pushed, waiting=summary.waiting)]
    if summary.staged:
        lines.append(t("sync_link.staged", staged=summary.staged))
    return lines


@click.group("sync", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option(
    "--batch", type=click.IntRange(10, 50_000), default=5000, show_default=True,
    help="Changes per request at most (requests start at 1000 and adapt to the link; a "
    "larger transaction goes in pieces).",
)  # fmt: skip
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option(
    "--retries", type=click.IntRange(0, 20), default=6, show_default=True,
    help="Tries again after a failed request, waiting longer each time.",
)  # fmt: skip
@click.pass_context
def sync(ctx: click.Context, as_json: bool, batch: int, quiet: bool, retries: int) -> None:
    """Push this laptop's changes to the office server and pull what is new.

    Exit status 3 means the server could not be reached: nothing is lost, sync again later.
    """
    if ctx.invoked_subcommand is not None:
        return
    from kenttä_sync.transport import ServerUnreachable

    from kenttä.i18n import set_language
    from kenttä.services.sync import client as sync_client
    from kenttä.services.sync.status import retry_line

    obj: CliContext = ctx.obj
    bars = _Bars(enabled=not quiet and not as_json)

    def notify(notice: Any) -> None:  # on stderr, below the progress bar
        click.echo(("\n" if bars.bar is not None else "") + retry_line(notice), err=True)

    with _guard(obj) as ws:
        set_language(ws.config.language)
        try:
            summary = sync_client.sync(
                ws, progress=bars, batch=batch, retries=retries, notify=notify
            )
        except ServerUnreachable as exc:
            bars.close()
            for line in _partial_lines(getattr(exc, "summary", None)):
                click.echo(line, err=True)
            raise
        finally:
            bars.close()
        refused = sync_client.refused(ws) if summary.refused else []
        kept = sync_client.quarantined(ws)
        last = ws.store.replica.state("last_sync")
    if as_json:
        echo_json(
            {**summary.as_dict(), "last_sync": last, "refused_changes": refused[-500:],
             "quarantined_changes": kept[-500:]}
        )  # fmt: skip
        return
    from kenttä.i18n import t

    counts = {k: getattr(summary, k) for k in ("pushed", "pulled", "conflicts", "refused")}
    click.echo(t("cli_text.synced", summary=t("sync_text.summary", **counts)))
    for line in _held_back(refused[-20:], kept[-20:]):
        click.echo(line)


@sync.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_obj
def status(obj: CliContext, as_json: bool) -> None:
    """Enrolment, last sync and the writes the office refused."""
    from kenttä.services.sync import client as sync_client

    with _guard(obj) as ws:
        found = sync_client.enrolment(ws)
        data = {
            "enrolled": found is not None,
            "server_url": found.server_url if found else None,
            "server_urls": sync_client.server_urls(ws, found) if found else [],
            "device_id": ws.device_id,
            "last_sync": ws.store.replica.state("last_sync"),
            "last_summary": ws.store.replica.state("last_summary"),
            "last_error": ws.store.replica.state("last_error"),
            "refused_changes": sync_client.refused(ws),
            "quarantined_changes": sync_client.quarantined(ws),
        }
        from kenttä.services.sync.status import status as sync_state

        counts = sync_state(ws).last_counts
    if as_json:
        echo_json(data)
        return
    from kenttä.cli.words import moment

    english = get_language() == "en"  # the stored summary and reason are English
    summary, error = (data["last_summary"], data["last_error"]) if english else (None, None)
    if counts:  # the last sync's figures in words
        key = "sync_text.summary_bundle" if counts.get("bundle") else "sync_text.summary"
        figures = ("pushed", "pulled", "conflicts", "refused")
        summary = t(key, **{k: counts.get(k, 0) for k in figures})
    if data["last_error"] and not english:
        error = t("cli_sync.failed")
    shown = {"device": data["device_id"], "server": data["server_url"],
             "last_sync": moment(data["last_sync"]), "last_summary": summary,
             "last_error": error}  # fmt: skip
    for key, value in shown.items():
        click.echo(f"{t('cli_said.status_' + key)}: {value or '–'}")
    for line in _held_back(data["refused_changes"], data["quarantined_changes"]):
        click.echo(line)


def _held_back(refused: list[dict[str, Any]], kept: list[dict[str, Any]]) -> list[str]:
    """Changes the office refused and changes not applied here, one line each in the language:
    the record kind in words and its id; kenttä_sync's English reason in English only."""
    from kenttä.i18n import code

    lines = []
    for key, rows in (("refused_by_office", refused), ("quarantined_here", kept)):
        for row in rows:
            record = f"{code('record_kind', row['table'])} {row['row_id']}"
            line = t(f"cli_said.{key}", record=record, op=code("change_op", row["op"]))
            english = get_language() == "en" and row.get("reason")
            lines.append(f"{line}: {row['reason']}" if english else line)
    return lines


@sync.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print what was written as JSON.")
@click.pass_obj
def export_bundle(obj: CliContext, file: Path, as_json: bool) -> None:
    """Write the unsent changes to FILE, encrypted and signed with this laptop's key."""
    from kenttä.services.sync import client as sync_client

    with _guard(obj) as ws:
        try:
            header = sync_client.export_bundle(ws, file)
        except OSError as exc:
            why = t("cli_said.cannot_write", file=file)
            english = get_language() == "en"
            raise CommandError(f"{why}: {exc.strerror or exc}" if english else why) from None
    count = max(0, header.seq_to - header.seq_from + 1)
    if as_json:
        echo_json({"file": str(file), "bundle_id": header.bundle_id, "changes": count,
                   "seq_from": header.seq_from, "seq_to": header.seq_to})  # fmt: skip
    else:
        click.echo(t("cli_said.bundle_written", count=count, file=file, bundle=header.bundle_id))


@sync.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_obj
def import_bundle(obj: CliContext, file: Path, as_json: bool) -> None:
    """Apply a reply bundle FILE from the office."""
    from kenttä.services.sync import client as sync_client

    if not file.is_file():
        raise CommandError(t("server_cli.no_file", file=file))
    with _guard(obj) as ws:
        result = sync_client.import_reply(ws, file)
    data = {"bundle_id": result.bundle_id, "acked_seq": result.acked_seq,
            "pulled": result.pulled, "refused": result.refused}  # fmt: skip
    if as_json:
        echo_json(data)
    else:
        click.echo(t("cli_said.bundle_read", file=file.name, pulled=result.pulled,
                     refused=result.refused, acked=result.acked_seq))  # fmt: skip
