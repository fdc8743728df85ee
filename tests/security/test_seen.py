"""One black-box test per "What was seen" point 1–6 of issue 12, on both central stores,
through the real `kenttä server run` (and, for point 1, `kenttä server import-bundle`).
They double as regression tests for the fixes."""

from __future__ import annotations

import json
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.security.judge import SCOPE_A, SCOPE_B, _rollback, schema, violations
from tests.security.world import REQUEST_TIMEOUT, STATUS_TIMEOUT, Laptop, World
from tests.transport.helpers import Server, kentta

HETU = "010190-901A"  # synthetic (900–999); never to come back in a response


@contextmanager
def judged(world: World) -> Iterator[None]:
    """A failing test leaves its world to be rebuilt (the attack may have broken it)."""
    try:
        yield
    except BaseException:
        world.broken = "a seen-point test failed"
        raise


def _base(device: str) -> dict[str, Any]:
    return {"protocol_version": 1, "schema_name": schema().name,
            "schema_version": schema().version, "device_id": device}  # fmt: skip


def _stamp(device: str, offset: int = 0) -> str:
    return f"{int(time.time() * 1000) + offset:016d}-00000-{device}"


def _change(device: str, seq: int, table: str, row_id: str, op: str, column: str | None = None,
            value: Any = None, tx: str = "t1") -> dict[str, Any]:  # fmt: skip
    return {"change_id": f"{device}:{seq}", "device_id": device, "device_seq": seq,
            "table": table, "row_id": row_id, "column": column, "op": op, "value": value,
            "stamp": _stamp(device, seq), "prev_stamp": None, "tx_id": tx,
            "author": "testi.hyokkaaja"}  # fmt: skip


def _next_seq(world: World, laptop: Laptop) -> int:
    return int(world.status(laptop)["acked_seq"]) + 1


def _push(world: World, laptop: Laptop, changes: list[dict[str, Any]]) -> httpx.Response:
    body = json.dumps({**_base(laptop.device_id), "kind": "push", "changes": changes})
    answer = world.http.post(f"{world.url}/v1/sync", content=body, headers=laptop.auth,
                        timeout=REQUEST_TIMEOUT)  # fmt: skip
    assert answer.status_code < 500, f"the server answered {answer.status_code}"
    return answer


def _row(world: World, table: str, scope: str) -> tuple[str, dict[str, Any]]:
    snap = world.snapshot(world.attackers["coach"])
    row_id = snap.ids(table, scope=scope)[0]
    return row_id, snap.rows[table][row_id]


def _full_row(row: dict[str, Any], scope: str) -> dict[str, Any]:
    return {k: v for k, v in row.items() if not k.startswith("_") and k != "id"} | {"scope": scope}


def _over_foreign(world: World, attacker: Laptop, seq: int) -> list[dict[str, Any]]:
    row_id, row = _row(world, "clients", SCOPE_B)
    me = attacker.device_id
    return [
        _change(me, seq, "clients", row_id, "insert", value=_full_row(row, SCOPE_A)),
        _change(me, seq + 1, "clients", row_id, "update", "first_name", "Hyökkääjä"),
        _change(me, seq + 2, "clients", row_id, "delete"),
    ]


def test_seen_1_insert_over_foreign_id_over_http(world: World) -> None:
    attacker = world.attackers["coach"]
    with judged(world):
        before = world.snapshot(attacker)
        _push(world, attacker, _over_foreign(world, attacker, _next_seq(world, attacker)))
        assert violations(before, world.snapshot(attacker), "coach", attacker.device_id) == []
        assert world.check_alive() + world.honest_round() == []


@pytest.mark.slow
def test_seen_1_insert_over_foreign_id_in_a_bundle(world: World, tmp_path: Path) -> None:
    """The same transaction carried in a bundle, imported with `kenttä server import-bundle`."""
    from kenttä_sync.transport import bundle
    from kenttä_sync.transport.server.enrolment import bundle_key

    attacker = world.attackers["coach"]
    with judged(world):
        before = world.snapshot(attacker)
        seq = _next_seq(world, attacker)
        changes = _over_foreign(world, attacker, seq)
        payload = json.dumps({**_base(attacker.device_id), "kind": "push", "changes": changes})
        key = bundle_key(attacker.secret, attacker.device_id)
        _, data = bundle.pack(bundle.TO_OFFICE, attacker.device_id, key, payload.encode(),
                              seq, seq + 2, 0)  # fmt: skip
        path = tmp_path / "hostile.bundle"
        path.write_bytes(data)
        _rollback(world.central)
        done = kentta("server", "import-bundle", str(path), "--store", world.store_url,
                      "--json", check=False)  # fmt: skip
        assert "Traceback" not in done.stderr and "internal error" not in done.stderr
        assert violations(before, world.snapshot(attacker), "coach", attacker.device_id) == []
        assert world.check_alive() + world.honest_round() == []


