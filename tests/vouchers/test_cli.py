"""`kenttä voucher …` through the real command line (click's runner and one subprocess)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from kenttä.cli import cli
from kenttä.services.vouchers.common import VoucherError, parse_eur
from kenttä.services.vouchers.core import ensure_service_tray

from .conftest import add_client, add_provider, grant, open_device

AROUND_TODAY = (date.today() - timedelta(days=30), date.today() + timedelta(days=365))


@pytest.fixture(autouse=True)
def _config() -> None:
    """The CLI reads its user and scope from the config file (KENTTA_CONFIG, per test)."""
    Path(os.environ["KENTTA_CONFIG"]).write_text(
        'user = "testi.valmentaja"\nscope = "kuopio"\nrole = "coach"\n', encoding="utf-8"
    )


def run(db: Path, *args: str, input: str | None = None):
    return CliRunner().invoke(cli, ["--db", str(db), "voucher", *args], input=input)


def make_laptop(db: Path, device_id: str, share_cents: int) -> tuple[str, str]:
    """A laptop database with a TOPI client, a provider and a share; (client id, provider id)."""
    ws = open_device(db, device_id)
    try:
        ensure_service_tray(ws)
        grant(ws, share_cents, period=AROUND_TODAY)
        client = add_client(ws)
        provider = add_provider(ws, "Valmennus Oy", ["coaching"], "0171450-7")
    finally:
        ws.close()
    return client, provider


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("450", 45_000),
        ("450.50", 45_050),
        ("450,50", 45_050),
        ("450,5", 45_050),
        (" 1 200,00 € ", 120_000),
    ],
)
def test_euro_parsing(text, cents):
    assert parse_eur(text) == cents


@pytest.mark.parametrize("text", ["", "abc", "4,505", "-5", "1.2.3", "٣", "1e3"])
def test_euro_parsing_refuses(text):
    with pytest.raises(VoucherError):
        parse_eur(text)


def test_issue_list_show_transition_cancel(tmp_path):
    db = tmp_path / "laptop.db"
    client, provider = make_laptop(db, "c0ffee0000000001", 100_000)
    year = date.today().year

    result = run(db, "issue", "--client", client, "--service", "coaching", "--value", "450,50")
    assert result.exit_code == 0, result.output
    number = result.output.strip()
    assert number == f"TOPI-{year}-C0FFEE-00001"

    result = run(db, "list", "--json")
    (listed,) = json.loads(result.output)
    assert listed["number"] == number and listed["value_cents"] == 45_050

    result = run(db, "list")
    assert number in result.output and "450,50 €" in result.output  # as Finnish writes it

    result = run(db, "show", number)  # for a person: labelled, in words, the client by name
    lines = [" ".join(line.split()) for line in result.output.splitlines()]
    assert "Tila: Myönnetty" in lines and "Arvo: 450,50 €" in lines
    assert "Asiakas: Asiakas Testi" in lines and "Palvelu: Yksilövalmennus" in lines
    result = run(db, "show", number, "--text")
    assert "PALVELUSETELI" in result.output and "Testi Asiakas" in result.output

    result = run(db, "transition", number, "used")
    assert result.exit_code == 1
    assert result.output.strip() == "kenttä: Setelin tilaa ei voi vaihtaa näin"  # fi: default

    result = run(db, "transition", number, "provider_chosen", "--provider", provider)
    # for a person, in the configured language (fi): the state in words, not its code
    assert result.exit_code == 0 and result.output.strip() == f"{number} Tuottaja valittu"

    result = run(db, "cancel", number)  # no terminal: needs --yes
    assert result.exit_code == 1 and "--yes" in result.output
    result = run(db, "cancel", number, "--yes")
    assert result.exit_code == 0 and result.output.strip() == f"{number} Mitätöity"
    result = run(db, "list", "--status", "cancelled", "--json")
    assert [v["number"] for v in json.loads(result.output)] == [number]


def test_budget_and_services(tmp_path):
    db = tmp_path / "laptop.db"
    client, _ = make_laptop(db, "c0ffee0000000002", 100_000)
    assert (
        run(db, "issue", "--client", client, "--service", "coaching", "--value", "300").exit_code
        == 0
    )
    rows = json.loads(run(db, "budget", "--json").output)
    assert [
        (r["programme"], r["granted_cents"], r["issued_cents"], r["remaining_cents"]) for r in rows
    ] == [("TOPI", 100_000, 30_000, 70_000)]
    table = run(db, "budget").output
    assert "TOPI" in table and "700,00 €" in table
    services = json.loads(run(db, "services", "--json").output)
    coaching = next(s for s in services if s["code"] == "coaching")
    assert coaching["providers"][0]["name"] == "Valmennus Oy"


def test_bad_input_is_one_line_and_nonzero(tmp_path):
    db = tmp_path / "laptop.db"
    client, _ = make_laptop(db, "c0ffee0000000003", 100_000)
    for args, reason in [
        (("issue", "--client", client, "--service", "coaching", "--value", "abc"), "Summa ei"),
        (("issue", "--client", "nobody", "--service", "coaching"), "Asiakasta ei löydy"),
        (
            ("issue", "--client", client, "--service", "coaching", "--valid-until", "eilen"),
            "Päivämäärä ei kelpaa",
        ),
        (("show", "TOPI-2000-ABCD-00001"), "Seteliä ei löydy"),
    ]:
        result = run(db, *args)
        assert result.exit_code == 1, args
        assert result.output.strip().startswith("kenttä: ")
        assert reason in result.output
        assert len(result.output.strip().splitlines()) == 1


def test_two_offline_laptops_cannot_overspend(tmp_path):
    """The TOPI budget of 1000.00 € is split 600/400 between two laptops that never meet.
    Each issues within its own share and is refused beyond it, with what remains."""
    kuopio, tervo = tmp_path / "kuopio.db", tmp_path / "tervo.db"
    c1, _ = make_laptop(kuopio, "aaaa000000000001", 60_000)
    c2, _ = make_laptop(tervo, "bbbb000000000002", 40_000)
    issued = 0
    for db, client, first, refused, remaining in [
        (kuopio, c1, "450", "450", "150,00 €"),
        (tervo, c2, "300", "101", "100,00 €"),
    ]:
        ok = run(db, "issue", "--client", client, "--service", "coaching", "--value", first)
        assert ok.exit_code == 0, ok.output
        issued += parse_eur(first)
        no = run(db, "issue", "--client", client, "--service", "coaching", "--value", refused)
        assert no.exit_code == 1
        assert no.output.strip() == (  # in Finnish (the default), with what remains
            f"kenttä: Setelin arvo {parse_eur(refused) // 100},00 € ylittää laitteen jäljellä"
            f" olevan osuuden {remaining} (TOPI)"
        )
    assert issued <= 100_000
    totals = [json.loads(run(db, "budget", "--json").output)[0] for db in (kuopio, tervo)]
    assert sum(t["issued_cents"] for t in totals) == 75_000
    assert [t["remaining_cents"] for t in totals] == [15_000, 10_000]


def test_real_binary_exits_nonzero_with_one_line(tmp_path):
    db = tmp_path / "laptop.db"
    client, _ = make_laptop(db, "c0ffee0000000004", 10_000)
    env = {**os.environ, "KENTTA_DB": str(db)}
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "from kenttä.cli import main; main()",
            "voucher",
            "issue",
            "--client",
            client,
            "--service",
            "coaching",
            "--value",
            "200",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert proc.returncode == 1
    assert proc.stderr.strip() == (
        "kenttä: Setelin arvo 200,00 € ylittää laitteen jäljellä olevan osuuden 100,00 € (TOPI)"
    )
