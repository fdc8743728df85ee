"""Devices for the voucher tests: each its own store, device id, clients and budget share."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest

from kenttä.config import Config
from kenttä.domain.models import Client, Provider
from kenttä.services.context import Workspace
from kenttä.services.vouchers.budgets.share import apply_grant
from kenttä.services.vouchers.core import ensure_service_tray
from kenttä.store.db import open_store

TODAY = date(2026, 3, 2)
BUDGET = "budget-topi-2026"
PERIOD = (date(2026, 1, 1), date(2026, 12, 31))


def open_device(path: Path, device_id: str, user: str = "testi.valmentaja") -> Workspace:
    """A device's workspace on its own database, with a fixed device id."""
    store = open_store(path)
    store.conn.execute("UPDATE _sync_state SET value = ? WHERE key = 'device_id'", (device_id,))
    return Workspace(store, Config(user=user, scope="kuopio"))


def add_client(ws: Workspace, programme: str | None = "TOPI", **fields: object) -> str:
    client = Client(
        first_name=str(fields.pop("first_name", "Testi")),
        last_name=str(fields.pop("last_name", "Asiakas")),
        programme=programme,
        scope=str(fields.pop("scope", "kuopio")),
        **fields,
    )
    with ws.store.replica.transaction(ws.user) as tx:
        return tx.insert("clients", client.to_row())


def add_provider(ws: Workspace, name: str, services: list[str], y_tunnus: str | None) -> str:
    provider = Provider(name=name, services=services, y_tunnus=y_tunnus, scope="kuopio")
    with ws.store.replica.transaction(ws.user) as tx:
        return tx.insert("providers", provider.to_row())


def grant(
    ws: Workspace,
    cents: int,
    *,
    grant_id: str | None = None,
    budget_id: str = BUDGET,
    programme: str = "TOPI",
    period: tuple[date, date] = PERIOD,
) -> bool:
    return apply_grant(
        ws,
        grant_id=grant_id or f"{budget_id}:{ws.device_id}:{cents}",
        budget_id=budget_id,
        programme=programme,
        period_start=period[0],
        period_end=period[1],
        granted_cents=cents,
        source="rule",
    )


@pytest.fixture
def device(tmp_path: Path) -> Iterator[Callable[..., Workspace]]:
    """A factory of devices with the service tray in place; closed after the test."""
    opened: list[Workspace] = []

    def make(name: str = "a", device_id: str | None = None) -> Workspace:
        ws = open_device(tmp_path / f"{name}.db", device_id or f"{len(opened) + 1:02x}" * 8)
        ensure_service_tray(ws)
        opened.append(ws)
        return ws

    yield make
    for ws in opened:
        ws.close()


@pytest.fixture
def ws(device: Callable[..., Workspace]) -> Workspace:
    """One device with a client in TOPI and a 1000.00 € share of the TOPI budget."""
    workspace = device("laptop")
    grant(workspace, 100_000)
    return workspace