def test_seen_2_other_devices_change_ids_do_not_poison_it(world: World) -> None:
    attacker, victim = world.attackers["coach"], world.honest["a"]
    with judged(world):
        before = world.snapshot(attacker)
        their = int(world.status(victim)["acked_seq"])
        from kenttä_sync.ground.ids import uuid7

        mine = _next_seq(world, attacker)
        client_id, _ = _row(world, "clients", SCOPE_A)
        forged = []  # updates (a coach may write them) carrying the victim's next change ids
        for k in range(1, 13):
            change = _change(attacker.device_id, mine + k - 1, "clients", client_id, "update",
                             "phone", f"040 55500{k:02d}", tx=f"up{k}")  # fmt: skip
            change["change_id"] = f"{victim.device_id}:{their + k}"
            forged.append(change)
        _push(world, attacker, forged)
        wholly = []  # and changes that are wholly the victim's: its device id and sequence
        for k in range(13, 16):
            change = _change(victim.device_id, their + k, "clients", uuid7(), "insert",
                             value={"first_name": "Testi", "last_name": f"Vale{k}",
                                    "scope": SCOPE_A, "status": "met", "language": "fi",
                                    "consent": False}, tx=f"dev{k}")  # fmt: skip
            change["stamp"] = _stamp(attacker.device_id, k)
            wholly.append(change)
        _push(world, attacker, wholly)
        found = violations(before, world.snapshot(attacker), "coach", attacker.device_id)
        assert found == []
        assert world.honest_round() == []  # the victim pulls, then writes and syncs


def test_seen_3_a_fresh_code_cannot_take_over_an_enrolled_device(world: World) -> None:
    from kenttä_sync.transport.server import enrolment

    victim = world.honest["a"]
    with judged(world):
        code = enrolment.new_code(world.central, [SCOPE_A], "coach")
        _rollback(world.central)
        answer = world.http.post(
            f"{world.url}/v1/enroll", timeout=REQUEST_TIMEOUT,
            json={"code": code, "device_id": victim.device_id, "name": "varas",
                  "protocol_version": 1, "schema_name": schema().name,
                  "schema_version": schema().version},
        )  # fmt: skip
        assert answer.status_code < 500
        if answer.status_code == 200:
            assert answer.json()["device_id"] != victim.device_id, "the code took over a device"
        assert world.status(victim)["device_id"] == victim.device_id
        assert world.honest_round() == []


