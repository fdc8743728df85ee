"""Service vouchers (palveluseteli): issue within this device's budget share, offline.

The public API for the CLI and the UI. Every write goes through the replica's Transaction
with an audit event in the same transaction. Refusals raise `VoucherError` with a one-line
reason (no personal data). Lifecycle:

    issued → provider_chosen → used → invoiced → paid
    issued | provider_chosen → cancelled
    issued | provider_chosen → expired   (only after valid_until)

Numbers: `kenttä.services.vouchers.numbers`; budget share: `kenttä.services.vouchers.budgets.share`.
"""

from __future__ import annotations

from datetime import date, timedelta

from kenttä.domain import localtime
from kenttä.domain.codes import VoucherStatus
from kenttä.domain.models import Client, Provider, Service, Voucher
from kenttä.services.context import Workspace
from kenttä.services.privacy import audit_in
from kenttä.services.roles import require, require_scope
from kenttä.services.vouchers.budgets import budget_figures, remaining_for
from kenttä.services.vouchers.budgets import share as voucher_budget
from kenttä.services.vouchers.common import (
    LIVE_OPEN,
    VoucherError,
    add_months,
    eur,
    fetch_models,
)
from kenttä.services.vouchers.numbers import next_number
from kenttä.services.vouchers.text import render_text
from kenttä.services.vouchers.tray import (
    default_service_tray,
    ensure_service_tray,
    get_provider,
    get_service,
    list_services,
    providers_for,
    serves,
)

__all__ = [
    "TRANSITIONS",
    "VoucherError",
    "budget_figures",
    "cancel_voucher",
    "default_service_tray",
    "ensure_service_tray",
    "expire_overdue",
    "expiring",
    "get_voucher",
    "issue_voucher",
    "list_services",
    "list_vouchers",
    "providers_for",
    "remaining_for",
    "render_voucher_text",
    "transition",
]

S = VoucherStatus
VALIDITY_MONTHS = 3

TRANSITIONS: dict[VoucherStatus, frozenset[VoucherStatus]] = {
    S.ISSUED: frozenset({S.PROVIDER_CHOSEN, S.CANCELLED, S.EXPIRED}),
    S.PROVIDER_CHOSEN: frozenset({S.USED, S.CANCELLED, S.EXPIRED}),
    S.USED: frozenset({S.INVOICED}),
    S.INVOICED: frozenset({S.PAID}),
    S.PAID: frozenset(),
    S.CANCELLED: frozenset(),
    S.EXPIRED: frozenset(),
}


def _today(today: date | None) -> date:
    return today or localtime.today()


def _client(ws: Workspace, client_id: str) -> Client:
    found = fetch_models(ws.store.conn, Client, "clients", "id = ?", (client_id,))
    if not found:
        raise VoucherError("unknown client", code="unknown_client")
    return found[0]


def _service(ws: Workspace, code: str, programme: str | None) -> Service:
    """The tray's service for a new voucher: known, not retired, serving the programme."""
    service = get_service(ws, code)
    if service is None:
        empty = ws.store.conn.execute(
            "SELECT 1 FROM services WHERE _deleted IS NULL AND _erased IS NULL LIMIT 1"
        ).fetchone()
        hint = "; this laptop has no service tray yet: sync with the office" if not empty else ""
        raise VoucherError(f"unknown service {code!r}{hint}", code="unknown_service")
    if service.retired_on is not None:
        raise VoucherError(
            f"service {code!r} is retired: it is not offered for new vouchers",
            code="retired_service",
        )
    if not serves(service, programme):
        raise VoucherError(
            f"service {code!r} is not in programme {programme}'s tray", code="not_in_programme"
        )
    return service


def _approved_provider(ws: Workspace, provider_id: str, service_code: str) -> Provider:
    provider = get_provider(ws, provider_id)
    if provider is None:
        raise VoucherError("unknown provider", code="unknown_provider")
    if provider.retired_on is not None:
        raise VoucherError(
            f"provider {provider.name} is retired from the tray", code="retired_provider"
        )
    if service_code not in provider.services:
        raise VoucherError(
            f"provider {provider.name} is not approved for service {service_code!r}",
            code="provider_not_approved",
        )
    return provider


