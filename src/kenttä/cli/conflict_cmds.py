"""`kenttä conflicts [--json] [--all]` and `kenttä conflicts resolve ID --keep a|b | --value V`.

The listing is the device's `_conflicts` in the same canonical form as `kenttä server
conflicts --json` (the sync meta columns, sorted by id, both values decoded from JSON), so a
script can compare the two. A conflict's `a` is the write with the lower stamp; the value
kept until someone resolves it is `b`. Resolving needs the supervisor role; the resolution
is a change like any other and reaches the office and every device at the next sync.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Sequence
from typing import Any

import click

from kenttä.cli.common import CliContext, CommandError, echo_json, refused
from kenttä.i18n import t
from kenttä.services.context import Workspace

_TRUE = {"true", "1", "yes", "kyllä", "ja"}
_FALSE = {"false", "0", "no", "ei", "nej"}


def conflict_rows(ws: Workspace, *, show_all: bool = False) -> list[dict[str, Any]]:
    """The device's conflicts (open ones unless `show_all`), canonical, sorted by id."""
    from kenttä_sync.ground import CONFLICT_COLUMNS

    where = "" if show_all else " WHERE resolved_stamp IS NULL"
    raw = ws.store.conn.execute(
        f"SELECT {', '.join(CONFLICT_COLUMNS)} FROM _conflicts{where} ORDER BY id"
    ).fetchall()
    return [conflict_row(values) for values in raw]


def conflict_row(values: Sequence[Any]) -> dict[str, Any]:
    """One `_conflicts` row (in CONFLICT_COLUMNS' order) by column, canonical: the two
    values decoded from JSON where they are JSON (a device's list and the office's alike)."""
    from kenttä_sync.ground import CONFLICT_COLUMNS

    row = dict(zip(CONFLICT_COLUMNS, values, strict=True))
    for side in ("value_a", "value_b"):
        if row[side] is not None:
            with contextlib.suppress(ValueError):
                row[side] = json.loads(row[side])
    return row


def parse_value(ws: Workspace, conflict_id: str, text: str) -> Any:
    """A --value in the column's kind: text and dates as given, numbers, booleans, JSON."""
    found = ws.store.conn.execute(
        "SELECT tbl, col FROM _conflicts WHERE id = ?", (conflict_id,)
    ).fetchone()
    if found is None:
        raise CommandError(t("cli_own.no_conflict"))
    table, column = found
    kind = ws.store.replica.schema.table(table).columns.get(column, "text")
    if text == "":
        return None
    if kind == "integer":
        try:
            return int(text)
        except ValueError:
            raise CommandError(t("cli_own.needs_whole", where=f"{table}.{column}")) from None
    if kind == "real":
        try:
            return float(text)
        except ValueError:
            raise CommandError(t("cli_own.needs_number", where=f"{table}.{column}")) from None
    if kind == "boolean":
        if text.lower() in _TRUE | _FALSE:
            return text.lower() in _TRUE
        raise CommandError(t("cli_own.needs_bool", where=f"{table}.{column}"))
    if kind == "json":
        try:
            return json.loads(text)
        except ValueError:
            raise CommandError(t("cli_own.needs_json", where=f"{table}.{column}")) from None
    return text


@click.group("conflicts", invoke_without_command=True)
@click.option("--all", "show_all", is_flag=True, help="Resolved conflicts too.")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON (as `server conflicts`).")
@click.pass_context
def conflicts(ctx: click.Context, show_all: bool, as_json: bool) -> None:
    """Sync conflicts on this laptop: both values, authors and stamps.

    \b
    kenttä conflicts [--json] [--all]
    kenttä conflicts resolve ID --keep a|b
    kenttä conflicts resolve ID --value V
    """
    if ctx.invoked_subcommand is not None:
        return
    obj: CliContext = ctx.obj
    from kenttä.cli.words import conflicts_table
    from kenttä.i18n import t
    from kenttä.services.sync import record_names

    ws = obj.workspace(create=False)
    try:
        rows = conflict_rows(ws, show_all=show_all)
        names = record_names(ws, [(row["tbl"], row["row_id"]) for row in rows])
    finally:
        ws.close()
    if as_json:  # the canonical rows (as `server conflicts --json`), ids only
        echo_json(rows)
        return
    if rows:
        click.echo(conflicts_table(rows, names))
    key = "cli_text.conflicts_all" if show_all else "cli_text.conflicts_open"
    click.echo(t(key, count=len(rows)))


@conflicts.command("resolve")
@click.argument("conflict_ids", metavar="ID…", nargs=-1, required=True)
@click.option("--keep", type=click.Choice(["a", "b"]), help="Keep value a or b.")
@click.option("--value", "value", help="Write this value instead (empty: no value).")
@click.option("--json", "as_json", is_flag=True, help="Print what was resolved as JSON.")
@click.pass_obj
def resolve(
    obj: CliContext, conflict_ids: tuple[str, ...], keep: str | None, value: str | None,
    as_json: bool,
) -> None:  # fmt: skip
    """Resolve conflicts (supervisor only); the resolution syncs like any change."""
    from kenttä_sync.device import WriteError

    from kenttä.services.roles import require
    from kenttä.services.sync import status as sync_status

    if (keep is None) == (value is None):
        raise click.UsageError("give either --keep a|b or --value V")
    ws = obj.workspace(create=False)
    done: list[dict[str, Any]] = []
    try:
        require(ws, "resolve_conflict")
        open_ids = {row["id"] for row in conflict_rows(ws)}
        unknown = [c for c in conflict_ids if c not in open_ids]
        if unknown:  # checked before any is resolved: all or none of a bad command line
            raise CommandError(f"{unknown[0]}: {t('cli_own.no_open_conflict')}")
        values: dict[str, Any] = {}
        for conflict_id in conflict_ids if value is not None else ():
            try:  # every value checked before any is resolved, as the ids are
                values[conflict_id] = sync_status.checked_value(
                    ws, conflict_id, parse_value(ws, conflict_id, value)
                )
            except ValueError as exc:
                raise CommandError(f"{conflict_id}: {refused(exc).message}") from None
        for conflict_id in dict.fromkeys(conflict_ids):
            how: dict[str, Any] = {"choose": keep}
            if value is not None:
                how = {"value": values[conflict_id]}
            try:
                sync_status.resolve(ws, conflict_id, **how)
            except (WriteError, ValueError) as exc:
                raise CommandError(f"{conflict_id}: {refused(exc).message}") from None
            done.append({"id": conflict_id, "keep": keep, "value": how.get("value")})
    finally:
        ws.close()
    if as_json:
        echo_json(done)
        return
    for item in done:
        click.echo(t("cli_said.conflict_resolved", id=item["id"]))
    click.echo(t("cli_said.resolution_later"), err=True)
