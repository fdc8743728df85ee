"""The device's HTTP client (httpx): a `send(bytes) -> bytes` for `kenttä_sync.transport.protocol`.

* Requests carry `Authorization: Bearer <device id>.<secret>`; bodies are gzip-compressed
  and answers accepted gzip-compressed.
* Connection failures, timeouts, 429 and 5xx are retried with exponential backoff and
  jitter (`retries` times); every protocol request is safe to repeat (a push skips what was
  acknowledged, a pull is recognised by its cursor). When every try fails:
  `ServerUnreachable`, whose message names the server and the cause, never request data.
* 401/403 become `AuthError`; protocol error bodies (400/409) are handed back to the
  protocol layer, which raises `VersionMismatch` or `SyncError` with the server's words.

`sync_batches` pushes then pulls in batches, reporting progress; each batch is committed
before the next is asked for, so a cut sync resumes from the last acknowledged batch.
"""

from __future__ import annotations

import gzip
import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from kenttä_sync.device import state as device_side
from kenttä_sync.device.replica import LocalReplica
from kenttä_sync.ground.changes import PROTOCOL_VERSION
from kenttä_sync.ground.schema import SyncSchema
from kenttä_sync.transport import protocol


class ServerUnreachable(ConnectionError):
    """The server could not be reached (or kept failing) after every retry."""


class AuthError(PermissionError):
    """The server refused the device's credentials (401) or the device itself (403)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _detail(response: httpx.Response) -> str:
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        detail = None
    return str(detail)[:300] if detail else f"HTTP {response.status_code}"


class HttpTransport:
    """One server, one device; use as a context manager or call close()."""

    def __init__(
        self,
        url: str,
        device_id: str | None = None,
        secret: str | None = None,
        *,
        retries: int = 5,
        backoff: float = 0.5,
        max_backoff: float = 10.0,
        timeout: float = 60.0,
        verify: Any = True,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.url = url.rstrip("/")
        self.device_id = device_id
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.sleep = sleep
        self.bytes_sent = 0
        self.bytes_received = 0
        self.requests = 0
        headers = {"User-Agent": f"kentta-sync/{PROTOCOL_VERSION}", "Accept-Encoding": "gzip"}
        if device_id and secret:
            headers["Authorization"] = f"Bearer {device_id}.{secret}"
        self.client = httpx.Client(
            base_url=self.url, headers=headers, timeout=timeout, verify=verify, trust_env=False
        )

    def __enter__(self) -> HttpTransport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.client.close()

    # -- requests ---------------------------------------------------------------------------
    def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        last = "no attempt"
        for attempt in range(self.retries + 1):
            if attempt:
                delay = min(self.max_backoff, self.backoff * 2 ** (attempt - 1))
                self.sleep(delay * (0.5 + random.random() / 2))
            try:
                response = self.client.request(method, path, **kwargs)
            except httpx.TimeoutException:
                last = "the server did not answer in time"
                continue
            except httpx.TransportError as exc:
                if "CERTIFICATE_VERIFY_FAILED" in str(exc) or "WRONG_VERSION_NUMBER" in str(exc):
                    raise ServerUnreachable(
                        f"cannot reach the sync server at {self.url}: its TLS certificate is "
                        "not trusted here (enrol with the office's CA certificate) or it does "
                        "not speak https"
                    ) from None
                last = f"cannot connect ({type(exc).__name__})"
                continue
            self.requests += 1
            self.bytes_received += response.num_bytes_downloaded  # on the wire (compressed)
            if response.status_code == 429 or response.status_code >= 500:
                last = f"the server failed (HTTP {response.status_code})"
                continue
            if response.status_code in (401, 403):
                raise AuthError(response.status_code, _detail(response))
            return response
        raise ServerUnreachable(f"cannot reach the sync server at {self.url}: {last}")

    def send(self, data: bytes) -> bytes:
        """POST one protocol request; returns the protocol answer's bytes."""
        response = post_gzipped(self, "/v1/sync", data)
        if response.status_code not in (200, 400, 409):
            raise protocol.SyncError(f"the server answered {_detail(response)}")
        return response.content

    def status(self) -> dict[str, Any]:
        response = self._request("GET", "/v1/status")
        if response.status_code != 200:
            raise protocol.SyncError(f"the server answered {_detail(response)}")
        return response.json()

    def enroll(
        self, code: str, device_id: str, schema: SyncSchema, name: str | None = None,
        nonce: str | None = None,
    ) -> dict:  # fmt: skip
        """Exchange an enrolment code; returns {device_id, secret, role, scopes, …}.

        `nonce` (kenttä_sync.transport.server.recovery.new_nonce; keep it until the reply is kept): a
        retry with the same code and nonce, within 15 minutes, gets the same secret once if
        the first reply was lost (the retries here send it; so may a later call)."""
        body = {"code": code, "device_id": device_id, "name": name,
                "protocol_version": PROTOCOL_VERSION, "schema_name": schema.name,
                "schema_version": schema.version}  # fmt: skip
        if nonce is not None:
            body["nonce"] = nonce
        response = self._request("POST", "/v1/enroll", json=body)
        if response.status_code == 409:
            raise protocol.VersionMismatch(_detail(response))
        if response.status_code != 200:
            raise protocol.SyncError(f"enrolment refused: {_detail(response)}")
        return response.json()


