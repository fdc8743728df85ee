"""Keeping the service tray: a supervisor adds, changes and retires services and providers.

The tray is data (issue 15): rows of the replicated `services` and `providers` tables,
synced to every laptop like any record, so a laptop offers what the office keeps and
nothing is seeded per laptop. A service's natural key is its code and a provider's its
Y-tunnus: one row per key here, and sync merges two made offline. Retiring sets
`retired_on`; a retired row stays, so old vouchers still show their service and provider,
but it is not offered for a new voucher (tray.list_services, core.issue_voucher).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Any

from kenttä.domain import localtime
from kenttä.domain.identifiers import IdentifierError, validate_y_tunnus
from kenttä.domain.models import Provider, Service
from kenttä.services.context import Workspace
from kenttä.services.privacy import audit_in
from kenttä.services.roles import require
from kenttä.services.vouchers.common import VoucherError, fetch_models
from kenttä.services.vouchers.tray import (
    COACHING,
    TRAINING,
    WORK_TRIAL,
    ensure_service_tray,
    get_service,
)

CATEGORIES = (COACHING, TRAINING, WORK_TRIAL)
_CODE = re.compile(r"[a-z][a-z0-9_]{1,39}")
_UNSET: Any = object()


def _today(ws: Workspace, on: date | None) -> date:
    return on or localtime.today()


def known_programmes(ws: Workspace) -> list[str]:
    """The programmes a service may name: those with an eligibility rule, the device's
    own, and those clients in the database are in."""
    from kenttä.domain.eligibility import RULES

    rows = ws.store.conn.execute(
        "SELECT DISTINCT programme FROM clients WHERE _deleted IS NULL AND _erased IS NULL"
        " AND programme IS NOT NULL AND programme != ''"
    ).fetchall()
    found = {*RULES, *(r[0] for r in rows)}
    if ws.config.programme:
        found.add(ws.config.programme)
    return sorted(found, key=str.upper)


def _programmes(ws: Workspace, names: Iterable[str]) -> list[str]:
    known = {p.casefold(): p for p in known_programmes(ws)}
    out: list[str] = []
    for name in names:
        name = name.strip()
        if not name:
            continue
        if name.casefold() not in known:
            raise VoucherError(
                f"unknown programme {name!r}; known: {', '.join(known.values()) or 'none'}",
                code="unknown_programme",
            )
        out.append(known[name.casefold()])
    return list(dict.fromkeys(out))


def _check_code(code: str) -> str:
    code = code.strip()
    if not _CODE.fullmatch(code):
        raise VoucherError(
            f"service code {code!r} must be 2–40 lower-case letters, digits or _,"
            " starting with a letter",
            code="bad_code",
        )
    return code


def _check_category(category: str) -> str:
    if category not in CATEGORIES:
        raise VoucherError(
            f"unknown category {category!r}; one of {', '.join(CATEGORIES)}", code="bad_category"
        )
    return category


def _model(factory: type[Service] | type[Provider], row: dict[str, Any]) -> Any:
    from pydantic import ValidationError

    try:
        return factory.model_validate(row)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"]) or "value"
        raise VoucherError(f"{where}: {first['msg']}", code="invalid") from None


def add_service(
    ws: Workspace,
    *,
    code: str,
    name: str,
    category: str,
    price_cents: int,
    name_sv: str | None = None,
    programmes: Iterable[str] = (),
) -> Service:
    """A new service in the tray; a code already there (even retired) is refused."""
    require(ws, "edit_service_tray")
    code = _check_code(code)
    existing = get_service(ws, code)
    if existing is not None:
        state = " (retired)" if existing.retired_on else ""
        raise VoucherError(f"service {code!r} is already in the tray{state}", code="service_exists")
    service = _model(
        Service,
        {
            "code": code,
            "name": name,
            "name_sv": (name_sv or "").strip() or None,
            "category": _check_category(category),
            "default_value_cents": price_cents,
            "programmes": _programmes(ws, programmes),
            "scope": ws.config.scope,
        },
    )
    with ws.store.replica.transaction(ws.user) as tx:
        tx.insert("services", service.to_row())
        audit_in(tx, ws, "create", "services", service.id, "service tray", scope=service.scope)
    return service


def change_service(
    ws: Workspace,
    code: str,
    *,
    name: str | None = None,
    name_sv: str | None = _UNSET,
    category: str | None = None,
    price_cents: int | None = None,
    programmes: Iterable[str] | None = None,
) -> Service:
    """Change a service's names, category, price or programmes (old vouchers keep their value)."""
    require(ws, "edit_service_tray")
    service = get_service(ws, code.strip())
    if service is None:
        raise VoucherError(f"unknown service {code.strip()!r}", code="unknown_service")
    changes: dict[str, Any] = {}
    if name is not None:
        changes["name"] = name
    if name_sv is not _UNSET:
        changes["name_sv"] = (name_sv or "").strip() or None
    if category is not None:
        changes["category"] = _check_category(category)
    if price_cents is not None:
        changes["default_value_cents"] = price_cents
    if programmes is not None:
        changes["programmes"] = _programmes(ws, programmes)
    return _update(ws, Service, "services", service, changes)


