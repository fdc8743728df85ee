"""Voucher numbers: format, device codes, and uniqueness across devices with no coordination."""

from __future__ import annotations

import re
import shutil

import pytest

from kenttä.services.vouchers.common import VoucherError
from kenttä.services.vouchers.core import issue_voucher
from kenttä.services.vouchers.numbers import (
    device_code,
    fallback_device_code,
    format_number,
    next_number,
    parse_number,
    programme_prefix,
)

from .conftest import TODAY, add_client, grant, open_device

DEVICE_IDS = [
    "3f9a2c0d11e4b7a1",
    "3f9a2c0d11e4b7a2",  # same first 6 hex characters as the first: an assigned code decides
    "3f9b000000000000",  # same first 4 hex characters: 4 would not be enough
    "a0b1c2d3e4f50617",
    "ffffffffffffffff",
]


def test_format_and_parse():
    number = format_number("TOPI", 2026, "3F9A2C", 42)
    assert number == "TOPI-2026-3F9A2C-00042"
    assert parse_number(number) == ("TOPI", 2026, "3F9A2C", 42)
    assert parse_number("topi-2026-k7qm-123456") == ("TOPI", 2026, "K7QM", 123456)
    for bad in ("TOPI-26-ABCD-00001", "TOPI-2026-ABCDE-00001", "TOPI-2026-ABCD-1", "x"):
        with pytest.raises(VoucherError, match="not a voucher number"):
            parse_number(bad)


def test_programme_prefix_is_readable_ascii():
    assert programme_prefix("TOPI") == "TOPI"
    assert programme_prefix("VÄLKE") == "VALKE"
    assert programme_prefix("Polku") == "POLKU"
    assert programme_prefix("Valmennuksesta virtaa!") == "VALMENNUKSES"
    with pytest.raises(VoucherError):
        programme_prefix("—")


def test_device_code_fallback_and_assigned(tmp_path):
    ws = open_device(tmp_path / "d.db", DEVICE_IDS[0])
    try:
        assert device_code(ws.store.conn) == "3F9A2C"
        ws.store.conn.execute("INSERT INTO _sync_state (key, value) VALUES ('device_code', 'K7QM')")
        assert device_code(ws.store.conn) == "K7QM"
        ws.store.conn.execute("UPDATE _sync_state SET value = 'k7' WHERE key = 'device_code'")
        with pytest.raises(VoucherError, match="not 4 letters or digits"):
            device_code(ws.store.conn)
    finally:
        ws.close()
    assert fallback_device_code("00ab12ffee") == "00AB12"


def _take(ws, n: int, programme: str = "TOPI", year: int = 2026) -> list[str]:
    conn = ws.store.conn
    conn.execute("BEGIN IMMEDIATE")
    numbers = [next_number(conn, programme, year) for _ in range(n)]
    conn.execute("COMMIT")
    return numbers


def test_five_devices_ten_thousand_each_all_distinct(tmp_path):
    """5 stores with distinct device ids (two sharing their 6-hex prefix, so that one gets an
    office-assigned code as enrolment would give it) each take 10 000 numbers."""
    everything: list[str] = []
    for i, device_id in enumerate(DEVICE_IDS):
        ws = open_device(tmp_path / f"{i}.db", device_id)
        try:
            if i == 1:
                ws.store.conn.execute(
                    "INSERT INTO _sync_state (key, value) VALUES ('device_code', 'K7QM')"
                )
            numbers = _take(ws, 10_000)
        finally:
            ws.close()
        assert numbers[0].endswith("-00001") and numbers[-1].endswith("-10000")
        everything += numbers
    assert len(everything) == 50_000
    assert len(set(everything)) == 50_000
    assert all(re.fullmatch(r"TOPI-2026-[0-9A-Z]{4,6}-\d{5}", n) for n in everything)


def test_sequence_is_per_programme_and_year_and_rolls_back(tmp_path):
    ws = open_device(tmp_path / "d.db", DEVICE_IDS[3])
    try:
        assert _take(ws, 2) == ["TOPI-2026-A0B1C2-00001", "TOPI-2026-A0B1C2-00002"]
        assert _take(ws, 1, year=2027) == ["TOPI-2027-A0B1C2-00001"]
        assert _take(ws, 1, programme="VÄLKE") == ["VALKE-2026-A0B1C2-00001"]
        conn = ws.store.conn
        conn.execute("BEGIN IMMEDIATE")
        assert next_number(conn, "TOPI", 2026) == "TOPI-2026-A0B1C2-00003"
        conn.execute("ROLLBACK")  # the voucher was never stored: its number is reused
        assert _take(ws, 1) == ["TOPI-2026-A0B1C2-00003"]
        with pytest.raises(VoucherError, match="inside a transaction"):
            next_number(conn, "TOPI", 2026)
    finally:
        ws.close()


def test_real_issuance_on_five_devices_gives_distinct_numbers(tmp_path):
    numbers: set[str] = set()
    for i, device_id in enumerate(DEVICE_IDS):
        ws = open_device(tmp_path / f"{i}.db", device_id)
        try:
            if i == 1:
                ws.store.conn.execute(
                    "INSERT INTO _sync_state (key, value) VALUES ('device_code', 'K7QM')"
                )
            from kenttä.services.vouchers.core import ensure_service_tray

            ensure_service_tray(ws)
            grant(ws, 1_000_000)
            client = add_client(ws)
            for _ in range(40):
                v = issue_voucher(
                    ws, client_id=client, service_code="coaching", value_cents=100, today=TODAY
                )
                numbers.add(v.number)
        finally:
            ws.close()
    assert len(numbers) == 200


def test_restored_backup_does_not_reuse_numbers(tmp_path, device):
    """A laptop restored from an old backup still holds (after a pull) the vouchers it made
    since; the sequence is raised past them."""
    ws = device("laptop", DEVICE_IDS[3])
    grant(ws, 1_000_000)
    client = add_client(ws)
    issue_voucher(ws, client_id=client, service_code="coaching", value_cents=100, today=TODAY)
    shutil.copy(tmp_path / "laptop.db", tmp_path / "backup.db")
    for _ in range(2):
        issue_voucher(ws, client_id=client, service_code="coaching", value_cents=100, today=TODAY)
    # simulate the restore: the sequence goes back to the backup's value
    ws.store.conn.execute(
        "UPDATE _sync_state SET value = '1' WHERE key = 'voucher_seq:TOPI:2026:A0B1C2'"
    )
    v = issue_voucher(ws, client_id=client, service_code="coaching", value_cents=100, today=TODAY)
    assert v.number == "TOPI-2026-A0B1C2-00004"
