"""A large transaction streamed in frames (`POST /v1/push-stream`): the office stages each
frame as it arrives, so a body cut midway keeps what arrived whole and the device sends
only the rest (after one question, at once); the pull is answered in the same answer.
In process (the server app over TestClient), both backends."""

from __future__ import annotations

from pathlib import Path

import pytest
from kenttä_sync.transport import push_stream
from kenttä_sync.transport.server import pieces

from tests.transport.helpers import canonical
from tests.transport.test_chunked import Office, _laptop, _office_rows, _staged, _sync


def test_frames_come_back_out_whole_however_the_body_is_split() -> None:
    frames = [b'{"a": 1}', b"x" * 70_000, b"{}"]
    body = push_stream.encode(frames)
    decoder, out = push_stream.FrameDecoder(), []
    for i in range(0, len(body), 7):
        out += decoder.feed(body[i : i + 7])
    assert out == frames and decoder.finished()
    cut = push_stream.FrameDecoder()
    assert cut.feed(body[: len(body) // 2]) == frames[:1] and not cut.finished()


def test_a_streamed_transaction_cut_midway_sends_only_what_had_not_arrived(
    tmp_path: Path, store_url: str
) -> None:
    office = Office(store_url)
    office.stream = True
    db = _laptop(tmp_path, store_url, office, clients=400)  # 800 changes, one transaction
    office.cut_stream_at = 0.6
    notices: list = []
    summary = _sync(db, office, notify=notices.append)
    assert summary.pushed == 800 and summary.waiting == 0 and summary.staged == 0
    first, rest = office.streamed[0], office.streamed[1:]
    assert 0 < first < 800
    assert sum(rest) == 800 - first  # what arrived whole was not sent again
    assert [(n.kind, n.delay) for n in notices] == [("cut", 0.0)]  # asked again at once
    assert office.pieces == [0]  # one question ("what do you hold?") after the cut
    assert office.pulled == []  # the pull was answered with the last stream
    assert canonical(db, ["kuopio"]) == _office_rows(store_url)
    assert _staged(store_url) == 0


def test_a_body_that_is_not_a_stream_of_frames_is_refused_in_one_line(
    tmp_path: Path, sqlite_store_url: str
) -> None:
    from fastapi.testclient import TestClient

    from kenttä.services.sync import client as sync_client
    from tests.transport.helpers import workspace

    office = Office(sqlite_store_url)
    db = _laptop(tmp_path, sqlite_store_url, office, clients=5)
    ws = workspace(db)
    try:
        enrolled = sync_client.require_enrolment(ws)
    finally:
        ws.close()
    client = TestClient(office.app)
    auth = {"Authorization": f"Bearer {enrolled.device_id}.{enrolled.secret}"}
    garbage = client.post("/v1/push-stream", content=b"not a stream", headers=auth)
    assert garbage.status_code == 400 and "gzip" in garbage.json()["detail"]
    cut = client.post("/v1/push-stream", content=push_stream.encode([b"{}"])[:12], headers=auth)
    assert cut.status_code == 400 and "ended before" in cut.json()["detail"]
    stranger = client.post("/v1/push-stream", content=push_stream.encode([b"{}"]))
    assert stranger.status_code == 401
    assert _staged(sqlite_store_url) == 0


def test_the_counters_exchange_rides_on_the_stream_and_an_older_office_is_asked_apart(
    tmp_path: Path, sqlite_store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    office = Office(sqlite_store_url)
    office.stream = True
    db = _laptop(tmp_path, sqlite_store_url, office, clients=400)
    office.paths.clear()
    summary = _sync(db, office)
    assert summary.pushed == 800 and summary.waiting == 0
    # the pull and the budgets' exchange were answered with the stream: one request in all
    assert office.paths == ["/v1/push-stream"]
    assert _budget_exchange(db) is not None

    monkeypatch.setattr(pieces, "counters_exchange", lambda *_args: None)  # an older office
    office.paths.clear()
    _sync(db, office)
    assert office.paths == ["/v1/pull-chunk", "/v1/counters"]


def _budget_exchange(db: Path) -> str | None:
    from tests.transport.helpers import workspace

    ws = workspace(db)
    try:
        return ws.store.replica.state("last_budget_exchange")
    finally:
        ws.close()
