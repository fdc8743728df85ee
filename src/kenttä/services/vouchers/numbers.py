"""Voucher numbers: readable, and unique across every device with no coordination.

A number is ``PROGRAMME-YYYY-DEVICE-NNNNN``, e.g. ``TOPI-2026-K7QM-00042``:

- PROGRAMME: the programme code folded to A–Z and 0–9 (``VÄLKE`` → ``VALKE``), at most 12.
- YYYY: the year of issue.
- DEVICE: this device's code. The central store assigns each device a 4-character code on
  enrolment (``_sync_state`` key ``device_code``; it keeps a register, so no two devices share
  one). Before enrolment the device uses the first 6 hex characters of its random 64-bit
  device id, upper-cased. The two forms differ in length, so an assigned code can never equal
  a fallback one. Six hex characters are 24 bits: two un-enrolled devices can share a prefix
  (about 1 in 56 000 for 25 devices), which is why enrolment checks the device's prefix
  against the register and why assigned codes are preferred. (Four hex characters, 16 bits,
  would give a shared code about once in 14 offices of 100 devices: not enough.)
- NNNNN: a sequence per (programme, year, device code), kept in ``_sync_state`` and
  incremented inside the transaction that writes the voucher, so a rolled-back issue reuses
  its number and a committed one never does. It widens past 99999.

Two numbers made on different devices differ in DEVICE; two made on one device differ in
NNNNN (or in PROGRAMME/YYYY). The natural key of the vouchers table is the number, so
uniqueness is load-bearing: the sync engine would merge two vouchers with equal numbers.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata

from kenttä.services.vouchers.common import VoucherError

ASSIGNED_CODE = re.compile(r"^[0-9A-Z]{4}$")
NUMBER = re.compile(r"^([0-9A-Z]{1,12})-(\d{4})-([0-9A-Z]{4}|[0-9A-F]{6})-(\d{5,})$")
SEQUENCE_WIDTH = 5
FALLBACK_LENGTH = 6


def programme_prefix(programme: str) -> str:
    """``TOPI`` → ``TOPI``; ``VÄLKE`` → ``VALKE``; ``Valmennuksesta virtaa!`` → ``VALMENNUKSES``."""
    folded = unicodedata.normalize("NFKD", programme).encode("ascii", "ignore").decode()
    prefix = re.sub(r"[^0-9A-Z]", "", folded.upper())[:12]
    if not prefix:
        raise VoucherError(
            "the programme code has no letters or digits to number vouchers with",
            code="bad_programme",
        )
    return prefix


def fallback_device_code(device_id: str) -> str:
    code = device_id[:FALLBACK_LENGTH].upper()
    if not re.fullmatch(r"[0-9A-F]{6}", code):
        raise VoucherError("this device's id is not hexadecimal", code="bad_device")
    return code


def device_code(conn: sqlite3.Connection) -> str:
    """The central-assigned code when enrolled, else the device id's first 6 hex characters."""
    assigned = _state(conn, "device_code")
    if assigned is not None:
        if not ASSIGNED_CODE.fullmatch(assigned):
            raise VoucherError(
                "this device's code from the office is not 4 letters or digits",
                code="bad_device",
            )
        return assigned
    device_id = _state(conn, "device_id")
    if device_id is None:
        raise VoucherError("this database has no device id", code="bad_device")
    return fallback_device_code(device_id)


def format_number(prefix: str, year: int, code: str, seq: int) -> str:
    return f"{prefix}-{year:04d}-{code}-{seq:0{SEQUENCE_WIDTH}d}"


def parse_number(number: str) -> tuple[str, int, str, int]:
    """(prefix, year, device code, sequence); VoucherError when it is not a voucher number."""
    match = NUMBER.fullmatch(number.strip().upper())
    if match is None:
        raise VoucherError(f"not a voucher number: {number.strip()!r}", code="bad_number")
    prefix, year, code, seq = match.groups()
    return prefix, int(year), code, int(seq)


def sequence_key(prefix: str, year: int, code: str) -> str:
    return f"voucher_seq:{prefix}:{year:04d}:{code}"


def next_number(conn: sqlite3.Connection, programme: str, year: int) -> str:
    """Take the next number for this device; call inside the transaction that stores it.

    The stored sequence is also raised past any number of this device already present in
    the vouchers table, so a database restored from an old backup and re-synced does not
    hand out a number twice.
    """
    if not conn.in_transaction:
        raise VoucherError("a voucher number is taken only inside a transaction", code="internal")
    prefix = programme_prefix(programme)
    code = device_code(conn)
    key = sequence_key(prefix, year, code)
    current = int(_state(conn, key) or 0)
    stem = f"{prefix}-{year:04d}-{code}-"
    # Numbers of one stem sort by sequence while it has SEQUENCE_WIDTH digits.
    row = conn.execute(
        "SELECT max(number) FROM vouchers WHERE number >= ? AND number < ?",
        (stem, stem[:-1] + "."),  # '.' sorts right after '-'
    ).fetchone()
    if row and row[0]:
        tail = row[0][len(stem) :]
        if tail.isdigit():
            current = max(current, int(tail))
    seq = current + 1
    conn.execute(
        "INSERT INTO _sync_state (key, value) VALUES (?, ?)"
        " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, str(seq)),
    )
    return format_number(prefix, year, code, seq)


def _state(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM _sync_state WHERE key = ?", (key,)).fetchone()
    return None if row is None else row[0]
