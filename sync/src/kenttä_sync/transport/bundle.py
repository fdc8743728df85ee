"""Sync by file: encrypted, authenticated bundles carried on a USB stick.

File format (integers big-endian):

    magic "KNTBNDL" · format version (1 byte) · kind (1 byte: 1 device → office, 2 office →
    device reply) · device id length (1) · device id · bundle id (16, a UUIDv7) ·
    seq_from (8) · seq_to (8) · cursor (8) · created (8, unix seconds) · key id (8) ·
    ciphertext length (8) · nonce (12) · ciphertext (AES-256-GCM, tag included)

The associated data is the whole header (everything before the ciphertext), so no header
field can be changed without the tag failing. The key is derived from the device secret
with HKDF-SHA256 (`server.enrolment.bundle_key`); the key id (first 8 bytes of
HMAC-SHA256(key, "key id")) tells a foreign bundle (another key) from a damaged one. The
plaintext is gzip-compressed JSON: a protocol `PushRequest` (kind 1: the device's
unacknowledged changes seq_from..seq_to, and the cursor it has pulled to), or a
`ReplyBundle` (kind 2: the office's acknowledgement and refusals, and every change in the
device's scopes after that cursor).

Refusals (each with a one-line reason, each changing nothing): not a bundle, another
format version, truncated, tampered or damaged, foreign (another key or another device),
not enrolled or revoked, replayed (the bundle id was imported before: the office keeps
ids in `_bundles_seen`, the device in `_sync_state` 'bundle_replies_seen'), the wrong kind,
or another protocol/schema version. Bundles carry every unacknowledged change each time,
so they may be imported in any order: what an older bundle holds is already acknowledged.
"""

from __future__ import annotations

import gzip
import hashlib
import hmac
import json
import os
import struct
import time
import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import Field, ValidationError

from kenttä_sync.central import compaction as central_compaction
from kenttä_sync.central.store import CentralStore
from kenttä_sync.device import state as device_side
from kenttä_sync.device.replica import LocalReplica
from kenttä_sync.ground.changes import PROTOCOL_VERSION, Change
from kenttä_sync.ground.ids import uuid7
from kenttä_sync.transport import protocol
from kenttä_sync.transport.server import enrolment

MAGIC = b"KNTBNDL"
FORMAT_VERSION = 1
TO_OFFICE, TO_DEVICE = 1, 2
_FIXED = struct.Struct(">16sQQQQ8sQ12s")  # bundle id … nonce
_SEEN_KEY = "bundle_replies_seen"
_MAX_PLAIN = 2 * 1024 * 1024 * 1024


class BundleError(ValueError):
    """A bundle that is refused; the message says why in one line."""


class ReplyBundle(protocol.Message):
    kind: Literal["bundle_reply"] = "bundle_reply"
    device_id: str
    in_reply_to: str
    acked_seq: int
    rejected: list[protocol.Rejection] = Field(default_factory=list)
    changes: list[Change]
    cursor_from: int
    cursor: int
    counters: dict | None = None  # kenttä_sync.counters.exchange's answer (grants, requests)


@dataclass(frozen=True)
class Header:
    kind: int
    device_id: str
    bundle_id: str
    seq_from: int
    seq_to: int
    cursor: int
    created: int
    key_id: bytes
    length: int
    nonce: bytes
    size: int  # header bytes


def key_id(key: bytes) -> bytes:
    return hmac.new(key, "kenttä-sync key id".encode(), hashlib.sha256).digest()[:8]


