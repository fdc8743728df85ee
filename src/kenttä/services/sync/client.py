"""The app's side of syncing with the office: enrolment, `kenttä sync`, bundles.

What is kept in the local `_sync_state` (key → value):

* `server_url`, `device_secret` (SECRET: it authenticates this laptop to the office and
  keys its bundles; it lives only in the local database, which may be encrypted),
  `enrolled_role`, `enrolled_scopes` (JSON list), `enrolled_at` (ISO time).
* `enrol_nonce`: while an enrolment is under way, the random value sent with it; if the
  reply was lost, `kenttä enroll` again with the same code (within 15 minutes) fetches the
  same credential with it. Removed once the enrolment is kept.
* `server_urls` (JSON list): the office's other URLs, when its enrolment answer names them.
  A sync tries, in order, the `server_url` setting of config.toml (one URL or a list), the
  URL enrolled with, then the office's list; a URL that is down is left for the next.
* `last_sync` (ISO time of the last successful sync), `last_sync_summary` (JSON: pushed,
  pulled, conflicts, refused, waiting, staged, retries, batches, bytes, seconds),
  `last_summary` (the same in one line), `last_error` (the reason the last sync failed,
  cleared by a successful one).
* `push_from`, `pull_from`: where an unfinished sync started (kenttä_sync.transport.resumable), so
  progress counts the whole sync across runs.
* `push_staged` ("tx_id last"): how much of a large transaction the office said it holds;
  `pull_staged` and `pull_piece.<offset>`: the pieces of a large pull received so far
  (kenttä_sync.transport.large_push / chunked_pull), so the next run goes on from there.

Writes the office refused (outside this device's scopes, unknown rows, …) stay in the
local database and are listed by `refused()` with the office's reason, never dropped.
Syncing commits each batch in its own short transaction, so work on the laptop goes on
while a sync runs; the network never holds a database lock. An erasure that arrives (over
HTTP or in a reply bundle) is finished as a local one is (`erasure.compact_after_erasures`):
drafts about the person dropped, the FTS indexes optimised, the WAL truncated, the file
vacuumed.
"""

from __future__ import annotations

import json
import os
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kenttä_sync.transport import (
    HttpTransport,
    LinkSummary,
    LinkTransport,
    Progress,
    RetryNotice,
    SyncSummary,
    sync_link,
    urls_of,
    waiting,
)
from kenttä_sync.transport import bundle as bundles
from kenttä_sync.transport.chunked_pull import Riding
from kenttä_sync.transport.server.enrolment import bundle_key
from kenttä_sync.transport.server.recovery import new_nonce

from kenttä.services.context import Workspace
from kenttä.services.privacy import erasure
from kenttä.services.vouchers.budgets import sync as budget_sync
from kenttä.store.files import open_private
from kenttä.store.fts import SnapshotHook
from kenttä.store.schema import SCHEMA


class NotEnrolledHere(RuntimeError):
    """This laptop has not been enrolled with an office server."""


@dataclass(frozen=True)
class Enrolment:
    server_url: str
    device_id: str
    secret: str
    role: str
    scopes: tuple[str, ...]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _state(ws: Workspace, key: str) -> str | None:
    return ws.store.replica.state(key)


def _set_states(ws: Workspace, values: dict[str, str | None]) -> None:
    replica = ws.store.replica
    with replica.db.transaction():
        for key, value in values.items():
            if value is None:
                replica.conn.execute("DELETE FROM _sync_state WHERE key = ?", (key,))
            else:
                replica.set_state(key, value)


def enrolment(ws: Workspace) -> Enrolment | None:
    url, secret = _state(ws, "server_url"), _state(ws, "device_secret")
    if not url or not secret:
        return None
    return Enrolment(
        url, ws.device_id, secret, _state(ws, "enrolled_role") or "",
        tuple(json.loads(_state(ws, "enrolled_scopes") or "[]")),
    )  # fmt: skip


def require_enrolment(ws: Workspace) -> Enrolment:
    found = enrolment(ws)
    if found is None:
        raise NotEnrolledHere(
            "this laptop is not enrolled: ask the office for a code, then `kenttä enroll URL CODE`"
        )
    return found


Transport = Callable[..., HttpTransport]


