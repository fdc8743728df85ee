"""Recovering a lost enrolment reply (see enrolment.py): the device's nonce, the secret
derived from it, and the one fetch-again within RETRY_SECONDS.

The device sends a random nonce with its first redeem. The store keeps the nonce's hash and
a random salt in the code's row; the secret is HMAC-SHA256(salt, nonce), so the store never
holds the secret itself, and only a holder of the nonce can make it again. Once fetched
again, or once the window is over, the salt is cleared and the secret cannot be made from
the store any more.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kenttä_sync.central.store import CentralStore

RETRY_SECONDS = 15 * 60  # a lost enrolment reply may be fetched again this long, once
NONCE_PATTERN = re.compile(r"[A-Za-z0-9_-]{32,128}")
LATER_COLUMNS = {"nonce_hash": "TEXT", "salt": "TEXT", "retried_at": "BIGINT"}


def new_nonce() -> str:
    """A device's enrolment nonce (43 URL-safe characters, 256 random bits)."""
    return secrets.token_urlsafe(32)


def nonce_hash(nonce: str) -> str:
    return hashlib.sha256(("kenttä-sync enrol nonce v1\x1f" + nonce).encode()).hexdigest()


def new_secret(salt: str | None, nonce: str | None) -> str:
    """A device secret: random, or HMAC-SHA256(salt, nonce) when the device sent a nonce."""
    if salt is None or nonce is None:
        return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")
    mac = hmac.new(bytes.fromhex(salt), b"kentta-sync enrol v1\x1f" + nonce.encode(), "sha256")
    return base64.urlsafe_b64encode(mac.digest()).decode().rstrip("=")


def fetch_again(
    central: CentralStore, code_hash: str, device_id: str, nonce: str, now: int
) -> str | None:
    """The secret of the code's redeem by `device_id` with `nonce`, if that was within
    RETRY_SECONDS and not fetched again yet (marked fetched: call inside the redeem's
    transaction, which rolls it back if the redeem then fails)."""
    where = (
        " WHERE code_hash = ? AND used_at IS NOT NULL AND used_at >= ? AND retried_at IS NULL"
        " AND device_id = ? AND nonce_hash = ? AND salt IS NOT NULL"
    )
    params = (code_hash, now - RETRY_SECONDS, device_id, nonce_hash(nonce))
    found = central.db.execute("SELECT salt FROM _enrol_codes" + where, params)
    if not found:
        return None
    won = central.db.execute(  # two retries at once: one wins
        "UPDATE _enrol_codes SET retried_at = ?, salt = NULL" + where + " RETURNING code_hash",
        (now, *params),
    )
    return new_secret(str(found[0][0]), nonce) if won else None


def add_columns(central: CentralStore, table: str = "_enrol_codes") -> None:
    """The columns this module added to `_enrol_codes` (an older store gets them)."""
    if central.db.kind == "postgres":
        for name, kind in LATER_COLUMNS.items():
            central.db.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {name} {kind}")
        return
    have = {str(r[1]) for r in central.db.execute(f"PRAGMA table_info({table})")}
    for name, kind in LATER_COLUMNS.items():
        if name not in have:
            central.db.execute(f"ALTER TABLE {table} ADD COLUMN {name} {kind}")
