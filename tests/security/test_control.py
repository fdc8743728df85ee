"""The harness works: on a world with no attack the honest laptops sync, write and read,
the server answers /v1/status within a second, and a snapshot taken twice is identical.
This must pass on every branch; a failure here makes every other finding suspect."""

from __future__ import annotations

import time

from tests.security.judge import violations
from tests.security.world import World


def test_control_no_attack_changes_nothing_and_everyone_works(world: World) -> None:
    for role, attacker in world.attackers.items():
        before = world.snapshot(attacker)
        again = world.snapshot(attacker)
        assert violations(before, again, role, attacker.device_id) == []
    assert world.check_alive() == []
    assert world.honest_round() == []
    # the attackers' own credentials work (a refusal later is the server's, not the harness')
    for attacker in world.attackers.values():
        assert world.status(attacker)["role"] == attacker.role
    # the snapshot sees scope B rows, notes and vouchers in both scopes
    snap = world.snapshot(world.attackers["coach"])
    for table in ("clients", "notes", "assessments", "vouchers", "employers", "placements"):
        assert snap.ids(table, scope="kuopio"), table
        assert snap.ids(table, scope="lappi"), table


def test_control_an_honest_write_in_scope_b_is_seen_by_the_judge(world: World) -> None:
    """The judge is not blind: a write in scope B by scope B's own laptop shows as a change
    of scope B when measured against the coordinator attacker (proves `violations` can fail)."""
    attacker = world.attackers["coordinator"]
    before = world.snapshot(attacker)
    from kenttä.services.clients.core import update_client

    laptop = world.honest["b"]
    update_client(laptop.ws, laptop.made["clients"][0], phone="040 1234567")
    laptop.sync()
    after = world.snapshot(attacker)
    found = violations(before, after, "coordinator", attacker.device_id)
    assert any("of scope 'lappi' changed" in line for line in found), found


def test_control_the_attack_path_reaches_the_store(world: World) -> None:
    """An allowed write sent exactly as the attacks are (sequence from the snapshot, the same
    HTTP and bundle senders) is applied: an attack that changes nothing is refused by the
    office, not lost by the harness. A coach may change a client's phone in scope A."""
    from tests.security.attack import make_ctx, push_body, send_bundle, send_http

    attacker = world.attackers["coach"]
    for n, channel in enumerate(("http", "bundle")):
        before = world.snapshot(attacker)
        ctx = make_ctx(before, attacker)
        client_id = before.ids("clients", scope="kuopio")[0]
        stamp = f"{int(time.time() * 1000) + 1000:016d}-00000-{attacker.device_id}"
        phone = f"040 999000{n}"
        change = {
            "change_id": f"{attacker.device_id}:{ctx.next_seq}", "device_id": attacker.device_id,
            "device_seq": ctx.next_seq, "table": "clients", "row_id": client_id,
            "column": "phone", "op": "update", "value": phone, "stamp": stamp,
            "prev_stamp": None, "tx_id": f"control-{n}", "author": "testi.valmentaja",
        }  # fmt: skip
        body = push_body(attacker, [change])
        problems = send_http(world, attacker, body)[0] if channel == "http" else []
        if channel == "bundle":
            problems, _ = send_bundle(world, attacker, body)
        assert problems == []
        after = world.snapshot(attacker)
        assert after.rows["clients"][client_id]["phone"] == phone, channel
        assert violations(before, after, "coach", attacker.device_id) == []
    assert world.honest_round() == []