def enroll(
    ws: Workspace,
    url: str,
    code: str,
    name: str | None = None,
    transport: Transport = HttpTransport,
    ca_pem: str | None = None,
) -> Enrolment:
    """Exchange a one-time code for this device's identity and secret, and keep them.

    `ca_pem`: the office's CA certificate (PEM) to trust for https, kept for later syncs."""
    nonce = _state(ws, "enrol_nonce")
    if nonce is None:  # kept before asking, so a lost reply can be fetched again
        nonce = new_nonce()
        _set_states(ws, {"enrol_nonce": nonce})
    with transport(url, retries=2, verify=_verify(ca_pem)) as http:
        answer = http.enroll(code, ws.device_id, SCHEMA, name, nonce=nonce)
    if answer.get("device_id") != ws.device_id:
        raise NotEnrolledHere("the server enrolled another device id; nothing was kept")
    _set_states(
        ws,
        {
            "enrol_nonce": None,
            "server_url": url.rstrip("/"),
            "device_secret": str(answer["secret"]),
            "enrolled_role": str(answer.get("role", "")),
            "enrolled_scopes": json.dumps(sorted(answer.get("scopes", []))),
            "enrolled_at": _now(),
            "server_ca_pem": ca_pem,
        },
    )
    if answer.get("device_code"):  # the office's short code for voucher numbers
        _set_states(ws, {"device_code": str(answer["device_code"])})
    office_urls = answer.get("server_urls")
    if isinstance(office_urls, list):  # optional: an office with several servers names them
        _set_states(ws, {"server_urls": json.dumps(urls_of([str(u) for u in office_urls]))})
    found = enrolment(ws)
    assert found is not None
    return found


# Until kenttä_sync's change-log DDL has it: what `device.pending()` and the unsynced count
# look up ("this device's changes above the acknowledged sequence"); without it every push
# batch scans the whole log, which makes a large initial sync quadratic.
_PENDING_INDEX = (
    "CREATE INDEX IF NOT EXISTS _changes_device_seq ON _changes (device_id, device_seq)"
)


def ensure_indexes(ws: Workspace) -> None:
    ws.store.conn.execute(_PENDING_INDEX)


def _verify(ca_pem: str | None) -> ssl.SSLContext | bool:
    if not ca_pem:
        return True
    return ssl.create_default_context(cadata=ca_pem)


def server_urls(ws: Workspace, enrolled: Enrolment) -> list[str]:
    """The office URLs to try, in order: config.toml's `server_url` (one or a list), the
    URL enrolled with, then the office's list from its enrolment answer."""
    office = json.loads(_state(ws, "server_urls") or "[]")
    return urls_of([*urls_of(ws.config.server_url), enrolled.server_url, *office])


def sync(
    ws: Workspace,
    progress: Progress | None = None,
    batch: int = 5000,
    transport: Transport = LinkTransport,
    notify: Callable[[RetryNotice], None] | None = None,
    snapshots: bool = True,
    **transport_options: Any,
) -> LinkSummary:
    """Push and pull with the enrolled server; records the outcome in `_sync_state`.

    A fresh laptop (or one the office's log compaction left behind) first takes its scopes'
    rows as they are now, with the search index built once (`snapshots`; kenttä_sync's
    `sync_link`), then pulls the log from there.

    On failure the exception carries `summary` (a LinkSummary of what went before it)."""
    enrolled = require_enrolment(ws)
    ensure_indexes(ws)
    transport_options.setdefault("verify", _verify(_state(ws, "server_ca_pem")))
    urls = server_urls(ws, enrolled)
    if isinstance(transport, type) and issubclass(transport, LinkTransport):
        transport_options.setdefault("urls", urls[1:])
        transport_options.setdefault("notify", notify)
    summary = LinkSummary(waiting=waiting(ws.store.replica))  # true even if nothing goes
    try:
        with transport(urls[0], enrolled.device_id, enrolled.secret, **transport_options) as http:
            # no /v1/status first (a round trip): the pull's pieces name the office's log head
            # the budgets' exchange rides on the first pull piece (no round trip of its own);
            # an older office answers it over /v1/counters after the sync, as before
            riding = Riding(budget_sync.counter_request(ws.store.conn))
            with erasure.compact_after_erasures(ws):  # a received erasure leaves no trace
                sync_link(
                    ws.store.replica, http, batch, progress, None, summary,
                    snapshot_hook=SnapshotHook(), snapshots=snapshots, riding=riding,
                )  # fmt: skip
            budget = budget_sync.exchange(ws, budget_sync.http_send(http), first=riding.answer)
            _set_states(ws, {"last_budget_exchange": json.dumps(budget, sort_keys=True)})
    except Exception as exc:
        exc.summary = summary  # type: ignore[attr-defined]
        _set_states(ws, {"last_error": _reason(exc)})
        raise
    _set_states(
        ws,
        {
            "last_sync": _now(),
            "last_sync_summary": json.dumps(summary.as_dict(), sort_keys=True),
            "last_summary": describe(summary),
            "last_error": None,
        },
    )
    return summary