@pytest.mark.slow
def test_seen_4_pull_limits_are_refused_and_hold_nothing(world: World, tmp_path: Path) -> None:
    """limit -1 and 0 get a 4xx naming the limit; two such pulls leave the server answering
    /v1/status within a second, and SIGTERM stops it within seconds."""
    attacker = world.attackers["coach"]
    srv = Server(world.store_url, log=tmp_path / "second.log").start()
    try:
        answers: list[Any] = []

        def pull(limit: int) -> None:
            body = json.dumps({**_base(attacker.device_id), "kind": "pull", "cursor": 0,
                               "limit": limit})  # fmt: skip
            try:
                answers.append(
                    httpx.post(
                        f"{srv.url}/v1/sync",
                        content=body,
                        headers=attacker.auth,
                        timeout=REQUEST_TIMEOUT,
                    )
                )
            except httpx.TimeoutException:
                answers.append("held")

        threads = [threading.Thread(target=pull, args=(limit,)) for limit in (-1, -1, 0)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(REQUEST_TIMEOUT + 5)
        problems: list[str] = []
        try:
            status = httpx.get(f"{srv.url}/v1/status", headers=attacker.auth,
                               timeout=STATUS_TIMEOUT)  # fmt: skip
            if status.status_code != 200:
                problems.append(f"/v1/status answered {status.status_code}")
        except httpx.TimeoutException:
            problems.append("/v1/status was not answered within a second")
        if "held" in answers:
            problems.append("a pull with a bad limit was never answered")
        for answer in answers:
            if answer == "held":
                continue
            if not 400 <= answer.status_code < 500:
                problems.append(f"a bad limit got {answer.status_code}")
            elif "limit" not in answer.text:
                problems.append("the refusal of a bad limit does not name the limit")
    finally:
        assert srv.proc is not None
        srv.proc.send_signal(signal.SIGTERM)
        try:
            code = srv.proc.wait(10)
        except Exception:
            code = None
        srv.kill()
    if code is None:
        problems.append("SIGTERM did not stop the server within 10 s")
    assert not problems, sorted(set(problems))


def test_seen_5_a_coordinator_neither_reads_notes_nor_writes_them(world: World) -> None:
    from kenttä_sync.ground.ids import uuid7

    attacker = world.attackers["coordinator"]
    with judged(world):
        body = json.dumps({**_base(attacker.device_id), "kind": "pull", "cursor": 0,
                           "limit": 1000})  # fmt: skip
        answer = world.http.post(f"{world.url}/v1/sync", content=body, headers=attacker.auth,
                            timeout=REQUEST_TIMEOUT)  # fmt: skip
        assert answer.status_code == 200
        tables = {c["table"] for c in answer.json()["changes"]}
        assert not tables & {"notes", "assessments", "plans", "plan_steps"}, sorted(tables)
        # the same read through the route `kenttä sync` itself pulls by (pieces)
        body = json.dumps({**_base(attacker.device_id), "kind": "pull_chunk", "cursor": 0,
                           "limit": 1000, "offset": 0, "size": 1000})  # fmt: skip
        answer = world.http.post(f"{world.url}/v1/pull-chunk", content=body,
                                 headers=attacker.auth, timeout=REQUEST_TIMEOUT)  # fmt: skip
        assert answer.status_code == 200
        changes = answer.json()["changes"]
        tables = {c["table"] for c in changes}
        assert not tables & {"notes", "assessments", "plans", "plan_steps"}, sorted(tables)
        hidden = {"henkilotunnus", "benefit_days", "birth_date"}
        shown: set[str] = set()
        for c in changes:
            if c["table"] != "clients" or c.get("value") is None:
                continue
            value = c["value"]  # an insert's row, or one column's value
            if isinstance(value, dict):
                shown |= {k for k, v in value.items() if v is not None}
            elif c.get("column"):
                shown.add(c["column"])
        assert not shown & hidden, sorted(shown & hidden)
        before = world.snapshot(attacker)
        client_id, _ = _row(world, "clients", SCOPE_A)
        seq = _next_seq(world, attacker)
        me = attacker.device_id
        note = {
            "client_id": client_id,
            "author": "x",
            "written_at": "2026-03-02T10:00:00+00:00",
            "kind": "meeting",
            "body": "kirjoitettu koordinaattorina",
            "scope": SCOPE_A,
        }
        _push(world, attacker, [
            _change(me, seq, "notes", uuid7(), "insert", value=note, tx="n"),
            _change(me, seq + 1, "clients", client_id, "update", "first_name", "Uusinimi",
                    tx="r"),
        ])  # fmt: skip
        found = violations(before, world.snapshot(attacker), "coordinator", me)
        assert found == []


def test_seen_6_wrong_types_are_refused_and_the_rest_goes_on(world: World) -> None:
    attacker = world.attackers["supervisor"]  # may write every client of scope A
    with judged(world):
        snap = world.snapshot(attacker)
        target, other = snap.ids("clients", scope=SCOPE_A)[:2]
        seq = _next_seq(world, attacker)
        me = attacker.device_id
        bad = [("benefit_days", "lots"), ("status", "hacked"), ("birth_date", "not a date"),
               ("consent", {"a": HETU}), ("phone", [HETU])]  # fmt: skip
        changes = [
            _change(me, seq + i, "clients", target, "update", col, value, tx=f"bad{i}")
            for i, (col, value) in enumerate(bad)
        ]
        good = _change(me, seq + len(bad), "clients", other, "update", "phone", "040 7654321",
                       tx="good")  # fmt: skip
        answer = _push(world, attacker, [*changes, good])
        assert answer.status_code == 200, "one bad value failed the whole push"
        assert HETU not in answer.text
        after = world.snapshot(attacker)
        assert after.rows["clients"][other]["phone"] == "040 7654321", "the good change was lost"
        for col, _ in bad:
            assert after.rows["clients"][target][col] == snap.rows["clients"][target][col], col
        assert world.honest_round() == []  # the scope A laptop pulls and opens every client
