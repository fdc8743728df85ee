"""Enrolment, device credentials, roles, revocation and bundle bookkeeping, kept in the
central store (the server holds no state of its own between requests).

Tables (created here with this module's own DDL over the central store's `Db`):

* `_enrol_codes`: one-time enrolment codes. Only a SHA-256 hash of the code is stored, with
  the scopes and role it grants and its expiry; redeeming it is one conditional UPDATE, so
  two devices racing for one code cannot both win. A device id is bound to one credential
  for ever: a code redeemed with a device id the store already knows is refused (and stays
  unspent). A lost enrolment reply is recoverable: the device sends a random `nonce` with
  the redeem (only its hash is kept, with a random `salt`; the secret is
  HMAC-SHA256(salt, nonce)), and the same code, device id and nonce may fetch the same
  secret again once, within `recovery.RETRY_SECONDS` of the redeem. Anyone else replaying the code
  (another device id, or without the nonce) is refused like a used code.
* `_device_auth`: per device, a hash of its secret (`secret_hash`; the secret itself is
  never stored centrally), the bundle key derived from the secret (HKDF; bundles are
  symmetric, so the office must hold the key: anyone with the central database can make
  bundles for the device, but cannot authenticate as it over HTTP), role, enrolment and
  revocation times.
* `_bundles_seen`: ids of imported bundles (replay detection), with the device and range.

Secrets are 32 random bytes, URL-safe base64. A device authenticates with
`Authorization: Bearer <device id>.<secret>` (use TLS outside the office LAN).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from kenttä_sync.central.store import CentralStore
from kenttä_sync.transport.server import recovery

ROLES = ("coach", "coordinator", "supervisor")
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
CODE_TTL_SECONDS = 7 * 24 * 3600

DDL = """
CREATE TABLE IF NOT EXISTS _enrol_codes (
  code_hash TEXT PRIMARY KEY, scopes TEXT NOT NULL, role TEXT NOT NULL,
  created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL,
  used_at BIGINT, device_id TEXT, nonce_hash TEXT, salt TEXT, retried_at BIGINT
);
CREATE TABLE IF NOT EXISTS _device_auth (
  device_id TEXT PRIMARY KEY, secret_hash TEXT NOT NULL, bundle_key TEXT NOT NULL,
  role TEXT NOT NULL, name TEXT, enrolled_at BIGINT NOT NULL, revoked_at BIGINT
);
CREATE TABLE IF NOT EXISTS _bundles_seen (
  bundle_id TEXT PRIMARY KEY, device_id TEXT NOT NULL, seq_from BIGINT NOT NULL,
  seq_to BIGINT NOT NULL, imported_at BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS _device_codes (
  device_id TEXT PRIMARY KEY, code TEXT NOT NULL UNIQUE
)
"""
DEVICE_CODE_LENGTH = 4  # short, readable, unique per store: voucher numbers carry it


class EnrolmentError(PermissionError):
    """A code that is unknown, used or expired (one message for all three)."""


class DeviceIdTaken(EnrolmentError):
    """A redeem naming a device id the store already knows (its credential is never
    replaced; a laptop whose enrolment was revoked needs a new device id)."""


class Unauthenticated(PermissionError):
    """No credentials, malformed ones, an unknown device or a wrong secret (HTTP 401)."""


class Revoked(PermissionError):
    """A device whose enrolment was revoked (HTTP 403)."""


@dataclass(frozen=True)
class DeviceAuth:
    device_id: str
    role: str
    scopes: tuple[str, ...]
    name: str | None
    enrolled_at: int
    revoked_at: int | None
    acked_seq: int = 0
    cursor: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "device_id": self.device_id,
            "role": self.role,
            "scopes": list(self.scopes),
            "name": self.name,
            "enrolled_at": self.enrolled_at,
            "revoked_at": self.revoked_at,
            "acked_seq": self.acked_seq,
            "cursor": self.cursor,
        }


def install(central: CentralStore) -> None:
    from kenttä_sync import counters

    with central.db.transaction():
        central.db.script(DDL)
        recovery.add_columns(central)
    counters.install(central.db)


def assign_device_code(central: CentralStore, device_id: str) -> str:
    """The device's short code (kept across re-enrolment; unique in the store, from
    CODE_ALPHABET, so no 0/O or 1/I/L). Call inside the enrolment transaction."""
    for _ in range(1000):  # ON CONFLICT covers both keys: a code already taken tries again
        found = device_code(central, device_id)
        if found is not None:
            return found
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(DEVICE_CODE_LENGTH))
        central.db.execute(
            "INSERT INTO _device_codes (device_id, code) VALUES (?, ?) ON CONFLICT DO NOTHING",
            (device_id, code),
        )
    raise EnrolmentError("no free device code is left in this store")


def device_code(central: CentralStore, device_id: str) -> str | None:
    rows = central.db.execute("SELECT code FROM _device_codes WHERE device_id = ?", (device_id,))
    return str(rows[0][0]) if rows else None


def _now() -> int:
    return int(time.time())


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def secret_hash(secret: str) -> str:
    return _hash("kenttä-sync auth v1\x1f" + secret)


def bundle_key(secret: str, device_id: str) -> bytes:
    """The AES-256 key for this device's bundles, derived from its secret (HKDF-SHA256)."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt="kenttä-sync bundle v1".encode(),
        info=device_id.encode(),
    ).derive(secret.encode())  # fmt: skip


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def new_code(
    central: CentralStore, scopes: Iterable[str], role: str, ttl: int = CODE_TTL_SECONDS
) -> str:
    """A one-time enrolment code granting `scopes` and `role` (shown once, stored hashed)."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r} (roles: {', '.join(ROLES)})")
    wanted = sorted({s.strip() for s in scopes if s.strip()})
    if not wanted:
        raise ValueError("give at least one scope")
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(15))
    now = _now()
    with central.db.transaction():
        central.db.execute(
            "INSERT INTO _enrol_codes (code_hash, scopes, role, created_at, expires_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (_hash(raw), json.dumps(wanted), role, now, now + ttl),
        )
    return "-".join(raw[i : i + 5] for i in range(0, 15, 5))


def redeem(
    central: CentralStore, code: str, device_id: str, name: str | None = None,
    nonce: str | None = None,
) -> tuple[str, DeviceAuth]:  # fmt: skip
    """Exchange a code for a new device secret; registers the device's scopes.

    `nonce`: the device's random value (32–128 URL-safe characters); the same code, device
    id and nonce get the same secret again once within RETRY_SECONDS (a lost reply)."""
    if not device_id or len(device_id) > 64 or not device_id.isascii() or "." in device_id:
        raise EnrolmentError("invalid device id")
    if nonce is not None and not recovery.NONCE_PATTERN.fullmatch(nonce):
        raise EnrolmentError("invalid enrolment nonce (32–128 URL-safe characters)")
    now = _now()
    with central.db.transaction():
        central.db.execute(  # a finished window needs no salt any more
            "UPDATE _enrol_codes SET salt = NULL WHERE salt IS NOT NULL AND used_at < ?",
            (now - recovery.RETRY_SECONDS,),
        )
        again = _retried(central, code, device_id, nonce, now)
        if again is not None:
            return again, _device_or_fail(central, device_id)
        salt = secrets.token_hex(32) if nonce is not None else None
        rows = central.db.execute(
            "UPDATE _enrol_codes SET used_at = ?, device_id = ?, nonce_hash = ?, salt = ?"
            " WHERE code_hash = ? AND used_at IS NULL AND expires_at > ?"
            " RETURNING scopes, role",
            (now, device_id, None if nonce is None else recovery.nonce_hash(nonce), salt,
             _hash(normalise_code(code)), now),
        )  # fmt: skip
        if not rows:
            raise EnrolmentError("the enrolment code is unknown, already used or expired")
        scopes, role = json.loads(rows[0][0]), rows[0][1]
        if central.db.execute("SELECT 1 FROM _devices WHERE device_id = ?", (device_id,)):
            raise DeviceIdTaken(_TAKEN)  # the transaction rolls back: the code stays unspent
        secret = recovery.new_secret(salt, nonce)
        made = central.db.execute(
            "INSERT INTO _device_auth (device_id, secret_hash, bundle_key, role, name,"
            " enrolled_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (device_id) DO NOTHING"
            " RETURNING device_id",
            (device_id, secret_hash(secret), bundle_key(secret, device_id).hex(), role, name, now),
        )
        if not made:
            raise DeviceIdTaken(_TAKEN)
        central.register_device(device_id, scopes, name)
        assign_device_code(central, device_id)
    return secret, _device_or_fail(central, device_id)


_TAKEN = (
    "this device id is already enrolled at the office; an enrolment is never moved to "
    "another credential (a laptop whose enrolment was revoked needs a new device id)"
)


def _retried(
    central: CentralStore, code: str, device_id: str, nonce: str | None, now: int
) -> str | None:
    """The secret of an enrolment this device (same code, id and nonce) finished within
    RETRY_SECONDS and has not fetched again yet, if its credential still stands."""
    if nonce is None:
        return None
    secret = recovery.fetch_again(central, _hash(normalise_code(code)), device_id, nonce, now)
    if secret is None:
        return None
    auth = central.db.execute(
        "SELECT secret_hash FROM _device_auth WHERE device_id = ? AND revoked_at IS NULL",
        (device_id,),
    )
    if not auth or not hmac.compare_digest(str(auth[0][0]), secret_hash(secret)):
        return None
    return secret


def _device_or_fail(central: CentralStore, device_id: str) -> DeviceAuth:
    found = device(central, device_id)
    if found is None:
        raise EnrolmentError("the enrolment code is unknown, already used or expired")
    return found


def device(central: CentralStore, device_id: str) -> DeviceAuth | None:
    rows = central.db.execute(
        "SELECT a.device_id, a.role, d.scopes, a.name, a.enrolled_at, a.revoked_at,"
        " d.acked_seq, d.cursor FROM _device_auth a JOIN _devices d"
        " ON d.device_id = a.device_id WHERE a.device_id = ?",
        (device_id,),
    )
    return _device_row(rows[0]) if rows else None


def _device_row(row: tuple) -> DeviceAuth:
    d, role, scopes, name, enrolled, revoked, acked, cursor = row
    return DeviceAuth(
        d, role, tuple(json.loads(scopes)), name, int(enrolled),
        None if revoked is None else int(revoked), int(acked), int(cursor),
    )  # fmt: skip


def devices(central: CentralStore) -> list[DeviceAuth]:
    rows = central.db.execute(
        "SELECT a.device_id, a.role, d.scopes, a.name, a.enrolled_at, a.revoked_at,"
        " d.acked_seq, d.cursor FROM _device_auth a JOIN _devices d"
        " ON d.device_id = a.device_id"
    )
    return sorted((_device_row(r) for r in rows), key=lambda d: (d.enrolled_at, d.device_id))


def revoke(central: CentralStore, device_id: str) -> bool:
    """Refuse the device from now on (what it already sent stays); False if unknown."""
    with central.db.transaction():
        rows = central.db.execute(
            "UPDATE _device_auth SET revoked_at = ? WHERE device_id = ? AND revoked_at IS NULL"
            " RETURNING device_id",
            (_now(), device_id),
        )
        if rows:
            return True
        return bool(
            central.db.execute("SELECT 1 FROM _device_auth WHERE device_id = ?", (device_id,))
        )


def authenticate(central: CentralStore, authorization: str | None) -> DeviceAuth:
    """The device an `Authorization: Bearer <device>.<secret>` header proves to be."""
    if not authorization or not authorization.startswith("Bearer "):
        raise Unauthenticated("missing bearer credentials")
    token = authorization[len("Bearer ") :].strip()
    device_id, _, secret = token.partition(".")
    if not device_id or not secret or len(token) > 200:
        raise Unauthenticated("malformed credentials")
    rows = central.db.execute(
        "SELECT secret_hash, revoked_at FROM _device_auth WHERE device_id = ?", (device_id,)
    )
    expected = rows[0][0] if rows else secret_hash("")
    if not hmac.compare_digest(expected, secret_hash(secret)) or not rows:
        raise Unauthenticated("unknown device or wrong secret")
    if rows[0][1] is not None:
        raise Revoked("this device's enrolment was revoked: ask the office to enrol it again")
    found = device(central, device_id)
    if found is None:
        raise Unauthenticated("unknown device or wrong secret")
    return found


# -- what a device's role may push ------------------------------------------------------------
# Ops only a supervisor's device may push: resolving a conflict (choosing the value everyone
# keeps) and erasing a person. Every role may insert, update and delete within its scopes.
ROLE_OPS: dict[str, frozenset[str]] = {
    "resolve": frozenset({"supervisor"}),
    "erase": frozenset({"supervisor"}),
}


def role_refusal(role: str, op: str) -> str | None:
    """Why a device enrolled as `role` may not push a change with `op` (None: it may)."""
    allowed = ROLE_OPS.get(str(op))
    if allowed is None or role in allowed:
        return None
    return f"a {role}'s device may not push {op} changes (only a supervisor's may)"


@contextmanager
def role_checked(central: CentralStore, role: str) -> Iterator[None]:
    """Within the block, the store refuses the changes `role` may not push, per transaction
    and reported like an out-of-scope write (the device's `_rejected`); the rest applies.

    The store's per-change check is wrapped for this borrowed store only and restored after,
    so a pooled store never keeps another device's role. The store's `role` is set for the
    block too: pushes and pulls follow the schema's policy for it (kenttä_sync.ground.policy)."""
    previous, central.role = central.role, role
    if role == "supervisor":
        try:
            yield
        finally:
            central.role = previous
        return
    base = central._check

    def check(change: Any, *args: Any) -> str | None:
        return role_refusal(role, change.op) or base(change, *args)

    central._check = check  # type: ignore[method-assign]
    try:
        yield
    finally:
        del central._check
        central.role = previous


def stored_bundle_key(central: CentralStore, device_id: str) -> bytes | None:
    rows = central.db.execute(
        "SELECT bundle_key FROM _device_auth WHERE device_id = ?", (device_id,)
    )
    return bytes.fromhex(rows[0][0]) if rows else None


def bundle_seen(central: CentralStore, bundle_id: str) -> bool:
    return bool(central.db.execute("SELECT 1 FROM _bundles_seen WHERE bundle_id = ?", (bundle_id,)))


def remember_bundle(
    central: CentralStore, bundle_id: str, device_id: str, seq_from: int, seq_to: int
) -> None:
    """Record an imported bundle (call inside the transaction that applies it)."""
    central.db.execute(
        "INSERT INTO _bundles_seen (bundle_id, device_id, seq_from, seq_to, imported_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (bundle_id, device_id, seq_from, seq_to, _now()),
    )
