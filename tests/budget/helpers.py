"""Devices and an in-process office for the budget tests."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from kenttä_sync.transport.client import HttpTransport
from starlette.testclient import TestClient

from kenttä.cli import cli
from kenttä.config import Config
from kenttä.domain.models import Client
from kenttä.services.context import Workspace
from kenttä.services.vouchers.core import ensure_service_tray
from kenttä.store.db import open_store

URL = "http://testserver"
PERIOD = (date.today() - timedelta(days=30), date.today() + timedelta(days=365))


def in_process_transport(app: Any) -> type[HttpTransport]:
    """An HttpTransport whose requests go to `app` in this process (retries, auth intact)."""

    class InProcess(HttpTransport):
        def __init__(self, url: str, *args: Any, **kwargs: Any) -> None:
            kwargs.pop("verify", None)
            super().__init__(url, *args, sleep=lambda _s: None, **kwargs)
            headers = self.client.headers
            self.client.close()
            self.client = TestClient(app, base_url=self.url, headers=dict(headers))

    return InProcess


def laptop(path: Path, programme: str = "TOPI", scope: str = "kuopio") -> tuple[Workspace, str]:
    """A laptop with the service tray and one client in `programme`; (workspace, client id)."""
    ws = Workspace(open_store(path), Config(user="testi.valmentaja", scope=scope))
    ensure_service_tray(ws)
    client = Client(first_name="Testi", last_name="Asiakas", programme=programme, scope=scope)
    with ws.store.replica.transaction(ws.user) as tx:
        client_id = tx.insert("clients", client.to_row())
    return ws, client_id


def server_cli(*args: str) -> Any:
    """`kenttä server …` through click's runner; the result (exit code and output)."""
    return CliRunner().invoke(cli, ["server", *args], catch_exceptions=False)


def office_with_budget(store_url: str, central: Any, amount_eur: str = "1000") -> Any:
    """Set TOPI's budget for PERIOD (rule equal) at the office; an in-process transport to
    the office's server app."""
    from kenttä_sync.transport.server.app import create_app

    start, end = (d.isoformat() for d in PERIOD)
    done = server_cli(
        "budget", "set", "--store", store_url, "--programme", "TOPI", "--from", start,
        "--to", end, "--amount", amount_eur, "--rule", "equal",
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    return in_process_transport(create_app(store_url, central.schema))
