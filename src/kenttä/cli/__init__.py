"""The `kenttä` command line (DESIGN §5). Command modules load only when called."""

from __future__ import annotations

import contextlib
import importlib
import sys
from typing import Any

import click

from kenttä.cli.common import CliContext, run_guarded
from kenttä.cli.help_words import (
    LocalContext,
    configured_language,
    forget,
    localize,
    summary,
    wants_help,
)

# command name -> ("module:attribute", one-line summary); each module owns its commands, and
# `kenttä --help` lists them without importing any.
COMMANDS: dict[str, tuple[str, str]] = {
    "open": ("kenttä.cli.app_cmds:open_app", "Open the app on the local database."),
    "init": ("kenttä.cli.app_cmds:init", "Create the local database (and its folder)."),
    "demo": ("kenttä.cli.app_cmds:demo", "Open the app on a generated demo caseload."),
    "seed": ("kenttä.cli.data_cmds:seed", "Generate synthetic data at scale."),
    "import": (
        "kenttä.cli.data_cmds:import_",
        "Import clients, employers or feedback (CSV, .xlsx).",
    ),
    "export": ("kenttä.cli.data_cmds:export", "Export a table in canonical JSONL or CSV."),
    "report": ("kenttä.cli.report_cmds:report", "ESF, follow-up, quality and feedback reports."),
    "voucher": ("kenttä.cli.voucher_cmds:voucher", "Issue, list and cancel service vouchers."),
    "audit": ("kenttä.cli.privacy_cmds:audit_group", "Who saw or changed a client's data."),
    "subject-access": ("kenttä.cli.privacy_cmds:subject_access", "Everything held about a person."),
    "erase": ("kenttä.cli.privacy_cmds:erase_group", "Erase a person on every replica."),
    "purge": ("kenttä.cli.privacy_cmds:purge", "Apply the retention rule through erasure."),
    "passphrase": ("kenttä.cli.privacy_cmds:passphrase_group", "Encrypt or re-key the database."),
    "enroll": ("kenttä.cli.sync_cmds:enroll", "Join this laptop to an office server."),
    "sync": ("kenttä.cli.sync_cmds:sync", "Sync with the office server, or by bundle files."),
    "conflicts": ("kenttä.cli.conflict_cmds:conflicts", "List and resolve sync conflicts."),
    "server": ("kenttä.cli.server_cmds:server", "The office server and its central store."),
    "doctor": ("kenttä.cli.doctor_cmds:doctor", "Check the local database's health."),
    "clients": ("kenttä.cli.clients_cmds:clients", "Screening lists of clients; segments."),
    "needs": ("kenttä.cli.needs_cmds:needs", "Labour needs across employers (issue 16)."),
    "events": ("kenttä.cli.event_cmds:events", "Information events and who attended."),
}


class LazyGroup(click.Group):
    """The root: commands load when called; help in the configured language (help_words)."""

    context_class = LocalContext

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if wants_help(args):
            localize(self, "", ctx)
        else:
            forget()
        return super().parse_args(ctx, args)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        if command is not None and (wants_help(rest) or isinstance(command, click.Group)):
            localize(command, name or "", ctx)  # a bare group prints its help too
        return name, command, rest

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        """Standalone (the `kenttä` command, CliRunner): every error is one line in the
        configured language (common.run_guarded), click's usage errors included."""
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        outcome: list[object] = []
        run_guarded(lambda: outcome.append(super(LazyGroup, self).main(
            *args, standalone_mode=False, **kwargs)))  # fmt: skip
        # non-standalone click returns ctx.exit(code)'s code instead of exiting with it
        code = outcome[0] if outcome else 0
        sys.exit(code if isinstance(code, int) and not isinstance(code, bool) else 0)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.commands:
            return self.commands[name]
        if name not in COMMANDS:
            return None
        module, attr = COMMANDS[name][0].split(":")
        return getattr(importlib.import_module(module), attr)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, summary(name, COMMANDS[name][1])) for name in sorted(COMMANDS)]
        rows += [(n, c.get_short_help_str()) for n, c in sorted(self.commands.items())]
        with formatter.section("Commands"):  # LocalFormatter words the heading
            formatter.write_dl(rows)


@click.group(
    cls=LazyGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False),
    envvar="KENTTA_DB",
    help="The local database file (default: the user data directory; also KENTTA_DB).",
)
@click.version_option(package_name="kentta", prog_name="kenttä")
@click.pass_context
def cli(ctx: click.Context, db_path: str | None) -> None:
    """kenttä: client work, employer visits and service vouchers, offline first.

    With no command, opens the app on the local database.
    """
    ctx.obj = CliContext(db_path=db_path)
    from kenttä.cli.words import use_language

    use_language(configured_language(ctx))  # what is printed for a person (issue 14)
    if ctx.invoked_subcommand is None:
        ctx.invoke(cli.get_command(ctx, "open"))


def _tolerant_console() -> None:
    """Text a legacy code page cannot show (a Windows console or pipe in cp850/cp1252)
    comes out as `?` instead of failing the command."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if encoding not in ("utf8", "utf8sig") and hasattr(stream, "reconfigure"):
            with contextlib.suppress(ValueError, OSError, AttributeError):
                stream.reconfigure(errors="replace")


def main(argv: list[str] | None = None) -> None:
    _tolerant_console()
    cli.main(args=argv, prog_name="kenttä")
