"""`kenttä server …`: the office side (init, run, enroll, devices, import-bundle, export,
conflicts). Administration works on the store directly (`--store`, also KENTTA_STORE),
never over HTTP; the running server needs no restart to see its effects.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import click

from kenttä.cli.budget_cmds import budget
from kenttä.cli.common import CommandError, echo_json, office_store, refused, store_option
from kenttä.i18n import get_language, t
from kenttä.store.files import open_private, write_private


@click.group("server")
def server() -> None:
    """The office server and its central store."""


@server.command("init")
@store_option
def init(store_url: str) -> None:
    """Create (or upgrade) the central store."""
    with office_store(store_url, install=True) as central:
        schema = central.schema
    click.echo(t("server_cli.ready", name=schema.name, version=schema.version))


@server.command("run")
@store_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(0, 65535), default=8470, show_default=True)
@click.option("--tls-cert", type=click.Path(exists=True, dir_okay=False), help="PEM certificate.")
@click.option("--tls-key", type=click.Path(exists=True, dir_okay=False), help="PEM private key.")
@click.option("--pool", type=click.IntRange(1, 64), help="Database connections to use.")
@click.option("--access-log", is_flag=True, help="Log every request (paths only).")
@click.option(
    "--office-url", "office_urls", multiple=True,
    help="A URL the office serves on (repeat for each server); enrolled laptops fail over "
    "between them.",
)  # fmt: skip
@click.option(
    "--compact-every", type=click.FloatRange(min=0), default=6.0, show_default=True,
    metavar="HOURS", help="Compact the central log every HOURS hours (0: never; see "
    "`kenttä server compact`).",
)  # fmt: skip
def run(
    store_url: str, host: str, port: int, tls_cert: str | None, tls_key: str | None,
    pool: int | None, access_log: bool, office_urls: tuple[str, ...], compact_every: float,
) -> None:  # fmt: skip
    """Serve the sync API (OpenAPI spec at /openapi.json)."""
    import uvicorn
    from kenttä_sync.transport.server import create_app
    from kenttä_sync.transport.server.stores import StoreUrlError

    from kenttä.services.vouchers.budgets import budget_rows
    from kenttä.store.schema import SCHEMA

    if any(not u.startswith(("http://", "https://")) for u in office_urls):
        raise CommandError(t("server_cli.office_url"))
    if bool(tls_cert) != bool(tls_key):
        raise CommandError(t("server_cli.tls_pair"))
    if not tls_cert and host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"kenttä: {t('server_cli.no_tls')}", err=True)
    try:
        app = create_app(
            store_url, SCHEMA, pool, counter_report=budget_rows,
            office_urls=[u.rstrip("/") for u in office_urls] or None,
        )  # fmt: skip
    except StoreUrlError:
        raise CommandError(t("server_cli.bad_store")) from None
    scheme = "https" if tls_cert else "http"
    click.echo(t("server_cli.serving", url=f"{scheme}://{host}:{port}"), err=True)
    compactor = _compactor(store_url, compact_every)
    try:
        uvicorn.run(
            app, host=host, port=port, ssl_certfile=tls_cert, ssl_keyfile=tls_key,
            log_level="warning", access_log=access_log, server_header=False,
            timeout_graceful_shutdown=GRACE_SECONDS,
        )  # fmt: skip
    except KeyboardInterrupt:  # uvicorn re-raises the signal it stopped on
        _exit_now(130)
    finally:
        if compactor is not None:
            compactor.stop(timeout=0)  # a run in progress is a daemon: the database rolls back
    _exit_now(0)


def _compactor(store_url: str, hours: float) -> Any:
    """The log compaction schedule of a running server (None for 0 hours); each run's
    summary goes to stderr with the time."""
    if not hours:
        return None
    from kenttä_sync.transport.server.compactor import Compactor

    from kenttä.store.schema import SCHEMA

    def report(line: str) -> None:
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        click.echo(f"{stamp} {line}", err=True)

    return Compactor(store_url, SCHEMA, hours * 3600, report, say=_compaction_words).start()


def _compaction_words(done: Any) -> str:
    """A compaction run (its figures, or the error it met) in the configured language."""
    from kenttä.i18n.numbers import number

    if isinstance(done, Exception):
        return t("cli_said.compaction_failed", kind=type(done).__name__)
    return t("cli_said.compacted", dropped=done.dropped, kept=done.kept,
             seconds=number(done.seconds, 1))  # fmt: skip


@server.command("compact")
@store_option
def compact(store_url: str) -> None:
    """Compact the central log once (what every device has seen and conflict detection no
    longer needs); for a supervisor's timer. One line says what went."""
    from kenttä_sync.transport.server.compactor import compact as compact_store

    with office_store(store_url) as central:
        done = compact_store(central)
    click.echo(_compaction_words(done))  # kenttä_sync's own summary is English