def post_gzipped(transport: HttpTransport, path: str, data: bytes) -> httpx.Response:
    """POST `data` gzip-compressed to `path` (counted in `bytes_sent`), retried as the
    transport's `_request` retries; the answer whatever its status (401/403 raise)."""
    body = gzip.compress(data, compresslevel=5)
    transport.bytes_sent += len(body)
    return transport._request(
        "POST", path, content=body,
        headers={"Content-Encoding": "gzip", "Content-Type": "application/octet-stream"},
    )  # fmt: skip


def answer_data(response: httpx.Response, *, snapshot: bool = False) -> dict[str, Any]:
    """A piece's answer (JSON); an error answer is raised: `VersionMismatch` for "version",
    `SnapshotRequired` for "snapshot" where the route may ask for one (`snapshot`), else
    `SyncError` with the office's code and words."""
    data = json.loads(response.content)
    if data.get("kind") == "error":
        if data.get("code") == "version":
            raise protocol.VersionMismatch(str(data.get("message")))
        if snapshot and data.get("code") == "snapshot":
            raise protocol.SnapshotRequired(f"snapshot: {data.get('message')}")
        raise protocol.SyncError(f"{data.get('code')}: {data.get('message')}")
    return data


# -- a whole sync -----------------------------------------------------------------------------
@dataclass
class SyncSummary:
    pushed: int = 0
    pulled: int = 0
    conflicts: int = 0
    refused: int = 0
    batches: int = 0
    bytes_sent: int = 0
    bytes_received: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "pushed": self.pushed, "pulled": self.pulled, "conflicts": self.conflicts,
            "refused": self.refused, "batches": self.batches, "bytes_sent": self.bytes_sent,
            "bytes_received": self.bytes_received, "seconds": round(self.seconds, 3),
        }  # fmt: skip


Progress = Callable[[str, int, int], None]  # (phase "push"/"pull", done, total)


def _count(replica: LocalReplica, sql: str, params: tuple = ()) -> int:
    return int(replica.conn.execute(sql, params).fetchone()[0])


def sync_batches(
    replica: LocalReplica,
    transport: HttpTransport,
    limit: int = 1000,
    progress: Progress | None = None,
    head: int | None = None,
) -> SyncSummary:
    """Push every unacknowledged change, then pull everything new, batch by batch.

    `head` (the server's log head, from `status()`) sizes the pull progress."""
    started = time.monotonic()
    me = replica.device_id
    summary = SyncSummary()
    conflicts_before = _count(replica, "SELECT count(*) FROM _conflicts")
    refused_before = _count(replica, "SELECT count(*) FROM _rejected")
    seq_before = _count(replica, "SELECT COALESCE(MAX(seq), 0) FROM _changes")
    to_push = _count(
        replica, "SELECT count(*) FROM _changes WHERE device_id = ? AND device_seq > ?",
        (me, device_side.acked_seq(replica)),
    )  # fmt: skip
    sent0, recv0 = transport.bytes_sent, transport.bytes_received
    while True:
        n = protocol.push_once(replica, transport.send, limit)
        if not n:
            break
        summary.pushed += n
        summary.batches += 1
        if progress:
            progress("push", summary.pushed, max(to_push, summary.pushed))
    start_cursor = device_side.cursor(replica)
    while True:
        more = protocol.pull_once(replica, transport.send, limit)
        summary.batches += 1
        if progress and head is not None:
            done = device_side.cursor(replica) - start_cursor
            progress("pull", done, max(head - start_cursor, done))
        if not more:
            break
    summary.pulled = _count(
        replica, "SELECT count(*) FROM _changes WHERE seq > ? AND device_id <> ?",
        (seq_before, me),
    )  # fmt: skip
    summary.conflicts = _count(replica, "SELECT count(*) FROM _conflicts") - conflicts_before
    summary.refused = _count(replica, "SELECT count(*) FROM _rejected") - refused_before
    summary.bytes_sent = transport.bytes_sent - sent0
    summary.bytes_received = transport.bytes_received - recv0
    summary.seconds = time.monotonic() - started
    return summary
