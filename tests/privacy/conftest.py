"""Fixtures for the privacy tests: a supervisor workspace, config files, the canary client."""

from __future__ import annotations

from pathlib import Path

import pytest

from kenttä.config import Config
from kenttä.services.context import Workspace
from kenttä.store.db import open_store
from tests.privacy import canary


def write_config(path: Path, role: str, **extra: object) -> None:
    extra.setdefault("language", '"en"')  # the English reasons are checked in these tests
    lines = [f'user = "testi.{role}"', f'role = "{role}"', 'scope = "kuopio"']
    lines += [f"{k} = {str(v).lower() if isinstance(v, bool) else v}" for k, v in extra.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def add_canary(ws: Workspace, **fields: object) -> str:
    """Create the canary client with a note mentioning the name; returns the client id."""
    from kenttä.services.clients.core import create_client
    from kenttä.services.context import utc_now

    client = create_client(
        ws,
        first_name=canary.FIRST,
        last_name=canary.LAST,
        henkilotunnus=canary.HETU,
        phone="0401234567",
        **fields,
    )
    with ws.store.replica.transaction(ws.user) as tx:
        tx.insert(
            "notes",
            {
                "scope": client.scope,
                "client_id": client.id,
                "author": ws.user,
                "written_at": utc_now(),
                "kind": "meeting",
                "body": canary.NOTE,
            },
        )
    return client.id


@pytest.fixture
def supervisor(tmp_path: Path):
    ws = Workspace(
        open_store(tmp_path / "plain.db"),
        Config(user="testi.esihenkilo", role="supervisor", scope="kuopio"),
    )
    yield ws
    ws.close()


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    """Environment for a CLI subprocess as a supervisor on tmp_path/cli.db."""
    config = tmp_path / "cli-config.toml"
    write_config(config, "supervisor")
    return {
        "KENTTA_CONFIG": str(config),
        "KENTTA_DATA_DIR": str(tmp_path / "data"),
        "KENTTA_DB": str(tmp_path / "cli.db"),
    }
