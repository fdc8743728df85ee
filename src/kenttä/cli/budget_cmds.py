"""`kenttä server budget …`: voucher budgets at the central store, escrowed to devices.

    kenttä server budget set --store … --programme TOPI --from 2026-01-01 --to 2026-12-31 \\
        --amount 50000 [--rule equal|target|on-request] [--per-device 5000]
    kenttä server budget show --store … [--programme P] [--json]
    kenttä server budget grant --store … --programme P --device D --amount EUR
    kenttä server budget move --store … --programme P --from-device A --to-device B --amount EUR
    kenttä server budget request-return --store … --programme P --device D --amount EUR

Rules (applied to each device at its sync): `equal` tops each device up to the budget split
evenly among the enrolled devices; `target` up to `--per-device`; `on-request` grants only
by `budget grant`. A device never holds more than was granted to it, and the central store
never grants more than the budget, so the sum issued stays within it under any partition.

What is printed for a person is in the config's language (issue 14; `budget_cli.*`, refusals
`budget_error.*`, amounts as the language writes euros); `--json` keeps codes and cents.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import click

from kenttä.cli.common import CommandError, echo_json, office_store, store_option
from kenttä.i18n import code, t


def _refused(exc: Exception) -> CommandError:
    """A budget refusal (its code and details) in words, in the language."""
    from kenttä.i18n.budget_words import budget_refusal

    return CommandError(budget_refusal(getattr(exc, "code", None), getattr(exc, "details", {}),
                                       str(exc)))  # fmt: skip


def _euros(cents: int) -> str:
    from kenttä.i18n.numbers import euros

    return euros(cents)


def _period(start: Any, end: Any) -> str:
    from kenttä.cli.words import day

    return f"{day(start)}–{day(end)}"


def _cents(text: str, zero: bool = False) -> int:
    from kenttä.services.vouchers import VoucherError, parse_eur

    try:
        cents = parse_eur(text)
    except VoucherError:
        raise CommandError(t("error.bad_amount")) from None
    if cents <= 0 and not (zero and cents == 0):
        raise CommandError(t("budget_error.amount_positive"))
    return cents


def _find(central: Any, programme: str, on: date | None) -> Any:
    from kenttä_sync.counters import CounterError

    from kenttä.services.vouchers.budgets import find_budget

    try:
        return find_budget(central.db, programme, on)
    except CounterError as exc:
        raise _refused(exc) from None


def _ready(central: Any) -> None:
    from kenttä_sync import counters

    counters.install(central.db)  # a store made before budgets existed


_programme = click.option("--programme", required=True, help="Programme code, e.g. TOPI.")
_on = click.option(
    "--on", type=click.DateTime(["%Y-%m-%d"]), help="Which budget: the one current that day."
)


@click.group("budget")
@click.pass_context
def budget(ctx: click.Context) -> None:
    """Voucher budgets: set them, grant devices shares, move and show them."""
    from kenttä.cli.help_words import configured_language
    from kenttä.cli.words import use_language

    use_language(configured_language(ctx))  # no local database here: the config says


@budget.command("set")
@store_option
@_programme
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), required=True)
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), required=True)
@click.option("--amount", required=True, help="The budget in euros, e.g. 50000 or 1 200,50.")
@click.option(
    "--rule",
    type=click.Choice(["equal", "target", "on-request"]),
    help="How devices get shares at their sync: equal (the budget split among enrolled"
    " devices), target (each topped up to --per-device) or on-request (only by `budget grant`;"
    " the default for a new budget).",
)
@click.option("--per-device", help="Euros per device, for --rule target.")
def set_(
    store_url: str, programme: str, start: Any, end: Any, amount: str, rule: str | None,
    per_device: str | None,
) -> None:  # fmt: skip
    """Set a programme's voucher budget for a period (never below what devices hold)."""
    from kenttä_sync.counters import CounterError

    from kenttä.services.vouchers.budgets import BudgetOrderError, plan_set, set_budget

    if per_device and rule not in (None, "target"):
        raise CommandError(t("budget_error.target_rule"))
    target = _cents(per_device) if per_device else None
    try:  # the same checks as a supervisor's order from the TUI (budget_orders)
        plan = plan_set(programme, start.date(), end.date(), _cents(amount, zero=True), rule,
                        target)  # fmt: skip
    except BudgetOrderError as exc:
        raise _refused(exc) from None
    first, last = plan.start, plan.end
    with office_store(store_url) as central:
        _ready(central)
        try:  # the total is never set below what is granted: counters.set_total, under its lock
            c = set_budget(
                central.db, budget_id=plan.budget_id, programme=programme, start=first,
                end=last, cents=plan.cents, rule=plan.rule, target_cents=plan.target_cents,
            )  # fmt: skip
        except CounterError as exc:
            raise _refused(exc) from None
    click.echo(
        t("budget_cli.set_done", programme=programme, period=_period(first, last),
          budget=_euros(c.total), granted=_euros(c.granted), rule=code("budget_rule", c.rule),
          id=c.counter_id)
    )  # fmt: skip