GRACE_SECONDS = 3  # SIGTERM: requests in flight get this long, then they are cut


def _exit_now(code: int) -> None:
    """Leave without waiting for worker threads (a request cut at shutdown may still be
    waiting on the database in one; the database rolls its transaction back)."""
    import os
    import sys
    import threading

    if any(t.is_alive() and not t.daemon for t in threading.enumerate()
           if t is not threading.main_thread()):  # fmt: skip
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    if code:
        sys.exit(code)


@server.command("enroll")
@store_option
@click.option("--scope", "scopes", multiple=True, required=True, help="A scope (repeatable).")
@click.option("--role", type=click.Choice(["coach", "coordinator", "supervisor"]), required=True)
@click.option("--ttl-hours", type=click.IntRange(1, 24 * 90), default=168, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the code as JSON.")
def enroll(
    store_url: str, scopes: tuple[str, ...], role: str, ttl_hours: int, as_json: bool
) -> None:
    """Make a one-time enrolment code for a laptop (`kenttä enroll URL CODE` there)."""
    from kenttä_sync.transport.server import enrolment

    with office_store(store_url) as central:
        try:
            code = enrolment.new_code(central, scopes, role, ttl_hours * 3600)
        except ValueError as exc:
            raise CommandError(
                str(exc) if get_language() == "en" else t("server_cli.enrol_refused")
            ) from None
    if as_json:
        echo_json({"code": code, "scopes": sorted(set(scopes)), "role": role,
                   "expires_in_hours": ttl_hours})  # fmt: skip
    else:
        click.echo(code)


@server.group("devices")
def devices() -> None:
    """Enrolled devices."""


def _iso(ts: int | None) -> str | None:
    return None if ts is None else datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds")


@devices.command("list")
@store_option
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def devices_list(store_url: str, as_json: bool) -> None:
    """Every enrolled device, its role, scopes and sync position."""
    from kenttä_sync.transport.server import enrolment

    with office_store(store_url) as central:
        found = enrolment.devices(central)
    rows = [
        {**d.as_dict(), "enrolled_at": _iso(d.enrolled_at), "revoked_at": _iso(d.revoked_at)}
        for d in found
    ]
    if as_json:
        echo_json(rows)
        return
    if not rows:
        click.echo(t("cli_text.none"))
    for row in rows:
        from kenttä.cli.words import moment
        from kenttä.i18n import code

        at = moment(row["revoked_at"])
        state = t("server_cli.device_revoked", at=at) if at else t("server_cli.device_active")
        role = code("budget_role", row["role"])
        click.echo(t("server_cli.device_line", device=row["device_id"], role=f"{role:<11}",
                     scopes=f"{','.join(row['scopes']):<20}", acked=f"{row['acked_seq']:<8}",
                     cursor=f"{row['cursor']:<8}", state=state))  # fmt: skip


@devices.command("revoke")
@store_option
@click.argument("device_id")
def devices_revoke(store_url: str, device_id: str) -> None:
    """Refuse DEVICE_ID from now on (what it already sent is kept; pieces of a large
    transaction it had begun to send are dropped)."""
    from kenttä_sync.transport import chunked_push as chunked
    from kenttä_sync.transport.server import enrolment

    with office_store(store_url) as central:
        if not enrolment.revoke(central, device_id):
            raise CommandError(t("server_cli.no_device", device=device_id))
        chunked.install(central)
        chunked.purge(central)
    click.echo(t("server_cli.revoked", device=device_id))


@server.command("import-bundle")
@store_option
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--reply", type=click.Path(dir_okay=False, path_type=Path), help="Reply bundle.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def import_bundle(store_url: str, file: Path, reply: Path | None, as_json: bool) -> None:
    """Apply a bundle carried in from the field; optionally write the device's reply."""
    from kenttä_sync.transport import BundleError
    from kenttä_sync.transport.bundle import import_bundle as apply

    from kenttä.services.vouchers.budgets import budget_rows

    if not file.is_file():
        raise CommandError(t("server_cli.no_file", file=file))
    with office_store(store_url) as central:
        try:
            result = apply(
                central, file.read_bytes(), reply=reply is not None, counter_report=budget_rows
            )
        except BundleError as exc:
            why = t("server_cli.bundle_refused", file=file.name)
            raise CommandError(f"{why}: {exc}" if get_language() == "en" else why) from None
    if reply is not None and result.reply is not None:
        partial = reply.with_name(reply.name + ".part")
        write_private(partial, result.reply)
        partial.replace(reply)
    data = {
        "bundle_id": result.bundle_id, "device_id": result.device_id,
        "changes": result.changes, "applied": result.applied, "acked_seq": result.acked_seq,
        "refused": [r.model_dump() for r in result.rejected],
        "reply": str(reply) if reply else None, "reply_changes": result.reply_changes,
    }  # fmt: skip
    if as_json:
        echo_json(data)
        return
    done = t("server_cli.imported", file=file.name, changes=result.changes,
             device=result.device_id, refused=len(result.rejected))  # fmt: skip
    click.echo(done + (t("server_cli.reply_written", reply=reply) if reply else ""))


# -- the central store in the same canonical form as a device ----------------------------------
def _canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def central_rows(
    central: Any, table: str, include_meta: bool = False, include_deleted: bool = False
) -> list[dict[str, Any]]:
    """Rows as `kenttä export` gives them on a device (see services/transfer/export.py)."""
    from kenttä.services.transfer import columns, table_spec

    spec = table_spec(table)
    cols = columns(spec, include_meta)
    kinds = {"id": "text", **spec.columns}
    where = "" if include_deleted else " WHERE _deleted IS NULL"
    raw_rows = central.db.execute(f"SELECT {', '.join(cols)} FROM {table}{where}")
    out = []
    for raw in sorted(raw_rows, key=lambda r: r[0].encode()):
        row: dict[str, Any] = {}
        for col, value in zip(cols, raw, strict=True):
            kind = kinds.get(col, "text")
            if value is not None and (kind == "json" or col == "_clock"):
                with contextlib.suppress(ValueError):
                    value = json.loads(value)
            elif value is not None and kind == "boolean":
                value = bool(value)
            elif value is not None and kind == "real":
                value = float(value)
            row[col] = value
        out.append(row)
    return out


def _write_rows(rows: list[dict[str, Any]], header: list[str], fmt: str, out: IO[str]) -> None:
    if fmt == "jsonl":
        for row in rows:
            out.write(_canonical_json(row) + "\n")
        return
    from kenttä.services.transfer import (
        csv_safe,  # the device's rule: formulas neutralised
        csv_value,
    )

    out.write(csv_safe.line(header))
    for row in rows:
        out.write(csv_safe.line(csv_value(row[c]) for c in header))


@server.command("export")
@store_option
@click.argument("table")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to a file.")
@click.option("--include-meta", is_flag=True, help="Add the sync metadata columns (_stamp…).")
@click.option("--include-deleted", is_flag=True, help="Add tombstoned (deleted) rows.")
def export(
    store_url: str, table: str, fmt: str, out: Path | None, include_meta: bool,
    include_deleted: bool,
) -> None:  # fmt: skip
    """Export a central table exactly as `kenttä export` does on a device."""
    from kenttä.services.transfer import ExportError, columns, table_spec

    try:
        header = columns(table_spec(table), include_meta)
    except ExportError as exc:
        raise refused(exc) from None
    with office_store(store_url) as central:
        rows = central_rows(central, table, include_meta, include_deleted)
    if out is None:
        stream = io.TextIOWrapper(
            sys.stdout.buffer, encoding="utf-8", newline="", write_through=True
        )
        try:
            _write_rows(rows, header, fmt, stream)
        finally:
            stream.detach()
        return
    partial = out.with_name(out.name + ".part")
    with open_private(partial, "w", encoding="utf-8", newline="") as f:
        _write_rows(rows, header, fmt, f)
    partial.replace(out)
    click.echo(t("server_cli.exported", count=len(rows), out=out), err=True)


@server.command("conflicts")
@store_option
@click.option("--all", "show_all", is_flag=True, help="Resolved conflicts too.")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def conflicts(store_url: str, show_all: bool, as_json: bool) -> None:
    """Conflicts at the central store (both values, authors and stamps)."""
    from kenttä_sync.ground import CONFLICT_COLUMNS

    from kenttä.cli.conflict_cmds import conflict_row

    where = "" if show_all else " WHERE resolved_stamp IS NULL"
    with office_store(store_url) as central:
        raw = central.db.execute(f"SELECT {', '.join(CONFLICT_COLUMNS)} FROM _conflicts{where}")
    rows = [conflict_row(values) for values in sorted(raw, key=lambda r: r[0])]
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        click.echo(
            f"{row['id']}  {row['tbl']}.{row['col']} row {row['row_id']}: "
            f"{row['author_a']} ({row['stamp_a']}) vs {row['author_b']} ({row['stamp_b']})"
        )
    click.echo(t("server_cli.all_conflicts" if show_all else "server_cli.open_conflicts",
                 count=len(rows)))  # fmt: skip


server.add_command(budget)