def issue_voucher(
    ws: Workspace,
    *,
    client_id: str,
    service_code: str,
    value_cents: int | None = None,
    valid_until: date | None = None,
    provider_id: str | None = None,
    today: date | None = None,
) -> Voucher:
    """Issue a voucher to a client, charged to this device's share of the programme budget.

    The value defaults to the service's default, validity to three months. With a provider
    (the client's choice made on the spot) the voucher starts as provider_chosen.
    """
    require(ws, "issue_voucher")
    today = _today(today)
    client = _client(ws, client_id)
    require_scope(ws, client.scope)
    programme = client.programme or ws.config.programme
    service = _service(ws, service_code, programme)
    value = service.default_value_cents if value_cents is None else int(value_cents)
    if value <= 0:
        raise VoucherError(f"a voucher's value must be more than {eur(0)}", code="bad_value")
    valid_until = valid_until or add_months(today, VALIDITY_MONTHS)
    if valid_until < today:
        raise VoucherError(
            f"validity date {valid_until.isoformat()} is in the past", code="bad_validity"
        )
    if provider_id is not None:
        _approved_provider(ws, provider_id, service_code)
    if not programme:
        raise VoucherError(
            "the client has no programme: a voucher is paid from a programme's budget",
            code="no_programme",
        )
    conn = ws.store.conn
    with ws.store.replica.transaction(ws.user) as tx:
        budget_id = voucher_budget.choose_budget_in(conn, programme, value, today)
        voucher = Voucher(
            number=next_number(conn, programme, today.year),
            client_id=client.id,
            service_code=service.code,
            provider_id=provider_id,
            value_cents=value,
            issued_on=today,
            valid_until=valid_until,
            status=S.PROVIDER_CHOSEN if provider_id else S.ISSUED,
            issued_by=ws.user,
            budget_id=budget_id,
            scope=client.scope,
        )
        tx.insert("vouchers", voucher.to_row())
        voucher_budget.charge_in(
            conn,
            voucher_id=voucher.id,
            number=voucher.number,
            budget_id=budget_id,
            programme=programme,
            value_cents=value,
            issued_on=today,
            issued_by=ws.user,
        )
        audit_in(tx, ws, "create", "vouchers", voucher.id, "issue", scope=client.scope)
    return voucher


def list_vouchers(
    ws: Workspace,
    *,
    status: str | None = None,
    client_id: str | None = None,
    after: str | None = None,
    limit: int = 50,
) -> list[Voucher]:
    """A page of vouchers in number order; pass the last number as `after` for the next."""
    where, params = ["1"], []
    if status is not None:
        try:
            params.append(S(status).value)
        except ValueError:
            raise VoucherError(f"unknown voucher status {status!r}", code="bad_status") from None
        where.append("status = ?")
    if client_id is not None:
        where.append("client_id = ?")
        params.append(client_id)
    if after is not None:
        where.append("number > ?")
        params.append(after)
    params.append(max(0, int(limit)))
    return fetch_models(
        ws.store.conn,
        Voucher,
        "vouchers",
        " AND ".join(where),
        tuple(params),
        "ORDER BY number LIMIT ?",
    )


def get_voucher(ws: Workspace, number: str) -> Voucher:
    found = fetch_models(
        ws.store.conn, Voucher, "vouchers", "number = ?", (number.strip().upper(),), "ORDER BY id"
    )
    if not found:
        raise VoucherError(f"no voucher {number.strip()}", code="unknown_voucher")
    return found[0]


def _check(voucher: Voucher, to: VoucherStatus, today: date) -> None:
    current = S(voucher.status)
    if to == current:
        raise VoucherError(f"voucher {voucher.number} is already {to.value}", code="same_status")
    if to not in TRANSITIONS[current]:
        allowed = ", ".join(sorted(s.value for s in TRANSITIONS[current])) or "none (final)"
        raise VoucherError(
            f"cannot change voucher {voucher.number} from {current.value} to {to.value}"
            f" (allowed: {allowed})",
            code="illegal_transition",
            from_status=current.value,
            to_status=to.value,
        )
    past = today > voucher.valid_until
    if to == S.EXPIRED and not past:
        raise VoucherError(
            f"cannot change voucher {voucher.number} from {current.value} to expired:"
            f" it is valid until {voucher.valid_until.isoformat()}",
            code="not_yet_expired",
        )
    if to == S.PROVIDER_CHOSEN and past:
        raise VoucherError(
            f"cannot change voucher {voucher.number} from {current.value} to {to.value}:"
            f" it expired on {voucher.valid_until.isoformat()}",
            code="expired",
        )


