"""The budgets' counters exchange rides on the sync's first pull piece (the optional
`counters` field of kenttä_sync.transport.chunked_pull), so a sync spends no round trip of
its own on it; an office older than the field answers the pull without it and the laptop
exchanges over `/v1/counters` as before. Either way the laptop gets its share and the
office counts its grants acknowledged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from kenttä_sync import counters
from kenttä_sync.transport.server import enrolment, pieces

from kenttä.services.sync import client as sync_client
from kenttä.services.vouchers.budgets.share import remaining_for

from .helpers import URL, laptop, office_with_budget


def _recording(transport: Any, paths: list[str]) -> Any:
    """The in-process transport, noting the path of every request it makes."""

    class Recording(transport):
        def _request(self, method: str, path: str, **kwargs: Any) -> Any:
            paths.append(path)
            return super()._request(method, path, **kwargs)

    return Recording


def _synced_twice(tmp_path: Path, store_url: str, central: Any) -> tuple[Any, list, list]:
    """A laptop enrolled with an office with a budget, synced twice; (laptop, the paths
    of the first sync's requests, those of the second)."""
    paths: list[str] = []
    transport = _recording(office_with_budget(store_url, central), paths)
    ws, _ = laptop(tmp_path / "a.db")
    code = enrolment.new_code(central, ["kuopio"], "coach")
    sync_client.enroll(ws, URL, code, transport=transport)
    paths.clear()
    sync_client.sync(ws, transport=transport)
    first = list(paths)
    paths.clear()
    sync_client.sync(ws, transport=transport)
    return ws, first, list(paths)


def test_the_exchange_rides_on_the_pull_and_a_quiet_sync_makes_no_counters_request(
    tmp_path: Path, store_url: str, central: Any
) -> None:
    ws, first, second = _synced_twice(tmp_path, store_url, central)
    assert remaining_for(ws, "TOPI") == 100_000  # the one laptop's share, by rule
    assert counters.pending(central.db, ws.device_id) == ([], [])  # grants acknowledged
    # the grant came with the pull; only its acknowledgement (and the check that nothing
    # more came) went to /v1/counters; a sync with nothing new for budgets sends none
    assert first.count("/v1/counters") == 2
    assert "/v1/pull-chunk" in first
    assert "/v1/counters" not in second
    assert "/v1/pull-chunk" in second


def test_an_office_without_the_field_is_asked_over_v1_counters(
    tmp_path: Path, store_url: str, central: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # an older office: its pull pieces know no `counters`, so their answers carry none
    monkeypatch.setattr(pieces, "counters_exchange", lambda *_args: None)
    ws, first, second = _synced_twice(tmp_path, store_url, central)
    assert remaining_for(ws, "TOPI") == 100_000
    assert counters.pending(central.db, ws.device_id) == ([], [])
    assert first.count("/v1/counters") == 3  # grant, acknowledgement, nothing more
    assert second.count("/v1/counters") == 1
