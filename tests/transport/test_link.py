"""The device's link (kenttä_sync.transport.link): separate connect and read timeouts, a retry line
per failure that names what happened (a cut is never "cannot connect"), and failover
between several office URLs (httpx MockTransport; one test against a real server)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from kenttä_sync.transport.client import ServerUnreachable
from kenttä_sync.transport.link import CONNECT_TIMEOUT, READ_TIMEOUT, LinkTransport, RetryNotice

from kenttä.config import Config, ConfigError, load_config
from kenttä.i18n import set_language
from kenttä.services.sync import client as sync_client
from kenttä.services.sync.status import retry_line
from tests.transport.helpers import enrol_code, free_port, workspace

A, B = "http://10.0.0.1:8470", "http://10.0.0.2:8470"


def link_with(handler: Any, urls: tuple[str, ...] = (A,), retries: int = 3) -> Any:
    notices: list[RetryNotice] = []
    slept: list[float] = []
    link = LinkTransport(
        urls[0], "dev1", "s3cret", urls=urls[1:], retries=retries, notify=notices.append,
        sleep=slept.append,
    )  # fmt: skip
    timeout = link.client.timeout
    link.client = httpx.Client(
        base_url=link.url, headers=link.client.headers, transport=httpx.MockTransport(handler),
        timeout=timeout,
    )  # fmt: skip
    return link, notices, slept


def test_connect_and_read_timeouts_are_separate_and_a_silence_is_noticed_within_30_s() -> None:
    link = LinkTransport(A)
    assert link.client.timeout.connect == CONNECT_TIMEOUT
    assert link.client.timeout.read == READ_TIMEOUT
    assert READ_TIMEOUT + 1 < 30  # the first retry line comes before 30 s of silence


def test_a_cut_connection_is_announced_per_retry_and_never_called_cannot_connect() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadError("connection reset by peer")

    link, notices, slept = link_with(handler)
    with pytest.raises(ServerUnreachable) as failed:
        link.send(b"{}")
    assert [(n.kind, n.attempt, n.retries) for n in notices] == [
        ("cut", 1, 3), ("cut", 2, 3), ("cut", 3, 3),
    ]  # fmt: skip
    assert len(slept) == 3 and slept[0] < slept[1] < slept[2]
    assert slept[0] == 0  # the first cut is retried at once: the link itself is alive
    assert "cannot connect" not in str(failed.value) and "was cut" in str(failed.value)
    set_language("fi")
    assert retry_line(notices[0]) == "Yhteys katkesi – yritetään heti uudelleen (1/3)"
    assert retry_line(RetryNotice("cut", 10.2, 3, 6, A)) == (
        "Yhteys katkesi – yritetään uudelleen 10 s kuluttua (3/6)"
    )


def test_a_silent_link_is_a_stall_not_a_refused_connection() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("no data")

    link, notices, _ = link_with(handler, retries=1)
    with pytest.raises(ServerUnreachable) as failed:
        link.status()
    assert [n.kind for n in notices] == ["stall"]
    assert "stopped answering" in str(failed.value)
    assert "Yhteys ei vastaa" in retry_line(notices[0])


def test_a_url_that_is_down_is_left_for_the_next_at_once_and_the_working_one_kept() -> None:
    tried: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        tried.append(str(request.url.host))
        if request.url.host == "10.0.0.1":
            raise httpx.ConnectError("connection refused")
        return httpx.Response(200, content=b"{}")

    link, notices, slept = link_with(handler, urls=(A, B))
    assert link.send(b"{}") == b"{}"
    assert link.send(b"{}") == b"{}"
    assert tried == ["10.0.0.1", "10.0.0.2", "10.0.0.2"]
    assert notices == [] and slept == []


def test_when_every_url_is_down_it_says_it_cannot_connect() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused")

    link, notices, slept = link_with(handler, urls=(A, B), retries=1)
    with pytest.raises(ServerUnreachable, match="cannot connect"):
        link.send(b"{}")
    assert [n.kind for n in notices] == ["connect"]
    assert slept[0] >= 0.5  # connecting failed: it backs off before trying again


def test_server_url_setting_is_one_url_or_a_list(tmp_path: Path) -> None:
    assert Config(server_url="https://a.example").server_url == "https://a.example"
    assert Config(server_url=[A, B]).server_url == [A, B]
    for bad in ([], ["ftp://x"], [1], "office"):
        with pytest.raises(ConfigError):
            Config(server_url=bad)
    path = tmp_path / "c.toml"
    path.write_text(f'server_url = ["{A}", "{B}"]\n', encoding="utf-8")
    assert load_config(path).server_url == [A, B]


def test_a_sync_tries_the_configured_urls_and_goes_on_to_the_next_when_one_is_down(
    tmp_path: Path, server: Any
) -> None:
    srv = server(f"sqlite:{tmp_path / 'central.db'}")
    dead = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    db = tmp_path / "laptop.db"
    ws = workspace(db)
    try:
        sync_client.enroll(ws, srv.url, enrol_code(srv.store_url, ["kuopio"]))
        ws.config = ws.config.copy_with(server_url=[dead])
        enrolled = sync_client.require_enrolment(ws)
        assert sync_client.server_urls(ws, enrolled) == [dead, srv.url]
        notices: list[RetryNotice] = []
        summary = sync_client.sync(ws, notify=notices.append)
        assert summary.waiting == 0 and notices == []  # the dead URL cost no wait
    finally:
        ws.close()


def test_enrolment_keeps_the_offices_list_of_urls(tmp_path: Path, sqlite_store_url: str) -> None:
    from kenttä_sync.transport.server.app import create_app

    from kenttä.store.schema import SCHEMA
    from tests.transport.test_chunked import Office

    office = Office(sqlite_store_url)
    office.app = create_app(sqlite_store_url, SCHEMA, office_urls=[A, B])
    ws = workspace(tmp_path / "laptop.db")
    try:
        sync_client.enroll(ws, "http://testserver", enrol_code(sqlite_store_url, ["kuopio"]),
                           transport=office.transport)  # fmt: skip
        enrolled = sync_client.require_enrolment(ws)
        assert sync_client.server_urls(ws, enrolled) == ["http://testserver", A, B]
    finally:
        ws.close()


def test_a_failed_sync_says_what_went_and_what_is_still_waiting(
    tmp_path: Path, server: Any
) -> None:
    from tests.transport.helpers import bulk_clients, kentta

    srv = server(f"sqlite:{tmp_path / 'central.db'}")
    db = tmp_path / "laptop.db"
    bulk_clients(db, "kuopio", 10, 0)
    kentta("enroll", srv.url, enrol_code(srv.store_url, ["kuopio"]), db=db)
    srv.stop()
    done = kentta("sync", "--retries", "1", db=db, check=False)
    assert done.returncode == 3
    assert "Toimistolle meni tällä kerralla 0 muutosta; 10 odottaa tällä koneella" in done.stderr
    assert "Palvelimeen ei saada yhteyttä – yritetään uudelleen" in done.stderr
    assert "Palvelimeen ei saada yhteyttä; työsi on tallessa" in done.stderr  # the last line


@pytest.mark.parametrize(
    ("cut_after", "size"),
    [(2.0, 1000), (0.3, 500)],  # late in the try (most of it done): kept; early: halved
)
def test_a_request_cut_when_most_of_it_was_done_keeps_its_size(
    monkeypatch: pytest.MonkeyPatch, cut_after: float, size: int
) -> None:
    from types import SimpleNamespace

    from kenttä_sync.transport import link as link_module
    from kenttä_sync.transport import resumable

    clock = [0.0]
    fake_time = SimpleNamespace(monotonic=lambda: clock[0])
    monkeypatch.setattr(link_module, "time", fake_time)
    monkeypatch.setattr(resumable, "time", fake_time)
    tries = [(cut_after, True), (2.5, False)]  # (seconds the try runs, cut), in order

    def handler(request: httpx.Request) -> httpx.Response:
        seconds, cut = tries.pop(0)
        clock[0] += seconds
        if cut:
            raise httpx.ReadError("connection cut")
        return httpx.Response(200, json={})

    link, notices, _ = link_with(handler)
    run = object.__new__(resumable._Run)  # only what `timed` uses: the link and the sizer
    run.transport, run.sizer, run.batches, run.head = link, resumable.Sizer(1000), 0, None
    run.timed(lambda: link._request("POST", "/v1/pull-chunk"), 1000)  # 1000 changes in 2.5 s
    assert [n.kind for n in notices] == ["cut"]  # the retry line is there either way
    assert run.sizer.size == size