def transition(
    ws: Workspace,
    number: str,
    to_status: str | VoucherStatus,
    *,
    provider_id: str | None = None,
    today: date | None = None,
) -> Voucher:
    """Move a voucher along its lifecycle; an illegal step is refused naming both states."""
    require(ws, "issue_voucher")
    today = _today(today)
    try:
        to = S(to_status)
    except ValueError:
        raise VoucherError(f"unknown voucher status {to_status!r}", code="bad_status") from None
    voucher = get_voucher(ws, number)
    require_scope(ws, voucher.scope)
    _check(voucher, to, today)
    changes: dict[str, object] = {"status": to.value}
    if to == S.PROVIDER_CHOSEN:
        if provider_id is None:
            raise VoucherError(
                f"choosing the provider of voucher {voucher.number} needs the provider",
                code="provider_required",
            )
        _approved_provider(ws, provider_id, voucher.service_code)
        changes["provider_id"] = provider_id
    elif provider_id is not None and provider_id != voucher.provider_id:
        raise VoucherError(
            f"the provider is chosen only on the way to {S.PROVIDER_CHOSEN.value}",
            code="provider_not_expected",
        )
    with ws.store.replica.transaction(ws.user) as tx:
        # Re-read inside the write lock: another process may have moved it meanwhile.
        fresh = get_voucher(ws, voucher.number)
        _check(fresh, to, today)
        tx.update("vouchers", fresh.id, changes)
        audit_in(
            tx,
            ws,
            "change",
            "vouchers",
            fresh.id,
            f"status: {fresh.status} -> {to.value}",
            scope=fresh.scope,
        )
    return fresh.model_copy(update=changes)


def cancel_voucher(ws: Workspace, number: str) -> Voucher:
    """Cancel an issued voucher; its value goes back to the issuing device's share."""
    return transition(ws, number, S.CANCELLED)


def expire_overdue(ws: Workspace, today: date | None = None) -> int:
    """Mark every open voucher past its validity date as expired; returns how many."""
    require(ws, "issue_voucher")
    today = _today(today)
    marks = ",".join("?" * len(LIVE_OPEN))
    with ws.store.replica.transaction(ws.user) as tx:
        overdue = fetch_models(
            ws.store.conn,
            Voucher,
            "vouchers",
            f"status IN ({marks}) AND valid_until < ?",
            (*LIVE_OPEN, today.isoformat()),
            "ORDER BY number",
        )
        for voucher in overdue:
            tx.update("vouchers", voucher.id, {"status": S.EXPIRED.value})
            audit_in(
                tx,
                ws,
                "change",
                "vouchers",
                voucher.id,
                f"status: {voucher.status} -> {S.EXPIRED.value}",
                scope=voucher.scope,
            )
    return len(overdue)


def expiring(ws: Workspace, within_days: int = 14, today: date | None = None) -> list[Voucher]:
    """Open vouchers whose validity ends within `within_days` (soonest first)."""
    today = _today(today)
    marks = ",".join("?" * len(LIVE_OPEN))
    return fetch_models(
        ws.store.conn,
        Voucher,
        "vouchers",
        f"status IN ({marks}) AND valid_until >= ? AND valid_until <= ?",
        (*LIVE_OPEN, today.isoformat(), (today + timedelta(days=within_days)).isoformat()),
        "ORDER BY valid_until, number",
    )


def render_voucher_text(ws: Workspace, number: str, lang: str = "fi") -> str:
    """The printable voucher the client takes to the provider (their own document, so it
    carries their name). Rendering it is audited as an export of the client's data."""
    voucher = get_voucher(ws, number)
    require_scope(ws, voucher.scope)
    client = _client(ws, voucher.client_id)
    service = get_service(ws, voucher.service_code)
    provider = get_provider(ws, voucher.provider_id) if voucher.provider_id else None
    approved = [] if provider else providers_for(ws, voucher.service_code)
    text = render_text(voucher, client.full_name, service, provider, approved, lang)
    with ws.store.replica.transaction(ws.user) as tx:
        audit_in(tx, ws, "export", "vouchers", voucher.id, "voucher text", scope=voucher.scope)
    return text
