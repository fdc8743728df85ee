"""`kenttä voucher services …` and `kenttä voucher providers …`: the service tray as data.

Listing is for everyone; adding, changing and retiring is a supervisor's (services/roles.py
`edit_service_tray`), synced to every laptop. Every refusal is one line.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from kenttä.cli.common import CliContext, echo_json, refused
from kenttä.i18n import t
from kenttä.services.context import Workspace


@contextmanager
def _workspace(obj: CliContext) -> Iterator[Workspace]:
    from kenttä.services.roles import PermissionDenied
    from kenttä.services.vouchers import VoucherError

    ws = obj.workspace()
    try:
        yield ws
    except (VoucherError, PermissionDenied) as exc:
        raise refused(exc) from None
    finally:
        ws.close()


def _cents(text: str | None) -> int | None:
    """A euro amount typed in (450 / 450,50 €) as cents (also `voucher …`'s); bad: one line."""
    from kenttä.services.vouchers import VoucherError, parse_eur

    if text is None:
        return None
    try:
        return parse_eur(text)
    except VoucherError as exc:
        raise refused(exc) from None


def _codes(text: str | None) -> list[str] | None:
    return None if text is None else [c for c in (x.strip() for x in text.split(",")) if c]


def _eur(cents: int) -> str:
    """Euros as the configured language writes them (450,00 € / 450.00 €)."""
    from kenttä.i18n.numbers import euros

    return euros(cents)


def _service_json(service: Any, providers: list[Any] | None = None) -> dict[str, Any]:
    out = service.model_dump(mode="json")
    if providers is not None:
        out["providers"] = [p.model_dump(mode="json") for p in providers]
    return out


def _print_service(s: Any, count: int | None = None) -> None:
    from kenttä.cli.words import day
    from kenttä.i18n import code

    retired = f"  [{t('cli_said.retired_on', day=day(s.retired_on))}]" if s.retired_on else ""
    programmes = f"  ({', '.join(s.programmes)})" if s.programmes else ""
    providers = "" if count is None else f"  ({t('cli_said.providers_count', count=count)})"
    category = code("service_category", s.category)
    click.echo(
        f"{s.code:<26} {category:<14} {_eur(s.default_value_cents):>12}  {s.name}"
        f"{programmes}{providers}{retired}"
    )


@click.group("services", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def services(ctx: click.Context, as_json: bool) -> None:
    """The service tray (with no subcommand: `services list`)."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(services_list, as_json=as_json, show_all=False)


@services.command("list")
@click.option("--all", "show_all", is_flag=True, help="Retired services too.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def services_list(obj: CliContext, as_json: bool, show_all: bool) -> None:
    """The services of the tray: codes, categories, prices, programmes, providers."""
    from kenttä.services.vouchers.tray import list_services, providers_for

    with _workspace(obj) as ws:
        tray = [(s, providers_for(ws, s.code)) for s in list_services(ws, include_retired=show_all)]
    if as_json:
        echo_json([_service_json(s, ps) for s, ps in tray])
        return
    if not tray:
        click.echo(t("cli_said.tray_empty"))
    for s, ps in tray:
        _print_service(s, len(ps))


_PROGRAMMES_HELP = "Programmes, comma-separated (none: every programme)."


@services.command("add")
@click.argument("code")
@click.option("--name", required=True, help="Name in Finnish.")
@click.option("--name-sv", help="Name in Swedish.")
@click.option("--category", required=True, help="coaching, training or work_trial.")
@click.option("--price", required=True, help="Default value in euros: 450 or 450,50.")
@click.option("--programmes", help=_PROGRAMMES_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print the service as JSON.")
@click.pass_obj
def services_add(
    obj: CliContext,
    code: str,
    name: str,
    name_sv: str | None,
    category: str,
    price: str,
    programmes: str | None,
    as_json: bool,
) -> None:
    """Add a service to the tray (supervisor)."""
    from kenttä.services.vouchers.tray_admin import add_service

    cents = _cents(price) or 0
    with _workspace(obj) as ws:
        made = add_service(
            ws, code=code, name=name, name_sv=name_sv, category=category,
            price_cents=cents, programmes=_codes(programmes) or [],
        )  # fmt: skip
    if as_json:
        echo_json(_service_json(made))
    else:
        _print_service(made)


@services.command("change")
@click.argument("code")
@click.option("--name", help="Name in Finnish.")
@click.option("--name-sv", help="Name in Swedish ('' clears it).")
@click.option("--category", help="coaching, training or work_trial.")
@click.option("--price", help="Default value in euros (old vouchers keep theirs).")
@click.option("--programmes", help=_PROGRAMMES_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print the service as JSON.")
@click.pass_obj
def services_change(
    obj: CliContext,
    code: str,
    name: str | None,
    name_sv: str | None,
    category: str | None,
    price: str | None,
    programmes: str | None,
    as_json: bool,
) -> None:
    """Change a service of the tray (supervisor)."""
    from kenttä.services.vouchers.tray_admin import change_service

    kwargs: dict[str, Any] = {"name": name, "category": category, "price_cents": _cents(price)}
    if name_sv is not None:
        kwargs["name_sv"] = name_sv
    kwargs["programmes"] = _codes(programmes)
    with _workspace(obj) as ws:
        done = change_service(ws, code, **kwargs)
    if as_json:
        echo_json(_service_json(done))
    else:
        _print_service(done)


@services.command("retire")
@click.argument("code")
@click.option("--json", "as_json", is_flag=True, help="Print the service as JSON.")
@click.pass_obj
def services_retire(obj: CliContext, code: str, as_json: bool) -> None:
    """Retire a service: no new vouchers for it; old vouchers still show it (supervisor)."""
    from kenttä.services.vouchers.tray_admin import retire_service

    with _workspace(obj) as ws:
        done = retire_service(ws, code)
    if as_json:
        echo_json(_service_json(done))
    else:
        _print_service(done)


@services.command("defaults")
@click.pass_obj
def services_defaults(obj: CliContext) -> None:
    """Put the shipped services in the tray where missing (a new office; supervisor)."""
    from kenttä.services.vouchers.tray_admin import seed_default_tray

    with _workspace(obj) as ws:
        count = seed_default_tray(ws)
    click.echo(t("cli_said.defaults_added", count=count))


def _print_provider(p: Any) -> None:
    from kenttä.cli.words import day

    retired = f"  [{t('cli_said.retired_on', day=day(p.retired_on))}]" if p.retired_on else ""
    click.echo(f"{p.y_tunnus or '-':<10} {p.name:<32} {', '.join(p.services)}{retired}")


@click.group("providers", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def providers(ctx: click.Context, as_json: bool) -> None:
    """Approved service providers (with no subcommand: `providers list`)."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(providers_list, as_json=as_json, show_all=False)


@providers.command("list")
@click.option("--all", "show_all", is_flag=True, help="Retired providers too.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def providers_list(obj: CliContext, as_json: bool, show_all: bool) -> None:
    """The providers: Y-tunnus, name, services."""
    from kenttä.services.vouchers.tray import list_providers

    with _workspace(obj) as ws:
        found = list_providers(ws, include_retired=show_all)
    if as_json:
        echo_json([p.model_dump(mode="json") for p in found])
        return
    for p in found:
        _print_provider(p)


@providers.command("add")
@click.option("--name", required=True, help="The provider's name.")
@click.option("--y-tunnus", required=True, help="Business ID, e.g. 1234567-1.")
@click.option("--services", "codes", required=True, help="Service codes, comma-separated.")
@click.option("--contact-name", help="Contact person.")
@click.option("--contact-phone", help="Contact phone.")
@click.option("--contact-email", help="Contact e-mail.")
@click.option("--json", "as_json", is_flag=True, help="Print the provider as JSON.")
@click.pass_obj
def providers_add(
    obj: CliContext,
    name: str,
    y_tunnus: str,
    codes: str,
    contact_name: str | None,
    contact_phone: str | None,
    contact_email: str | None,
    as_json: bool,
) -> None:
    """Add an approved provider (supervisor)."""
    from kenttä.services.vouchers.tray_admin import add_provider

    with _workspace(obj) as ws:
        made = add_provider(
            ws, name=name, y_tunnus=y_tunnus, services=_codes(codes) or [],
            contact_name=contact_name, contact_phone=contact_phone, contact_email=contact_email,
        )  # fmt: skip
    if as_json:
        echo_json(made.model_dump(mode="json"))
    else:
        _print_provider(made)


@providers.command("change")
@click.argument("y_tunnus")
@click.option("--name", help="The provider's name.")
@click.option("--services", "codes", help="Service codes, comma-separated (replaces).")
@click.option("--contact-name", help="Contact person ('' clears).")
@click.option("--contact-phone", help="Contact phone ('' clears).")
@click.option("--contact-email", help="Contact e-mail ('' clears).")
@click.option("--json", "as_json", is_flag=True, help="Print the provider as JSON.")
@click.pass_obj
def providers_change(
    obj: CliContext,
    y_tunnus: str,
    name: str | None,
    codes: str | None,
    contact_name: str | None,
    contact_phone: str | None,
    contact_email: str | None,
    as_json: bool,
) -> None:
    """Change a provider's name, services or contact (supervisor)."""
    from kenttä.services.vouchers.tray_admin import change_provider

    with _workspace(obj) as ws:
        done = change_provider(
            ws, y_tunnus, name=name, services=_codes(codes), contact_name=contact_name,
            contact_phone=contact_phone, contact_email=contact_email,
        )  # fmt: skip
    if as_json:
        echo_json(done.model_dump(mode="json"))
    else:
        _print_provider(done)


@providers.command("retire")
@click.argument("y_tunnus")
@click.option("--json", "as_json", is_flag=True, help="Print the provider as JSON.")
@click.pass_obj
def providers_retire(obj: CliContext, y_tunnus: str, as_json: bool) -> None:
    """Retire a provider: not offered for new choices; old vouchers still name it."""
    from kenttä.services.vouchers.tray_admin import retire_provider

    with _workspace(obj) as ws:
        done = retire_provider(ws, y_tunnus)
    if as_json:
        echo_json(done.model_dump(mode="json"))
    else:
        _print_provider(done)