def _update(ws: Workspace, factory: Any, table: str, old: Any, changes: dict[str, Any]) -> Any:
    new = _model(factory, {**old.model_dump(), **changes})
    row = new.to_row()
    diff = {k: row[k] for k in changes if row[k] != old.to_row()[k]}
    if diff:
        with ws.store.replica.transaction(ws.user) as tx:
            tx.update(table, old.id, diff)
            audit_in(tx, ws, "change", table, old.id, ", ".join(sorted(diff)), scope=old.scope)
    return new


def retire_service(ws: Workspace, code: str, on: date | None = None) -> Service:
    """Take a service off the tray from `on` (today): no new vouchers; old ones still show it."""
    require(ws, "edit_service_tray")
    service = get_service(ws, code.strip())
    if service is None:
        raise VoucherError(f"unknown service {code.strip()!r}", code="unknown_service")
    if service.retired_on is not None:
        return service
    return _update(ws, Service, "services", service, {"retired_on": _today(ws, on)})


def seed_default_tray(ws: Workspace) -> int:
    """Put the shipped services in the tray where their codes are missing (a new office)."""
    require(ws, "edit_service_tray")
    return ensure_service_tray(ws)


def _y_tunnus(text: str) -> str:
    try:
        return validate_y_tunnus(text)
    except IdentifierError as exc:
        raise VoucherError(f"bad Y-tunnus: {exc}", code="bad_y_tunnus") from None


def provider_by_y_tunnus(ws: Workspace, y_tunnus: str) -> Provider | None:
    found = fetch_models(
        ws.store.conn, Provider, "providers", "y_tunnus = ?", (_y_tunnus(y_tunnus),)
    )
    return min(found, key=lambda p: p.id) if found else None


def _service_codes(ws: Workspace, codes: Iterable[str]) -> list[str]:
    out = []
    for code in (c.strip() for c in codes):
        if not code:
            continue
        service = get_service(ws, code)
        if service is None:
            raise VoucherError(f"unknown service {code!r}", code="unknown_service")
        if service.retired_on is not None:
            raise VoucherError(f"service {code!r} is retired", code="retired_service")
        out.append(code)
    return list(dict.fromkeys(out))


def add_provider(
    ws: Workspace,
    *,
    name: str,
    y_tunnus: str,
    services: Iterable[str],
    contact_name: str | None = None,
    contact_phone: str | None = None,
    contact_email: str | None = None,
) -> Provider:
    """A new approved provider; a Y-tunnus already there (even retired) is refused."""
    require(ws, "edit_service_tray")
    key = _y_tunnus(y_tunnus)
    if provider_by_y_tunnus(ws, key) is not None:
        raise VoucherError(
            f"a provider with Y-tunnus {key} is already there", code="provider_exists"
        )
    provider = _model(
        Provider,
        {
            "name": name,
            "y_tunnus": key,
            "services": _service_codes(ws, services),
            "contact_name": contact_name or None,
            "contact_phone": contact_phone or None,
            "contact_email": contact_email or None,
            "scope": ws.config.scope,
        },
    )
    with ws.store.replica.transaction(ws.user) as tx:
        tx.insert("providers", provider.to_row())
        audit_in(tx, ws, "create", "providers", provider.id, "service tray", scope=provider.scope)
    return provider


def change_provider(
    ws: Workspace,
    y_tunnus: str,
    *,
    name: str | None = None,
    services: Iterable[str] | None = None,
    contact_name: str | None = None,
    contact_phone: str | None = None,
    contact_email: str | None = None,
) -> Provider:
    """Change a provider's name, services or contact."""
    require(ws, "edit_service_tray")
    provider = provider_by_y_tunnus(ws, y_tunnus)
    if provider is None:
        raise VoucherError(f"no provider with Y-tunnus {y_tunnus.strip()}", code="unknown_provider")
    changes: dict[str, Any] = {}
    if name is not None:
        changes["name"] = name
    if services is not None:
        changes["services"] = _service_codes(ws, services)
    for key, value in (
        ("contact_name", contact_name),
        ("contact_phone", contact_phone),
        ("contact_email", contact_email),
    ):
        if value is not None:
            changes[key] = value.strip() or None
    return _update(ws, Provider, "providers", provider, changes)


def retire_provider(ws: Workspace, y_tunnus: str, on: date | None = None) -> Provider:
    """Take a provider off the tray: not offered for new choices; old vouchers still name it."""
    require(ws, "edit_service_tray")
    provider = provider_by_y_tunnus(ws, y_tunnus)
    if provider is None:
        raise VoucherError(f"no provider with Y-tunnus {y_tunnus.strip()}", code="unknown_provider")
    if provider.retired_on is not None:
        return provider
    return _update(ws, Provider, "providers", provider, {"retired_on": _today(ws, on)})
