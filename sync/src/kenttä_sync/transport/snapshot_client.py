"""The device's side of a first sync by snapshot over HTTP (`POST /v1/snapshot`,
server/snapshots.py).

`download` streams the office's answer (gzip-compressed JSON lines) to a spooled temporary
file (in memory up to `SPOOL` bytes, on disk beyond), retrying a cut download from the
start; `take_snapshot` then applies its pages in one local transaction
(`kenttä_sync.device.snapshot.apply_snapshot`, with the application's `BulkHook`) and the
cursor moves to the snapshot's position, so the ordinary pull continues from there.

`fresh(replica)`: a device that has never pulled and holds no replicated rows; such a
device takes a snapshot before its first pull (`resumable.sync_link`). A device whose
cursor lies before a compacted part of the office's log (`protocol.SnapshotRequired`)
takes one with `replace=True`, once the office has acknowledged all its own changes.
"""

from __future__ import annotations

import gzip
import json
import random
import tempfile
from typing import IO, TYPE_CHECKING

import httpx

from kenttä_sync.device import state as device_side
from kenttä_sync.device.snapshot import BulkHook, apply_snapshot, decode
from kenttä_sync.ground.changes import PROTOCOL_VERSION
from kenttä_sync.transport import protocol
from kenttä_sync.transport.client import AuthError, ServerUnreachable, _detail

if TYPE_CHECKING:
    from kenttä_sync.device.replica import LocalReplica
    from kenttä_sync.transport.client import HttpTransport

SPOOL = 8 * 1024 * 1024
FIRST_BYTE = 300.0  # seconds the office may take to write a large snapshot


class OldServer(RuntimeError):
    """The office server has no snapshot route (an older release)."""


def fresh(replica: LocalReplica) -> bool:
    """Never pulled, and no replicated row here (nothing of its own written yet)."""
    if device_side.cursor(replica):
        return False
    conn = replica.conn
    return not any(
        conn.execute(f"SELECT 1 FROM {t.name} LIMIT 1").fetchone() for t in replica.schema.tables
    )


def download(transport: HttpTransport, replica: LocalReplica, out: IO[bytes]) -> int:
    """Stream this device's snapshot into `out` (gzip JSON lines); returns its bytes."""
    request = {
        "protocol_version": PROTOCOL_VERSION, "kind": "snapshot",
        "schema_name": replica.schema.name, "schema_version": replica.schema.version,
        "device_id": replica.device_id,
    }  # fmt: skip
    body = gzip.compress(json.dumps(request).encode(), compresslevel=5)
    headers = {"Content-Encoding": "gzip", "Content-Type": "application/json"}
    last = "no attempt"
    for attempt in range(transport.retries + 1):
        if attempt:
            delay = min(transport.max_backoff, transport.backoff * 2 ** (attempt - 1))
            transport.sleep(delay * (0.5 + random.random() / 2))
        out.seek(0)
        out.truncate()
        try:
            transport.bytes_sent += len(body)
            with transport.client.stream(
                "POST", "/v1/snapshot", content=body, headers=headers, timeout=_patient(transport)
            ) as response:
                transport.requests += 1
                if response.status_code == 429 or response.status_code >= 500:
                    last = f"the server failed (HTTP {response.status_code})"
                    continue
                if response.status_code != 200:
                    response.read()
                    transport.bytes_received += response.num_bytes_downloaded
                    _refuse(response)
                size = 0
                for piece in response.iter_raw():
                    out.write(piece)
                    size += len(piece)
                transport.bytes_received += response.num_bytes_downloaded
        except httpx.TimeoutException:
            last = "the server did not answer in time"
            continue
        except httpx.TransportError as exc:
            last = f"the download was cut ({type(exc).__name__})"
            continue
        out.seek(0)
        return size
    raise ServerUnreachable(f"cannot fetch the snapshot from {transport.url}: {last}")


def _patient(transport: HttpTransport) -> httpx.Timeout:
    """The link's timeouts, but a read may wait `FIRST_BYTE` seconds: the office writes the
    whole snapshot (a consistent read) before the first byte goes."""
    t = transport.client.timeout
    return httpx.Timeout(
        connect=t.connect, read=max(t.read or 0.0, FIRST_BYTE), write=t.write, pool=t.pool
    )


def _refuse(response: httpx.Response) -> None:
    """A refusal in one line: the protocol's error (version, not enrolled…) or the status."""
    status = response.status_code
    if status in (404, 405):
        raise OldServer("the office server cannot send a snapshot")
    try:
        data = response.json()
    except ValueError:
        data = None
    if isinstance(data, dict) and data.get("kind") == "error":
        if data.get("code") == "version":
            raise protocol.VersionMismatch(str(data.get("message")))
        raise protocol.SyncError(f"{data.get('code')}: {data.get('message')}")
    if status in (401, 403):
        raise AuthError(status, _detail(response))
    raise protocol.SyncError(f"the server answered {_detail(response)}")


def take_snapshot(
    replica: LocalReplica,
    transport: HttpTransport,
    hook: BulkHook | None = None,
    replace: bool = False,
) -> int:
    """Download this device's snapshot and load it; returns the rows loaded."""
    with tempfile.SpooledTemporaryFile(max_size=SPOOL) as spool:
        download(transport, replica, spool)
        return apply_snapshot(replica, decode(spool), hook, replace=replace)  # type: ignore[arg-type]