@budget.command("show")
@store_option
@click.option("--programme", help="Only this programme.")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def show(store_url: str, programme: str | None, as_json: bool) -> None:
    """Budget, granted, issued, used, invoiced and remaining per programme and device."""
    from kenttä.services.vouchers.budgets import budget_rows

    with office_store(store_url) as central:
        _ready(central)
        rows = budget_rows(central.db, programme)
    if as_json:
        echo_json(rows)
        return
    if not rows:
        click.echo(t("budget_cli.none"))
        return
    cols = ("budget", "granted", "issued", "used", "invoiced", "remaining")
    heads = "".join(f"{t(f'budgets.col_{c}'):>14}" for c in cols)
    click.echo(f"{t('budgets.col_device'):<24} {t('budget_cli.col_period'):<23}" + heads)
    for r in rows:
        period = _period(r["period_start"], r["period_end"])
        figures = [r[f"{c}_cents"] for c in cols]
        click.echo(
            f"{r['programme']:<24} {period:<23}" + "".join(f"{_euros(v):>14}" for v in figures)
        )
        for d in r["devices"]:
            figures = [d[f"{c}_cents"] for c in cols[1:]]
            click.echo(
                f"  {d['device_id']:<22} {'':<23}{'':>14}"
                + "".join(f"{_euros(v):>14}" for v in figures)
            )
        click.echo("  " + t("budget_cli.unallocated", amount=_euros(r["unallocated_cents"]),
                              rule=code("budget_rule", r["rule"])))  # fmt: skip


@budget.command("grant")
@store_option
@_programme
@_on
@click.option("--device", "device_id", required=True, help="The device's id.")
@click.option("--amount", required=True, help="Euros.")
def grant(store_url: str, programme: str, on: Any, device_id: str, amount: str) -> None:
    """Grant a device a share now (it receives it at its next sync)."""
    from kenttä_sync import counters

    cents = _cents(amount)
    with office_store(store_url) as central:
        _ready(central)
        if central.device(device_id) is None:
            raise CommandError(t("budget_cli.no_device", device=device_id))
        c = _find(central, programme, on.date() if on else None)
        try:
            counters.grant(central.db, c.counter_id, device_id, cents)
        except counters.CounterError:
            left = counters.get(central.db, c.counter_id).unallocated  # type: ignore[union-attr]
            raise CommandError(
                t("budget_cli.grant_over", amount=_euros(cents), left=_euros(left),
                  programme=programme)
            ) from None  # fmt: skip
    click.echo(t("budget_cli.granted", amount=_euros(cents), programme=programme,
                 device=device_id))  # fmt: skip


def _request(
    store_url: str, programme: str, on: Any, device_id: str, amount: str, move_to: str | None
) -> str:
    from kenttä_sync import counters

    cents = _cents(amount)
    with office_store(store_url) as central:
        _ready(central)
        c = _find(central, programme, on.date() if on else None)
        try:
            return counters.request_return(central.db, c.counter_id, device_id, cents, move_to)
        except counters.CounterError as exc:
            raise _refused(exc) from None


@budget.command("request-return")
@store_option
@_programme
@_on
@click.option("--device", "device_id", required=True)
@click.option("--amount", required=True, help="Euros (up to what the device holds).")
def request_return(store_url: str, programme: str, on: Any, device_id: str, amount: str) -> None:
    """Ask a device for unused share back at its next sync (what is unspent, up to AMOUNT)."""
    rid = _request(store_url, programme, on, device_id, amount, None)
    click.echo(t("budget_cli.return_requested", id=rid))


@budget.command("move")
@store_option
@_programme
@_on
@click.option("--from-device", "source", required=True)
@click.option("--to-device", "target", required=True)
@click.option("--amount", required=True, help="Euros (up to what the source device holds).")
def move(store_url: str, programme: str, on: Any, source: str, target: str, amount: str) -> None:
    """Move unused share: the source gives back what is unspent (up to AMOUNT) at its next
    sync, and that is granted on to the target device."""
    rid = _request(store_url, programme, on, source, amount, target)
    click.echo(t("budget_cli.move_requested", id=rid, device=source))
