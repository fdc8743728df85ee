"""The central store's bounded counters (kenttä_sync.counters.bounded), the /v1/counters route,
device codes at enrolment and the `kenttä server budget` commands' refusals."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from kenttä_sync import counters
from kenttä_sync.transport.server import enrolment
from kenttä_sync.transport.server.app import create_app

from .helpers import PERIOD, server_cli

START, END = (d.isoformat() for d in PERIOD)
PERIOD_TEXT = f"{START}/{END}"


def _counter(central: Any, total: int, rule: str = "on-request", target: int | None = None):
    return counters.set_total(
        central.db, "c1", total, label="TOPI", period=PERIOD_TEXT, rule=rule, target=target
    )


def test_grants_stay_within_the_total_and_the_total_above_grants(central: Any) -> None:
    _counter(central, 1000)
    counters.grant(central.db, "c1", "d1", 600)
    with pytest.raises(counters.CounterError, match="unallocated rest of 400"):
        counters.grant(central.db, "c1", "d2", 401)
    counters.grant(central.db, "c1", "d2", 400)
    with pytest.raises(counters.CounterError, match="below the 1000 already granted"):
        counters.set_total(central.db, "c1", 999, label="TOPI")
    c = counters.set_total(central.db, "c1", 1500, label="TOPI")
    assert (c.granted, c.unallocated, c.by_device) == (1000, 500, {"d1": 600, "d2": 400})
    with pytest.raises(counters.CounterError):
        counters.grant(central.db, "c1", "d1", 0)


def test_returns_apply_once_and_never_beyond_the_device_count(central: Any) -> None:
    _counter(central, 1000)
    counters.grant(central.db, "c1", "d1", 300)
    ret = {"return_id": "r1", "counter_id": "c1", "amount": 100}
    for _ in range(3):  # re-sent
        answer = counters.exchange(central.db, "d1", {"returns": [ret]})
        assert answer["returns_done"] == ["r1"]
    assert counters.get(central.db, "c1").by_device == {"d1": 200}  # type: ignore[union-attr]
    too_much = {"return_id": "r2", "counter_id": "c1", "amount": 201}
    answer = counters.exchange(central.db, "d1", {"returns": [too_much]})
    assert answer["returns_refused"][0]["return_id"] == "r2"
    stolen = counters.exchange(central.db, "d2", {"returns": [ret]})  # another device's id
    assert stolen["returns_refused"][0]["reason"] == "the return id belongs to another device"
    assert counters.get(central.db, "c1").granted == 200  # type: ignore[union-attr]


def test_move_request_grants_what_comes_back(central: Any) -> None:
    _counter(central, 1000)
    central.register_device("d1", ["kuopio"])
    central.register_device("d2", ["kuopio"])
    counters.grant(central.db, "c1", "d1", 500)
    with pytest.raises(counters.CounterError, match="holds only 500"):
        counters.request_return(central.db, "c1", "d1", 501, "d2")
    rid = counters.request_return(central.db, "c1", "d1", 300, "d2")
    grants, requests = counters.pending(central.db, "d1")
    assert [r["request_id"] for r in requests] == [rid]
    # the device had only 120 unspent: it returns that, answering the request
    ret = {"return_id": "r1", "counter_id": "c1", "amount": 120, "request_id": rid}
    answer = counters.exchange(
        central.db, "d1", {"acks": [grants[0]["grant_id"]], "returns": [ret]}
    )
    assert answer["requests"] == [] and answer["grants"] == []
    moved, _ = counters.pending(central.db, "d2")
    assert [(g["amount"], g["kind"]) for g in moved] == [(120, "move")]
    assert counters.get(central.db, "c1").by_device == {"d1": 380, "d2": 120}  # type: ignore[union-attr]


def test_rules_top_up_at_sync_and_do_not_undo_returns(central: Any) -> None:
    for d in ("d1", "d2", "d3", "d4"):
        central.register_device(d, ["kuopio"])
    _counter(central, 1000, "equal")
    today = PERIOD[0].isoformat()
    first = counters.exchange(central.db, "d1", {}, today)
    assert [g["amount"] for g in first["grants"]] == [250]
    again = counters.exchange(central.db, "d1", {"acks": [first["grants"][0]["grant_id"]]}, today)
    assert again["grants"] == [] and again["acked"] == [first["grants"][0]["grant_id"]]
    ret = {"return_id": "r1", "counter_id": "c1", "amount": 250}
    assert counters.exchange(central.db, "d1", {"returns": [ret]}, today)["grants"] == []
    counters.set_total(central.db, "c1", 1000, label="TOPI", rule="target", target=400)
    assert [g["amount"] for g in counters.exchange(central.db, "d2", {}, today)["grants"]] == [400]
    after = PERIOD[1].replace(year=PERIOD[1].year + 1).isoformat()
    assert counters.exchange(central.db, "d3", {}, after)["grants"] == []  # the period is over
    with pytest.raises(counters.CounterError):
        counters.set_total(central.db, "c1", 1000, label="TOPI", rule="target")


def test_device_codes_are_unique_and_a_device_id_is_never_re_enrolled(central: Any) -> None:
    found = {}
    for i in range(40):
        _, dev = enrolment.redeem(central, enrolment.new_code(central, ["k"], "coach"), f"dev{i}")
        found[dev.device_id] = enrolment.device_code(central, dev.device_id)
    assert len(set(found.values())) == 40
    assert all(re.fullmatch(r"[A-HJKMNP-Z2-9]{4}", c or "") for c in found.values())
    with pytest.raises(enrolment.DeviceIdTaken):
        enrolment.redeem(central, enrolment.new_code(central, ["k"], "coach"), "dev0")
    assert enrolment.device_code(central, "dev0") == found["dev0"]


def test_counters_route_needs_credentials_and_a_well_formed_exchange(
    store_url: str, central: Any
) -> None:
    client = TestClient(create_app(store_url, central.schema))
    assert client.post("/v1/counters", json={}).status_code == 401
    answer = client.post(
        "/v1/enroll",
        json={"code": enrolment.new_code(central, ["k"], "coach"), "device_id": "abc123",
              "protocol_version": 1, "schema_name": central.schema.name,
              "schema_version": central.schema.version},
    )  # fmt: skip
    if answer.status_code == 409:  # another protocol version: enrol in-process instead
        secret, _ = enrolment.redeem(central, enrolment.new_code(central, ["k"], "coach"), "abc123")
    else:
        assert answer.status_code == 200, answer.text
        assert re.fullmatch(r"[A-Z2-9]{4}", answer.json()["device_code"])
        secret = answer.json()["secret"]
    auth = {"Authorization": f"Bearer abc123.{secret}"}
    assert client.post("/v1/counters", content=b"[1]", headers=auth).status_code == 400
    ok = client.post("/v1/counters", json={"acks": [], "returns": []}, headers=auth)
    assert ok.status_code == 200 and ok.json()["grants"] == []


def test_budget_commands_refuse_in_euros(tmp_path: Path, store_url: str, central: Any) -> None:
    central.register_device("d1", ["kuopio"])
    base = ["--store", store_url, "--programme", "TOPI"]
    assert server_cli("budget", "set", *base, "--from", START, "--to", END,
                      "--amount", "1000").exit_code == 0  # fmt: skip
    done = server_cli("budget", "grant", *base, "--device", "d1", "--amount", "1200")
    assert done.exit_code == 1
    # in the configured language (the default: Finnish; issue 14), amounts as it writes them
    assert "ylittää hankkeen TOPI jakamattoman budjetin 1\u00a0000,00 €" in done.output
    assert server_cli("budget", "grant", *base, "--device", "d1", "--amount", "800").exit_code == 0
    done = server_cli("budget", "set", *base, "--from", START, "--to", END, "--amount", "500")
    assert done.exit_code == 1 and "jo myönnetty 800,00 €" in done.output
    done = server_cli("budget", "grant", *base, "--device", "nobody", "--amount", "1")
    assert done.exit_code == 1 and "Laitetta nobody ei ole liitetty" in done.output
    shown = server_cli("budget", "show", "--store", store_url)
    assert "TOPI" in shown.output and "800,00 €" in shown.output and "Myönnetty" in shown.output
    (row,) = json.loads(server_cli("budget", "show", "--store", store_url, "--json").output)
    assert row["devices"][0]["granted_cents"] == 80_000


def test_concurrent_grants_from_several_connections_never_pass_the_total(
    store_url: str, central: Any
) -> None:
    """Several office processes (one connection each) granting at once: the lock makes the
    check and the write one step, so exactly total / amount grants succeed."""
    from concurrent.futures import ThreadPoolExecutor

    from kenttä_sync.transport.server.stores import connect_central

    _counter(central, 1500)
    stores = [connect_central(store_url, central.schema, install=False) for _ in range(4)]

    def work(store: Any) -> int:
        won = 0
        for _ in range(10):
            try:
                counters.grant(store.db, "c1", f"d{id(store)}", 100)
                won += 1
            except counters.CounterError:
                pass
        return won

    try:
        with ThreadPoolExecutor(4) as pool:
            assert sum(pool.map(work, stores)) == 15
    finally:
        for store in stores:
            store.close()
    held = counters.get(central.db, "c1")
    assert held is not None and held.granted == held.total == 1500
