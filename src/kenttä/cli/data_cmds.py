"""Data in and out: `kenttä seed`, `kenttä import`, `kenttä export`."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import Any

import click

from kenttä.cli.common import CliContext, CommandError, echo_json, refused
from kenttä.i18n import get_language, t
from kenttä.store.files import open_private


@click.command("seed")
@click.option("--clients", type=click.IntRange(min=0), required=True, help="Clients to add.")
@click.option(
    "--notes-per-client", type=click.IntRange(min=0), default=0, show_default=True,
    help="Notes to add for each client.",
)  # fmt: skip
@click.option("--seed", "random_seed", type=int, default=2016, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the counts and time as JSON.")
@click.pass_obj
def seed(
    obj: CliContext, clients: int, notes_per_client: int, random_seed: int, as_json: bool
) -> None:
    """Add synthetic clients and notes (henkilötunnus 900–999 only) at scale."""
    from kenttä.services.data.seed import seed as run_seed

    ws = obj.workspace()
    total = clients * (1 + notes_per_client)
    try:
        with click.progressbar(
            length=total,
            label=t("cli_said.seeding"),
            file=sys.stderr,
            show_eta=True,
            show_percent=True,
        ) as bar:
            result = run_seed(
                ws.store,
                clients=clients,
                notes_per_client=notes_per_client,
                random_seed=random_seed,
                progress=bar.update,
            )
    finally:
        ws.close()
    if as_json:
        echo_json(
            {"clients": result.clients, "notes": result.notes, "seconds": round(result.seconds, 2)}
        )
    else:
        from kenttä.i18n.numbers import number

        click.echo(t("cli_said.seeded", clients=result.clients, notes=result.notes,
                     seconds=number(result.seconds, 1)))  # fmt: skip


@click.command("import")
@click.argument("table", metavar="clients|employers|feedback")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--dry-run", is_flag=True, help="Check the file and count, write nothing.")
@click.option("--sheet", help="The .xlsx sheet to read (default: the first).")
@click.pass_obj
def import_(
    obj: CliContext, table: str, file: Path, as_json: bool, dry_run: bool, sheet: str | None
) -> None:
    """Import clients, employers or survey feedback from a CSV or .xlsx file, as Excel in
    Finland saves them.

    CSV in UTF-8, UTF-16 ("Unicode text") or Windows-1252, separated by tab, `;` or `,`;
    Finnish headers are fine. The encoding used is reported. Bad rows of clients and
    employers are reported as `line N: reason; reason` (every problem of the row) and left
    out; the rest are written together.
    Feedback (columns voucher or henkilotunnus, given_on, useful, goals, respect, next_steps,
    satisfaction, comment) is written whole or, at the first bad row, not at all.
    """
    from kenttä.services.transfer import CsvImportError, import_csv

    if table not in ("clients", "employers", "feedback"):
        raise CommandError(t("error.import_table"))
    if not file.is_file():
        raise CommandError(t("server_cli.no_file", file=file))
    if table == "feedback":
        _import_feedback(obj, file, as_json=as_json, dry_run=dry_run, sheet=sheet)
        return
    ws = obj.workspace()
    try:
        result = import_csv(ws, table, file, dry_run=dry_run, sheet=sheet)
    except CsvImportError as exc:
        raise CommandError(f"{file.name}: {refused(exc).message}") from None
    finally:
        ws.close()
    if as_json:
        echo_json(result.as_dict())
    else:
        for error in result.errors:
            click.echo(error.in_words(), err=True)
        click.echo(_summary_in_words(result, dry_run))


def _summary_in_words(result: Any, dry_run: bool) -> str:
    """`kokeilu: tuotu 1, …, hylätty 4 (luettu: Windows-1252, erotin ;)` in the language."""
    from kenttä.i18n import t

    text = t(
        "cli_text.import_summary", imported=result.imported, updated=result.updated,
        unchanged=result.unchanged, rejected=result.rejected,
    )  # fmt: skip
    if dry_run:
        text = t("import_words.dry_run", summary=text)
    source = result.source
    if source is None:
        return text
    encoding = t("import_words.encoding_" + source.encoding.replace("-", "_"))
    if source.encoding == "xlsx":
        how = t("import_words.read_sheet", encoding=encoding, sheet=source.sheet or "")
    else:
        separator = source.delimiter or ","
        shown = t("import_words.tab") if separator == "\t" else separator
        how = t("import_words.read_as", encoding=encoding, separator=shown)
    return f"{text} ({how})"


def _import_feedback(
    obj: CliContext, file: Path, *, as_json: bool, dry_run: bool, sheet: str | None
) -> None:
    from kenttä.services.transfer import FeedbackImportError, import_feedback

    ws = obj.workspace()
    try:
        result = import_feedback(ws, file, dry_run=dry_run, sheet=sheet)
    except FeedbackImportError as exc:
        reason = refused(exc).message
        if exc.line is not None and get_language() != "en":  # the English reason names it
            reason = t("cli_text.line_error", line=exc.line, reason=reason)
        raise CommandError(f"{file.name}: {reason}") from None
    finally:
        ws.close()
    if as_json:
        echo_json(result.as_dict())
    else:
        read_as = f" ({result.source.describe()})"
        click.echo(("dry run: " if dry_run else "") + result.summary() + read_as)


@click.command("export")
@click.argument("table")
@click.option(
    "--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to a file.")
@click.option("--include-meta", is_flag=True, help="Add the sync metadata columns (_stamp…).")
@click.option("--include-deleted", is_flag=True, help="Add tombstoned (deleted) rows.")
@click.pass_obj
def export(
    obj: CliContext,
    table: str,
    fmt: str,
    out: Path | None,
    include_meta: bool,
    include_deleted: bool,
) -> None:
    """Export a table canonically: rows by id, fixed columns, identical bytes on every replica."""
    import io

    from kenttä.services.transfer import ExportError, table_spec, write

    try:
        table_spec(table)
    except ExportError as exc:
        raise refused(exc) from None
    ws = obj.workspace(create=False)
    options = {"format": fmt, "include_meta": include_meta, "include_deleted": include_deleted}
    try:
        if out is None:
            stream = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
            try:
                write(ws, table, stream, **options)
                stream.flush()
            except BrokenPipeError:  # the reader stopped early (`| head`): not an error
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
                return
            finally:
                with contextlib.suppress(ValueError, OSError):
                    stream.detach()
        else:
            partial = out.with_name(out.name + ".part")
            try:
                with open_private(partial, "w", encoding="utf-8", newline="") as f:
                    result = write(ws, table, f, **options)
                partial.replace(out)
            except BaseException:  # refused, failed or interrupted: nothing half-written stays
                partial.unlink(missing_ok=True)
                raise
            click.echo(t("cli_said.exported", count=result.rows, out=out), err=True)
    except OSError as exc:
        raise CommandError(f"cannot write {out}: {exc.strerror or exc}") from None
    finally:
        ws.close()