def pack(
    kind: int, device_id: str, key: bytes, payload: bytes, seq_from: int, seq_to: int, cursor: int
) -> tuple[str, bytes]:
    """(bundle id, file bytes)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    bundle_id = uuid7()
    dev = device_id.encode()
    plain = gzip.compress(payload, compresslevel=6)
    nonce = os.urandom(12)
    length = len(plain) + 16
    header = (
        MAGIC + bytes([FORMAT_VERSION, kind, len(dev)]) + dev
        + _FIXED.pack(uuid.UUID(bundle_id).bytes, seq_from, seq_to, cursor, int(time.time()),
                      key_id(key), length, nonce)
    )  # fmt: skip
    return bundle_id, header + AESGCM(key).encrypt(nonce, plain, header)


def read_header(data: bytes) -> Header:
    if len(data) < len(MAGIC) + 3 or not data.startswith(MAGIC):
        raise BundleError("not a kenttä sync bundle")
    version, kind, dev_len = data[len(MAGIC)], data[len(MAGIC) + 1], data[len(MAGIC) + 2]
    if version != FORMAT_VERSION:
        raise BundleError(
            f"bundle format version {version}; this release reads version {FORMAT_VERSION}"
        )
    if kind not in (TO_OFFICE, TO_DEVICE):
        raise BundleError("unknown bundle kind (damaged?)")
    start = len(MAGIC) + 3
    size = start + dev_len + _FIXED.size
    if len(data) < size:
        raise BundleError(f"truncated: the header is incomplete ({len(data)} bytes)")
    device_id = data[start : start + dev_len].decode("ascii", errors="replace")
    raw_id, seq_from, seq_to, cursor, created, kid, length, nonce = _FIXED.unpack(
        data[start + dev_len : size]
    )
    if len(data) < size + length:
        raise BundleError(f"truncated: {len(data) - size} of {length} encrypted bytes present")
    if len(data) > size + length:
        raise BundleError("damaged: extra bytes after the encrypted payload")
    return Header(
        kind, device_id, str(uuid.UUID(bytes=raw_id)), seq_from, seq_to, cursor, created,
        kid, length, nonce, size,
    )  # fmt: skip


def unpack(data: bytes, key: bytes, header: Header | None = None) -> tuple[Header, bytes]:
    """Check and decrypt; (header, payload bytes)."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    header = header or read_header(data)
    if not hmac.compare_digest(header.key_id, key_id(key)):
        raise BundleError("foreign: the bundle was not made with this device's key")
    try:
        plain = AESGCM(key).decrypt(header.nonce, data[header.size :], data[: header.size])
    except InvalidTag:
        raise BundleError("tampered or damaged: the bundle fails its authentication") from None
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        payload = inflater.decompress(plain, _MAX_PLAIN)
    except zlib.error:
        raise BundleError("damaged: the payload does not decompress") from None
    if not inflater.eof or inflater.unconsumed_tail:
        raise BundleError("damaged: the payload is incomplete or too large")
    return header, payload


def _kind_name(kind: int) -> str:
    return "a device's bundle for the office" if kind == TO_OFFICE else "an office reply"


# -- the device side ------------------------------------------------------------------------
def export_bundle(
    replica: LocalReplica, key: bytes, counters: dict | None = None
) -> tuple[Header, bytes]:
    """Every unacknowledged change of this device as one bundle (nothing is marked sent:
    the changes stay pending until a reply or an HTTP sync acknowledges them). `counters`:
    the device's counter exchange ({acks, returns}, see kenttä_sync.counters.bounded), if any."""
    acked = device_side.acked_seq(replica)
    waiting = replica.conn.execute(
        "SELECT count(*) FROM _changes WHERE device_id = ? AND device_seq > ?",
        (replica.device_id, acked),
    ).fetchone()[0]
    changes = device_side.pending(replica, int(waiting) + 1)
    request = protocol.PushRequest(
        schema_name=replica.schema.name, schema_version=replica.schema.version,
        device_id=replica.device_id, changes=changes,
    )  # fmt: skip
    seq_to = changes[-1].device_seq if changes else acked
    payload = request.model_dump_json().encode()
    if counters is not None:  # an extra key of the push object (the push ignores it)
        payload = payload[:-1] + b',"counters":' + json.dumps(counters).encode() + b"}"
    _, data = pack(
        TO_OFFICE, replica.device_id, key, payload,
        acked + 1, seq_to, device_side.cursor(replica),
    )  # fmt: skip
    return read_header(data), data


@dataclass
class ReplyResult:
    bundle_id: str
    acked_seq: int
    pulled: int
    refused: int
    counters: dict | None = None


def import_reply(
    replica: LocalReplica,
    key: bytes,
    data: bytes,
    on_counters: Callable[[dict], object] | None = None,
) -> ReplyResult:
    """Apply an office reply on the device, whole or not at all. `on_counters` is called
    with the reply's counter answer inside the same transaction."""
    header = read_header(data)
    if header.kind != TO_DEVICE:
        raise BundleError(f"this is {_kind_name(header.kind)}: import it at the office")
    if header.device_id != replica.device_id:
        raise BundleError("foreign: the reply is for another device")
    _, payload = unpack(data, key, header)
    try:
        reply = ReplyBundle.model_validate_json(payload)
    except ValidationError:
        raise BundleError("damaged: the reply's content is not understood") from None
    if reply.protocol_version != PROTOCOL_VERSION or (
        reply.schema_name, reply.schema_version) != (replica.schema.name, replica.schema.version
    ):  # fmt: skip
        raise BundleError(
            f"the reply is for protocol {reply.protocol_version}, schema {reply.schema_name} "
            f"version {reply.schema_version}; this device needs protocol {PROTOCOL_VERSION}, "
            f"schema {replica.schema.name} version {replica.schema.version}"
        )
    seen = json.loads(replica.state(_SEEN_KEY) or "[]")
    if header.bundle_id in seen:
        raise BundleError("replayed: this reply was imported before")
    if device_side.cursor(replica) < reply.cursor_from:
        raise BundleError("this reply continues a later exchange: import the earlier reply first")
    before = int(replica.conn.execute("SELECT count(*) FROM _rejected").fetchone()[0])
    with replica.db.transaction():
        device_side.record_push(
            replica, reply.acked_seq, [(r.change_id, r.tx_id, r.reason) for r in reply.rejected]
        )
        pulled = device_side.apply_pull(replica, reply.changes, reply.cursor)
        if on_counters is not None and reply.counters is not None:
            on_counters(reply.counters)
        replica.set_state(_SEEN_KEY, json.dumps([*seen, header.bundle_id][-500:]))
    after = int(replica.conn.execute("SELECT count(*) FROM _rejected").fetchone()[0])
    return ReplyResult(header.bundle_id, reply.acked_seq, pulled, after - before, reply.counters)