def _reason(exc: Exception) -> str:
    """One line for `last_error`: our own messages (no personal data), else the type."""
    from kenttä_sync.counters import CounterError
    from kenttä_sync.transport import AuthError, ServerUnreachable, SyncError, VersionMismatch

    known = (
        AuthError,
        ServerUnreachable,
        SyncError,
        VersionMismatch,
        NotEnrolledHere,
        CounterError,
    )
    if isinstance(exc, known) and str(exc):
        return str(exc).splitlines()[0][:300]
    return f"sync failed ({type(exc).__name__})"


def describe(summary: SyncSummary) -> str:
    text = (
        f"pushed {summary.pushed}, pulled {summary.pulled}, "
        f"conflicts {summary.conflicts}, refused {summary.refused}"
    )
    if isinstance(summary, LinkSummary):
        text += f", waiting {summary.waiting}"
        if summary.snapshot_rows:  # a first sync (or after compaction) by snapshot
            text += f", rows by snapshot {summary.snapshot_rows}"
    return text


def refused(ws: Workspace) -> list[dict[str, Any]]:
    """Local writes the office refused, with its reasons (oldest first)."""
    rows = ws.store.conn.execute(
        "SELECT r.change_id, r.tx_id, r.reason, c.tbl, c.row_id, c.col, c.op"
        " FROM _rejected r LEFT JOIN _changes c ON c.change_id = r.change_id"
        " ORDER BY c.seq"
    ).fetchall()
    keys = ("change_id", "tx_id", "reason", "table", "row_id", "column", "op")
    return [dict(zip(keys, row, strict=True)) for row in rows]


def quarantined(ws: Workspace) -> list[dict[str, Any]]:
    """Changes received from the office that this laptop refused to apply, with the reasons
    (kenttä_sync.device.quarantine: a value its schema cannot hold, a change in its own name)."""
    from kenttä_sync.device import quarantined as kept

    return kept(ws.store.replica)


# -- bundles ----------------------------------------------------------------------------------
def _bundle_key(ws: Workspace) -> bytes:
    enrolled = require_enrolment(ws)
    return bundle_key(enrolled.secret, enrolled.device_id)


def export_bundle(ws: Workspace, path: Path) -> bundles.Header:
    """Write every unacknowledged change to `path` as an encrypted bundle (atomically)."""
    ensure_indexes(ws)
    header, data = bundles.export_bundle(
        ws.store.replica, _bundle_key(ws), budget_sync.counter_request(ws.store.conn)
    )
    partial = path.with_name(path.name + ".part")
    with open_private(partial, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    partial.replace(path)
    _set_states(ws, {"last_bundle_export": _now()})
    return header


def import_reply(ws: Workspace, path: Path) -> bundles.ReplyResult:
    """Apply a reply bundle from the office."""
    with erasure.compact_after_erasures(ws):  # a received erasure leaves no trace
        result = bundles.import_reply(
            ws.store.replica, _bundle_key(ws), path.read_bytes(),
            lambda answer: budget_sync.apply_answer_in(ws.store.conn, answer),
        )  # fmt: skip
    summary = {"pushed": 0, "pulled": result.pulled, "conflicts": 0, "refused": result.refused}
    _set_states(
        ws,
        {
            "last_sync": _now(),
            "last_sync_summary": json.dumps({**summary, "bundle": True}, sort_keys=True),
            "last_summary": f"bundle: pulled {result.pulled}, refused {result.refused}",
            "last_error": None,
        },
    )
    return result
