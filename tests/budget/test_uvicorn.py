"""One run over a real `kenttä server run` (uvicorn on 127.0.0.1) and the real HTTP client:
two laptops get their shares at sync, and the `kenttä voucher issue` command refuses the
laptop that tries to go past its share, naming the remaining amount."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from kenttä_sync.transport.server import enrolment

from kenttä.cli import cli
from kenttä.services.sync import client as sync_client
from kenttä.services.vouchers.budgets.share import remaining_for
from kenttä.services.vouchers.core import issue_voucher

from .conftest import open_central
from .helpers import PERIOD, laptop, server_cli


def test_shares_over_a_real_server_and_the_refusal_on_the_command_line(
    tmp_path: Path, server: Any
) -> None:
    url = f"sqlite:{tmp_path / 'central.db'}"
    start, end = (d.isoformat() for d in PERIOD)
    central = open_central(url)
    try:
        done = server_cli(
            "budget", "set", "--store", url, "--programme", "TOPI", "--from", start, "--to", end,
            "--amount", "600", "--rule", "target", "--per-device", "300",
        )  # fmt: skip
        assert done.exit_code == 0, done.output
        codes = [enrolment.new_code(central, ["kuopio"], "coach") for _ in range(2)]
    finally:
        central.close()
    srv = server(url)
    laptops = [laptop(tmp_path / f"{n}.db") for n in ("a", "b")]
    try:
        for (ws, _), code in zip(laptops, codes, strict=True):
            sync_client.enroll(ws, srv.url, code)
            sync_client.sync(ws)
            assert remaining_for(ws, "TOPI") == 30_000
        a, client_a = laptops[0]
        issue_voucher(a, client_id=client_a, service_code="coaching", value_cents=25_000)
    finally:
        for ws, _ in laptops:
            ws.close()
    Path(os.environ["KENTTA_CONFIG"]).write_text(
        'user = "testi.valmentaja"\nscope = "kuopio"\nrole = "coach"\n', encoding="utf-8"
    )
    refused = CliRunner().invoke(
        cli, ["--db", str(tmp_path / "a.db"), "voucher", "issue", "--client", client_a,
              "--service", "coaching", "--value", "100"],
    )  # fmt: skip
    assert refused.exit_code == 1
    assert "jäljellä olevan osuuden 50,00 € (TOPI)" in refused.output  # fi: the default