# -- the office side ------------------------------------------------------------------------
@dataclass
class ImportResult:
    bundle_id: str
    device_id: str
    changes: int
    applied: int
    acked_seq: int
    rejected: list[protocol.Rejection]
    reply: bytes | None = None
    reply_changes: int = 0
    counters: dict | None = None


def import_bundle(
    central: CentralStore, data: bytes, reply: bool = False,
    counter_report: Callable[[Any], Any] | None = None,
) -> ImportResult:  # fmt: skip
    """Apply a device's bundle at the office, whole or not at all; optionally make a reply.
    The bundle's counter exchange runs with the device's enrolled role (orders only from a
    supervisor's device, whose answer carries `counter_report`'s snapshot)."""
    header = read_header(data)
    if header.kind != TO_OFFICE:
        raise BundleError(f"this is {_kind_name(header.kind)}: import it with `sync import`")
    key = enrolment.stored_bundle_key(central, header.device_id)
    if key is None:
        raise BundleError("foreign: the bundle's device is not enrolled with this store")
    _, payload = unpack(data, key, header)
    auth = enrolment.device(central, header.device_id)
    if auth is None or auth.revoked_at is not None:
        raise BundleError("the bundle's device is revoked: its bundles are refused")
    try:
        content = json.loads(payload)
        claimed, kind = content.get("device_id"), content.get("kind")
        request_changes = len(content.get("changes") or [])
        counter_request = content.get("counters") or {}
    except (ValueError, AttributeError, TypeError):
        raise BundleError("damaged: the bundle's content is not understood") from None
    del content
    if kind != "push":
        raise BundleError("damaged: the bundle's content is not a push")
    if claimed != header.device_id:
        raise BundleError("foreign: the content is for another device")
    with central.db.transaction():
        if enrolment.bundle_seen(central, header.bundle_id):
            raise BundleError("replayed: this bundle was imported before; nothing changed")
        enrolment.remember_bundle(
            central, header.bundle_id, header.device_id, header.seq_from, header.seq_to
        )
        with enrolment.role_checked(central, auth.role):
            raw = protocol.handle(central, payload)
        if json.loads(raw).get("kind") == "error":
            raise BundleError(protocol.ErrorResponse.model_validate_json(raw).message)
        answer = protocol.PushResponse.model_validate_json(raw)
    central_compaction.after_push(central.db, central.schema, [])  # an erasure it applied
    result = ImportResult(
        header.bundle_id, header.device_id, request_changes, answer.applied, answer.acked_seq,
        answer.rejected,
    )  # fmt: skip
    result.counters = _counter_exchange(
        central, header.device_id, counter_request, auth.role, counter_report
    )
    if reply:
        result.reply, result.reply_changes = make_reply(
            central, header, key, answer, result.counters
        )
    return result


def _counter_exchange(
    central: CentralStore, device_id: str, request: object, role: str | None = None,
    report: Callable[[Any], Any] | None = None,
) -> dict | None:  # fmt: skip
    """The bundle's counter exchange (after its changes; idempotent, so a failure here
    leaves the changes applied and the counters for the next bundle or sync)."""
    from kenttä_sync import counters

    if not isinstance(request, dict):
        return None
    try:
        return counters.exchange(
            central.db, device_id, request, time.strftime("%Y-%m-%d", time.gmtime()),
            role=role, report=report,
        )  # fmt: skip
    except counters.CounterError:
        return None


def make_reply(
    central: CentralStore,
    header: Header,
    key: bytes,
    answer: protocol.PushResponse,
    counters: dict | None = None,
) -> tuple[bytes, int]:
    """Everything the device should receive after `header.cursor`, as a reply bundle."""
    changes: list[Change] = []
    cursor = header.cursor
    auth = enrolment.device(central, header.device_id)
    with enrolment.role_checked(central, auth.role if auth else ""):  # the role's policy
        while True:
            batch, cursor, more = central.pull(header.device_id, cursor, 10_000)
            changes += batch
            if not more:
                break
    schema = central.schema
    reply = ReplyBundle(
        schema_name=schema.name, schema_version=schema.version, device_id=header.device_id,
        in_reply_to=header.bundle_id, acked_seq=answer.acked_seq, rejected=answer.rejected,
        changes=changes, cursor_from=header.cursor, cursor=cursor, counters=counters,
    )  # fmt: skip
    _, data = pack(
        TO_DEVICE, header.device_id, key, reply.model_dump_json().encode(),
        header.seq_from, answer.acked_seq, cursor,
    )  # fmt: skip
    return data, len(changes)
