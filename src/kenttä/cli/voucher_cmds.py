"""`kenttä voucher …`: issue, list, show, cancel and move service vouchers; this device's budget;
the service tray (`services`, `providers`: cli/tray_cmds.py)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime

import click

from kenttä.cli.common import CliContext, CommandError, echo_json, refused
from kenttä.cli.tray_cmds import _cents, _eur
from kenttä.cli.words import voucher_state
from kenttä.domain.codes import VoucherStatus
from kenttä.domain.models import Voucher
from kenttä.i18n import t
from kenttä.services.context import Workspace

STATUSES = [s.value for s in VoucherStatus]


@contextmanager
def _workspace(obj: CliContext) -> Iterator[Workspace]:
    """The workspace, with every refusal of the voucher services as a one-line error."""
    from kenttä.services.vouchers import VoucherError

    ws = obj.workspace()
    try:
        yield ws
    except VoucherError as exc:
        raise refused(exc) from None
    finally:
        ws.close()


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise CommandError(t("cli_own.not_date"))


def _voucher_json(voucher: Voucher) -> dict:
    return voucher.model_dump(mode="json")


@click.group("voucher")
def voucher() -> None:
    """Issue, list and cancel service vouchers (palveluseteli)."""


@voucher.command("issue")
@click.option("--client", "client_id", required=True, help="The client's id.")
@click.option("--service", "service_code", required=True, help="Service code (see `services`).")
@click.option("--value", help="Value in euros: 450, 450.50 or 450,50 (default: the service's).")
@click.option("--valid-until", help="Last valid day, YYYY-MM-DD (default: three months).")
@click.option("--provider", "provider_id", help="The provider the client chose, if already.")
@click.option("--json", "as_json", is_flag=True, help="Print the voucher as JSON.")
@click.pass_obj
def issue(
    obj: CliContext,
    client_id: str,
    service_code: str,
    value: str | None,
    valid_until: str | None,
    provider_id: str | None,
    as_json: bool,
) -> None:
    """Issue a voucher within this device's budget share; prints its number."""
    from kenttä.services.vouchers import issue_voucher

    value_cents = _cents(value)
    until = _day(valid_until)
    with _workspace(obj) as ws:
        made = issue_voucher(
            ws,
            client_id=client_id,
            service_code=service_code,
            value_cents=value_cents,
            valid_until=until,
            provider_id=provider_id,
        )
    if as_json:
        echo_json(_voucher_json(made))
    else:
        click.echo(made.number)


@voucher.command("list")
@click.option("--status", type=click.Choice(STATUSES), help="Only vouchers in this state.")
@click.option("--client", "client_id", help="Only this client's vouchers.")
@click.option("--after", help="Start after this number (paging).")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def list_(
    obj: CliContext,
    status: str | None,
    client_id: str | None,
    after: str | None,
    limit: int,
    as_json: bool,
) -> None:
    """List vouchers in number order."""
    from kenttä.services.vouchers import list_vouchers

    with _workspace(obj) as ws:
        found = list_vouchers(ws, status=status, client_id=client_id, after=after, limit=limit)
    if as_json:
        echo_json([_voucher_json(v) for v in found])
        return
    from kenttä.cli.words import vouchers_table

    click.echo(vouchers_table(found, _eur))


@voucher.command("show")
@click.argument("number")
@click.option("--text", "as_text", is_flag=True, help="The printable voucher for the client.")
@click.option("--lang", type=click.Choice(["fi", "sv", "en"]))  # default: the config's
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def show(obj: CliContext, number: str, as_text: bool, lang: str | None, as_json: bool) -> None:
    """Show one voucher (with --text, the printable voucher)."""
    from kenttä.services.vouchers import get_voucher, render_voucher_text

    with _workspace(obj) as ws:
        if as_text:
            from kenttä.i18n import get_language

            text = render_voucher_text(ws, number, lang=lang or get_language())
            click.echo(text, nl=False)
            return
        found = get_voucher(ws, number)
        if as_json:
            echo_json(_voucher_json(found))
            return
        from kenttä.cli.words import voucher_card
        from kenttä.services.sync import record_names
        from kenttä.services.vouchers import get_service

        names = record_names(ws, [("clients", found.client_id)])
        if found.provider_id:
            names.update(record_names(ws, [("providers", found.provider_id)]))
        service = get_service(ws, found.service_code)
        if service is not None:
            names[("services", found.service_code)] = service.name
    click.echo(voucher_card(found, names, _eur))


@voucher.command("cancel")
@click.argument("number")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@click.pass_obj
def cancel(obj: CliContext, number: str, yes: bool) -> None:
    """Cancel a voucher; its value goes back to the budget share."""
    from kenttä.services.vouchers import cancel_voucher

    if not yes:
        if not sys.stdin.isatty():
            raise CommandError(t("cli_own.cancel_yes"))
        click.confirm(f"Cancel voucher {number}?", abort=True)
    with _workspace(obj) as ws:
        done = cancel_voucher(ws, number)
    click.echo(voucher_state(done.number, done.status))


@voucher.command("transition")
@click.argument("number")
@click.argument("status", type=click.Choice(STATUSES))
@click.option("--provider", "provider_id", help="The provider (for provider_chosen).")
@click.pass_obj
def transition_(obj: CliContext, number: str, status: str, provider_id: str | None) -> None:
    """Move a voucher to STATUS (provider_chosen, used, invoiced, paid, cancelled, expired)."""
    from kenttä.services.vouchers import transition

    with _workspace(obj) as ws:
        done = transition(ws, number, status, provider_id=provider_id)
    click.echo(voucher_state(done.number, done.status))


@voucher.command("expire")
@click.pass_obj
def expire(obj: CliContext) -> None:
    """Mark open vouchers past their validity date as expired."""
    from kenttä.services.vouchers import expire_overdue

    with _workspace(obj) as ws:
        count = expire_overdue(ws)
    click.echo(t("cli_said.expired", count=count))


@voucher.command("budget")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def budget(obj: CliContext, as_json: bool) -> None:
    """This device's share of each voucher budget: granted, issued, remaining."""
    from kenttä.services.vouchers.budgets import budget_figures

    with _workspace(obj) as ws:
        rows = budget_figures(ws)
    if as_json:
        echo_json(rows)
        return
    if not rows:
        click.echo(t("cli_said.no_budget"))
        return
    from kenttä.cli.words import day, table

    headers = [t("budgets.col_programme"), t("cli_said.col_period"),
               *(t(f"budgets.col_{k}") for k in ("granted", "issued", "used", "invoiced",
                                                 "remaining"))]  # fmt: skip
    click.echo(table(headers, [
        [r["programme"], f"{day(r['period_start'])}–{day(r['period_end'])}",
         *(_eur(r[f"{k}_cents"]) for k in ("granted", "issued", "used", "invoiced", "remaining"))]
        for r in rows
    ]))  # fmt: skip


@voucher.command("return-share")
@click.argument("budget_id")
@click.argument("amount")
@click.pass_obj
def return_share_(obj: CliContext, budget_id: str, amount: str) -> None:
    """Give back AMOUNT euros of unused share of BUDGET_ID (sent at the next sync)."""
    from kenttä.services.vouchers.budgets import return_share

    cents = _cents(amount) or 0
    with _workspace(obj) as ws:
        return_share(ws, budget_id, cents)
    click.echo(t("cli_said.returned", amount=_eur(cents)))


# the service tray as data (issue 15): cli/tray_cmds.py
def _add_tray_commands() -> None:
    from kenttä.cli.tray_cmds import providers, services

    voucher.add_command(services)
    voucher.add_command(providers)


_add_tray_commands()
