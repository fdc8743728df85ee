"""Resumable pushes: a transaction larger than one request goes in pieces that the office
stages in the central store and applies whole through the ordinary push when the last piece
arrives; a cut resumes at the first missing piece; staged pieces of a revoked device or
older than a week are dropped. In process (the server app over TestClient), both backends."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from kenttä_sync.ground.export import canonical_export
from kenttä_sync.transport import chunked_push as chunked
from kenttä_sync.transport import push_stream
from kenttä_sync.transport.client import ServerUnreachable
from kenttä_sync.transport.link import LinkTransport
from kenttä_sync.transport.resumable import Sizer
from kenttä_sync.transport.server import enrolment
from kenttä_sync.transport.server.app import create_app
from kenttä_sync.transport.server.stores import open_central

from kenttä.services.sync import client as sync_client
from kenttä.store.schema import SCHEMA
from tests.transport.helpers import bulk_clients, canonical, enrol_code, workspace

URL = "http://testserver"


class Office:
    """The server app in process; `cut(n)` loses the answer of every n-th piece request
    (the office processed it, the device never heard), counting requests as it goes."""

    def __init__(self, store_url: str) -> None:
        self.app = create_app(store_url, SCHEMA)
        self.pieces: list[int] = []  # changes carried by each piece request that got through
        self.cut_every = 0
        self.dead_after: int | None = None  # piece requests before the link dies for good
        self.syncs_left: int | None = None  # /v1/sync requests before the link dies
        self.pulled: list[int] = []  # changes in each pull piece that got through
        self.dead_pulls_after: int | None = None  # pull pieces before the link dies for good
        self.stream = False  # /v1/push-stream: off (an older office: a piece per request)
        self.cut_stream_at: float | None = None  # the next stream is cut after this share
        self.streamed: list[int] = []  # changes in the frames of each stream that went out
        self.paths: list[str] = []  # the path of every request tried
        office = self

        class InProcess(LinkTransport):
            def __init__(self, url: str, *args: Any, **kwargs: Any) -> None:
                kwargs.pop("verify", None)
                super().__init__(url, *args, sleep=lambda _s: None, **kwargs)
                headers = dict(self.client.headers)
                self.client.close()
                self.client = TestClient(office.app, base_url=self.url, headers=headers)
                real = self.client.request

                def request(method: str, path: str, **kw: Any) -> httpx.Response:
                    office.paths.append(path)
                    if path == "/v1/push-stream":
                        return office.streamed_request(real, method, path, **kw)
                    if path == "/v1/push-chunk":
                        if (
                            office.dead_after is not None
                            and len(office.pieces) >= office.dead_after
                        ):
                            raise httpx.ConnectError("the link is down")
                        response = real(method, path, **kw)
                        import gzip
                        import json

                        body = json.loads(gzip.decompress(kw["content"]))
                        office.pieces.append(len(body["changes"]))
                        if office.cut_every and len(office.pieces) % office.cut_every == 0:
                            raise httpx.ReadError("connection cut")
                        return response
                    if path == "/v1/pull-chunk":
                        if (
                            office.dead_pulls_after is not None
                            and len(office.pulled) >= office.dead_pulls_after
                        ):
                            raise httpx.ConnectError("the link is down")
                        response = real(method, path, **kw)
                        office.pulled.append(len(response.json().get("changes", [])))
                        if office.cut_every and len(office.pulled) % office.cut_every == 0:
                            raise httpx.ReadError("connection cut")
                        return response
                    if path == "/v1/sync" and office.syncs_left is not None:
                        if office.syncs_left <= 0:
                            raise httpx.ConnectError("the link is down")
                        office.syncs_left -= 1
                    return real(method, path, **kw)

                self.client.request = request  # type: ignore[method-assign]

        self.transport = InProcess

    def streamed_request(self, real: Any, method: str, path: str, **kw: Any) -> httpx.Response:
        """A stream of frames: refused as unknown (stream off), or delivered, or cut after
        `cut_stream_at` of its bytes (the office reads what came; the device hears nothing)."""
        if not self.stream:
            return httpx.Response(404, json={"detail": "Not Found"})
        body = b"".join(kw.pop("content"))
        if self.cut_stream_at is not None:
            body = body[: int(len(body) * self.cut_stream_at)]
        frames = push_stream.FrameDecoder().feed(body)
        self.streamed.append(sum(len(json.loads(f).get("changes", [])) for f in frames))
        response = real(method, path, content=body, **kw)
        if self.cut_stream_at is not None:
            self.cut_stream_at = None
            raise httpx.ReadError("connection cut")
        return response


def _laptop(
    tmp_path: Path, store_url: str, office: Office, clients: int, tx_clients: int = 0
) -> Path:
    db = tmp_path / "laptop.db"
    bulk_clients(db, "kuopio", clients, 1, tx_clients=tx_clients or clients)
    central = open_central(store_url, SCHEMA)
    try:
        code = enrolment.new_code(central, ["kuopio"], "coach")
    finally:
        central.close()
    ws = workspace(db)
    try:
        sync_client.enroll(ws, URL, code, transport=office.transport)
    finally:
        ws.close()
    return db


def _sync(db: Path, office: Office, **options: Any) -> Any:
    ws = workspace(db)
    try:
        return sync_client.sync(ws, batch=100, transport=office.transport, **options)
    finally:
        ws.close()


def _office_rows(store_url: str) -> bytes:
    central = open_central(store_url, SCHEMA)
    try:
        return canonical_export(central.db, SCHEMA, ["kuopio"])
    finally:
        central.close()


def _staged(store_url: str) -> int:
    central = open_central(store_url, SCHEMA)
    try:
        return int(central.db.execute("SELECT count(*) FROM _staged_chunks")[0][0])
    finally:
        central.close()


def test_a_transaction_larger_than_a_request_arrives_whole_through_cuts(
    tmp_path: Path, store_url: str
) -> None:
    office = Office(store_url)
    db = _laptop(tmp_path, store_url, office, clients=300)  # 600 changes, one transaction
    office.cut_every = 3
    summary = _sync(db, office)
    assert summary.pushed == 600 and summary.waiting == 0 and summary.staged == 0
    assert max(office.pieces) <= 100  # never more than one request's worth
    assert canonical(db, ["kuopio"]) == _office_rows(store_url)
    assert _staged(store_url) == 0


def test_a_cut_sync_resumes_at_the_first_missing_piece(tmp_path: Path, store_url: str) -> None:
    office = Office(store_url)
    db = _laptop(tmp_path, store_url, office, clients=250)  # 500 changes
    office.dead_after = 4  # the question and three pieces get through, then the link dies
    with pytest.raises(ServerUnreachable) as failed:
        _sync(db, office, retries=1)
    partial = failed.value.summary  # type: ignore[attr-defined]
    assert partial.pushed == 0 and partial.waiting == 500 and partial.staged > 0
    staged = partial.staged
    assert _staged(store_url) > 0
    assert _office_rows(store_url) != canonical(db, ["kuopio"])  # nothing applied yet

    office.dead_after, sent_before = None, sum(office.pieces)
    summary = _sync(db, office)
    assert summary.pushed == 500 and summary.waiting == 0
    assert sum(office.pieces) - sent_before == 500 - staged  # only what was missing
    assert canonical(db, ["kuopio"]) == _office_rows(store_url)
    assert _staged(store_url) == 0


def test_nothing_of_a_staged_transaction_is_visible_before_its_last_piece(
    tmp_path: Path, sqlite_store_url: str
) -> None:
    office = Office(sqlite_store_url)
    db = _laptop(tmp_path, sqlite_store_url, office, clients=150)
    office.dead_after = 2
    with pytest.raises(ServerUnreachable):
        _sync(db, office, retries=0)
    central = open_central(sqlite_store_url, SCHEMA)
    try:
        assert central.db.execute("SELECT count(*) FROM clients")[0][0] == 0
        assert central.head() == 0
    finally:
        central.close()


def _piece(central: Any, device_id: str, changes: list, first: int, last: int) -> Any:
    request = chunked.ChunkRequest(
        schema_name=SCHEMA.name, schema_version=SCHEMA.version, device_id=device_id,
        tx_id=changes[0].tx_id, tx_first=first, tx_last=last, changes=changes,
    )  # fmt: skip
    return chunked.stage(central, device_id, request)


def _device_with_pending(tmp_path: Path, central: Any, scope: str = "kuopio") -> tuple[str, list]:
    from kenttä_sync.device import state as device_side

    db = tmp_path / "dev.db"
    bulk_clients(db, scope, 20, 0, tx_clients=20)
    ws = workspace(db, scope=scope)
    try:
        changes = device_side.pending(ws.store.replica, 1000)
        device_id = ws.device_id
    finally:
        ws.close()
    code = enrolment.new_code(central, ["kuopio"], "coach")
    enrolment.redeem(central, code, device_id, None)
    return device_id, changes


def test_staged_pieces_of_a_revoked_device_or_a_week_old_are_dropped(
    tmp_path: Path, store_url: str
) -> None:
    central = open_central(store_url, SCHEMA)
    try:
        device_id, changes = _device_with_pending(tmp_path, central)
        answer = _piece(central, device_id, changes[:5], 1, len(changes))
        assert answer.held == [(1, 5)] and answer.result is None
        chunked.purge(central, now=int(time.time()) + chunked.MAX_AGE - 60)
        assert central.db.execute("SELECT count(*) FROM _staged_chunks")[0][0] == 1
        chunked.purge(central, now=int(time.time()) + chunked.MAX_AGE + 60)
        assert central.db.execute("SELECT count(*) FROM _staged_chunks")[0][0] == 0

        _piece(central, device_id, changes[:5], 1, len(changes))
        enrolment.revoke(central, device_id)
        chunked.purge(central)
        assert central.db.execute("SELECT count(*) FROM _staged_chunks")[0][0] == 0
    finally:
        central.close()


def test_pieces_are_checked_like_a_push(tmp_path: Path, sqlite_store_url: str) -> None:
    central = open_central(sqlite_store_url, SCHEMA)
    try:
        device_id, changes = _device_with_pending(tmp_path, central, scope="oulu")
        with pytest.raises(chunked.ChunkError):  # another transaction's change in the piece
            bad = [changes[0], changes[1].model_copy(update={"tx_id": "other"})]
            _piece(central, device_id, bad, 1, len(changes))
        with pytest.raises(chunked.ChunkError):  # not contiguous
            _piece(central, device_id, [changes[0], changes[2]], 1, len(changes))
        _piece(central, device_id, changes[:10], 1, len(changes))
        done = _piece(central, device_id, changes[8:], 1, len(changes))  # overlapping
        assert done.result is not None and done.result.acked_seq == len(changes)
        assert done.result.applied == 0 and done.result.rejected  # out of scope, refused whole
        assert central.db.execute("SELECT count(*) FROM clients")[0][0] == 0
        again = _piece(central, device_id, changes[:3], 1, len(changes))  # a lost answer
        assert again.result is not None and again.result.acked_seq == len(changes)
    finally:
        central.close()


def test_request_sizes_halve_after_cuts_and_grow_after_fast_requests() -> None:
    sizer = Sizer(1000)
    sizer.after(0.5, cut=True)
    sizer.after(0.5, cut=True)
    assert sizer.size == 250
    sizer.after(30.0, cut=False)  # slow
    assert sizer.size == 125
    for _ in range(10):
        sizer.after(0.1, cut=False)
    assert sizer.size == 1000
    for _ in range(20):
        sizer.after(0.1, cut=True)
    assert sizer.size == 50


def test_progress_counts_the_whole_sync_across_runs(tmp_path: Path, sqlite_store_url: str) -> None:
    office = Office(sqlite_store_url)
    db = _laptop(tmp_path, sqlite_store_url, office, clients=250)  # 500 changes
    first: list[tuple[str, int, int]] = []
    office.dead_after = 3
    with pytest.raises(ServerUnreachable):
        _sync(db, office, retries=0, progress=lambda *p: first.append(p))
    assert first[0] == ("push", 0, 500) and first[-1] == ("push", 300, 500)  # staged of all

    office.dead_after = None
    again: list[tuple[str, int, int]] = []
    _sync(db, office, progress=lambda *p: again.append(p))
    pushes = [p for p in again if p[0] == "push"]
    assert pushes[0] == ("push", 300, 500)  # not back at 0 %: the second run goes on
    assert pushes[-1] == ("push", 500, 500)
    ws = workspace(db)
    try:
        assert ws.store.replica.state("push_from") is None  # finished: nothing carried over
    finally:
        ws.close()


def test_progress_of_ordinary_batches_goes_on_from_where_the_last_run_stopped(
    tmp_path: Path, sqlite_store_url: str
) -> None:
    office = Office(sqlite_store_url)
    db = _laptop(tmp_path, sqlite_store_url, office, clients=250, tx_clients=50)  # 5 × 100
    office.syncs_left = 2
    with pytest.raises(ServerUnreachable) as failed:
        _sync(db, office, retries=0)
    assert (failed.value.summary.pushed, failed.value.summary.waiting) == (200, 300)  # type: ignore[attr-defined]
    office.syncs_left = None
    seen: list[tuple[str, int, int]] = []
    summary = _sync(db, office, progress=lambda *p: seen.append(p))
    assert seen[0] == ("push", 300, 500)  # the whole sync, not 100 of this run's 300
    assert (summary.pushed, summary.waiting) == (300, 0)


def test_revoking_a_device_drops_what_it_had_staged(tmp_path: Path, sqlite_store_url: str) -> None:
    from tests.transport.helpers import kentta

    central = open_central(sqlite_store_url, SCHEMA)
    try:
        device_id, changes = _device_with_pending(tmp_path, central)
        _piece(central, device_id, changes[:5], 1, len(changes))
    finally:
        central.close()
    assert _staged(sqlite_store_url) == 1
    kentta("server", "devices", "revoke", device_id, "--store", sqlite_store_url)
    assert _staged(sqlite_store_url) == 0


def test_a_large_transaction_is_pulled_in_pieces_and_applied_whole(
    tmp_path: Path, sqlite_store_url: str
) -> None:
    office = Office(sqlite_store_url)
    db = _laptop(tmp_path, sqlite_store_url, office, clients=300)  # 600 changes, one transaction
    _sync(db, office)
    other = tmp_path / "other.db"
    ws = workspace(other)
    try:
        code = enrol_code(sqlite_store_url, ["kuopio"])
        sync_client.enroll(ws, URL, code, transport=office.transport)
    finally:
        ws.close()
    office.cut_every = 2
    summary = _sync(other, office, snapshots=False)  # the log, not a first sync by snapshot
    assert summary.pulled == 600
    assert office.pulled and max(office.pulled) <= 100  # never more than one request's worth
    assert canonical(other, ["kuopio"]) == canonical(db, ["kuopio"])


def test_a_large_pull_ended_midway_goes_on_at_the_next_run_from_the_first_missing_piece(
    tmp_path: Path, sqlite_store_url: str
) -> None:
    office = Office(sqlite_store_url)
    db = _laptop(tmp_path, sqlite_store_url, office, clients=300)  # 600 changes, one transaction
    _sync(db, office)
    other = tmp_path / "other.db"
    ws = workspace(other)
    try:
        sync_client.enroll(
            ws, URL, enrol_code(sqlite_store_url, ["kuopio"]), transport=office.transport
        )
    finally:
        ws.close()
    office.dead_pulls_after = len(office.pulled) + 3  # three pieces of 100, then the run ends
    with pytest.raises(ServerUnreachable):
        _sync(other, office, snapshots=False, retries=0)
    kept = sum(office.pulled)  # the writer's own pulls brought nothing
    assert kept == 300
    assert canonical(other, ["kuopio"]) != canonical(db, ["kuopio"])  # nothing applied yet

    office.dead_pulls_after, asked_before = None, len(office.pulled)
    summary = _sync(other, office, snapshots=False)
    assert summary.resumed == kept and summary.pulled == 600
    assert sum(office.pulled[asked_before:]) == 600 - kept  # only the missing pieces
    assert canonical(other, ["kuopio"]) == canonical(db, ["kuopio"])
    ws = workspace(other)
    try:
        left = ws.store.conn.execute(
            "SELECT count(*) FROM _sync_state WHERE key LIKE 'pull_%'"
        ).fetchone()[0]
    finally:
        ws.close()
    assert left == 0  # applied, and the kept pieces gone with it
