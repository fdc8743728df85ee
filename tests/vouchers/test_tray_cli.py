"""`kenttä voucher services|providers add|change|list|retire` (issue 15 point 6): a
supervisor keeps the tray; a coach lists it and is refused a change in one line; bad input
is one line and writes nothing."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from kenttä.cli import cli
from kenttä.store.db import open_store

from .conftest import add_client, open_device

Y_TUNNUS = "0171450-7"


def _config(role: str) -> None:
    Path(os.environ["KENTTA_CONFIG"]).write_text(
        f'user = "testi.kayttaja"\nscope = "kuopio"\nrole = "{role}"\nlanguage = "en"\n',
        encoding="utf-8",
    )  # English: the services' own reasons are checked here (fi/sv: tests/cli/test_cli_refusals_i18n.py)


def run(db: Path, *args: str):
    return CliRunner().invoke(cli, ["--db", str(db), "voucher", *args])


def _rows(db: Path) -> tuple[int, int, int]:
    store = open_store(db)
    try:
        return tuple(
            store.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("services", "providers", "_changes")
        )
    finally:
        store.close()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "office.db"
    ws = open_device(path, "5e" * 8)
    add_client(ws, programme="VALKE")
    ws.close()
    return path


def _add_coaching(db: Path):
    return run(
        db, "services", "add", "job_coaching", "--name", "Työhönvalmennus",
        "--name-sv", "Jobbcoachning", "--category", "coaching", "--price", "450,50",
        "--programmes", "topi, VALKE", "--json",
    )  # fmt: skip


def test_a_supervisor_keeps_services_and_providers(db: Path) -> None:
    _config("supervisor")
    made = _add_coaching(db)
    assert made.exit_code == 0, made.output
    service = json.loads(made.output)
    assert (service["code"], service["default_value_cents"], service["programmes"]) == (
        "job_coaching", 45_050, ["TOPI", "VALKE"],
    )  # fmt: skip
    done = run(
        db, "providers", "add", "--name", "Valmennus Oy", "--y-tunnus", Y_TUNNUS,
        "--services", "job_coaching", "--contact-email", "info@example.invalid", "--json",
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["services"] == ["job_coaching"]

    listed = json.loads(run(db, "services", "list", "--json").output)
    assert [(s["code"], [p["y_tunnus"] for p in s["providers"]]) for s in listed] == [
        ("job_coaching", [Y_TUNNUS])
    ]
    changed = run(db, "services", "change", "job_coaching", "--price", "500", "--json")
    assert json.loads(changed.output)["default_value_cents"] == 50_000

    retired = run(db, "services", "retire", "job_coaching", "--json")
    assert json.loads(retired.output)["retired_on"] is not None
    assert json.loads(run(db, "services", "--json").output) == []
    everything = json.loads(run(db, "services", "list", "--all", "--json").output)
    assert [s["code"] for s in everything] == ["job_coaching"]
    run(db, "providers", "retire", Y_TUNNUS)
    assert json.loads(run(db, "providers", "list", "--json").output) == []
    assert len(json.loads(run(db, "providers", "list", "--all", "--json").output)) == 1

    seeded = run(db, "services", "defaults")
    assert seeded.exit_code == 0 and seeded.output.strip() == "6 services added"


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (
            ("services", "add", "job_coaching", "--name", "Toinen", "--category", "coaching",
             "--price", "1"),
            "service 'job_coaching' is already in the tray",
        ),
        (
            ("services", "add", "new_one", "--name", "Uusi", "--category", "coaching",
             "--price", "1", "--programmes", "NOPE"),
            "unknown programme 'NOPE'",
        ),
        (
            ("services", "add", "Bad Code", "--name", "Uusi", "--category", "coaching",
             "--price", "1"),
            "service code 'Bad Code' must be",
        ),
        (
            ("providers", "add", "--name", "Huono Oy", "--y-tunnus", "0171450-8",
             "--services", "job_coaching"),
            "bad Y-tunnus: Y-tunnus check digit should be 7",
        ),
        (
            ("providers", "add", "--name", "Toinen Oy", "--y-tunnus", Y_TUNNUS,
             "--services", "job_coaching"),
            f"a provider with Y-tunnus {Y_TUNNUS} is already there",
        ),
        (
            ("providers", "add", "--name", "Kolmas Oy", "--y-tunnus", "1572860-0",
             "--services", "no_such"),
            "unknown service 'no_such'",
        ),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_and_writes_nothing(db: Path, args: tuple, reason: str) -> None:
    _config("supervisor")
    assert _add_coaching(db).exit_code == 0
    assert run(
        db, "providers", "add", "--name", "Valmennus Oy", "--y-tunnus", Y_TUNNUS,
        "--services", "job_coaching",
    ).exit_code == 0  # fmt: skip
    before = _rows(db)
    result = run(db, *args)
    assert result.exit_code == 1
    assert result.output.startswith(f"kenttä: {reason}"), result.output
    assert len(result.output.strip().splitlines()) == 1
    assert _rows(db) == before


def test_a_coach_lists_the_tray_and_is_refused_a_change(db: Path) -> None:
    _config("supervisor")
    assert _add_coaching(db).exit_code == 0
    _config("coach")
    before = _rows(db)
    for args in (
        ("services", "add", "other", "--name", "Muu", "--category", "training", "--price", "5"),
        ("services", "retire", "job_coaching"),
        ("providers", "add", "--name", "X Oy", "--y-tunnus", Y_TUNNUS, "--services", "x"),
        ("services", "defaults"),
    ):
        result = run(db, *args)
        assert result.exit_code == 1
        assert result.output.strip() == (
            "kenttä: only a supervisor may change the service tray (this device's role is coach)"
        )
    assert _rows(db) == before
    listed = run(db, "services", "list", "--json")
    assert [s["code"] for s in json.loads(listed.output)] == ["job_coaching"]


def test_an_upgraded_laptop_reads_its_tray_and_keeps_offering_it(tmp_path: Path) -> None:
    """A service stored before schema 8 (no programmes, names or retirement) reads as a
    service for every programme, offered, after the upgrade."""
    path = tmp_path / "old.db"
    old = open_store(path, target_version=4)
    # as the version before wrote it (its replica knew no later columns)
    old.conn.execute(
        "INSERT INTO services (id, scope, code, name, category, default_value_cents, _stamp)"
        " VALUES ('0190aaaa-0000-7000-8000-000000000001', 'kuopio', 'coaching',"
        " 'Yksilövalmennus', 'coaching', 120000, '0000000000001-0000-aa')"
    )
    old.close()
    _config("coach")
    listed = run(path, "services", "list", "--json")
    assert listed.exit_code == 0, listed.output
    ((code, programmes, retired),) = [
        (s["code"], s["programmes"], s["retired_on"]) for s in json.loads(listed.output)
    ]
    assert (code, programmes, retired) == ("coaching", [], None)


def test_a_service_for_other_programmes_is_not_offered_nor_issued(tmp_path: Path) -> None:
    from kenttä.services.vouchers.common import VoucherError
    from kenttä.services.vouchers.core import issue_voucher, list_services
    from kenttä.services.vouchers.tray_admin import add_service

    ws = open_device(tmp_path / "p.db", "7a" * 8)
    ws.config.role = "supervisor"
    try:
        client = add_client(ws, programme="VALKE")
        add_service(
            ws, code="topi_only", name="Vain TOPI", category="training", price_cents=5_000,
            programmes=["TOPI"],
        )  # fmt: skip
        assert [s.code for s in list_services(ws, programme="TOPI")] == ["topi_only"]
        assert list_services(ws, programme="VALKE") == []
        with pytest.raises(VoucherError, match="not in programme VALKE's tray"):
            issue_voucher(ws, client_id=client, service_code="topi_only")
    finally:
        ws.close()
