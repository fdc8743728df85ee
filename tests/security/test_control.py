"""The harness works: on a world with no attack the honest laptops sync, write and read,
the server answers /v1/status within a second, and a snapshot taken twice is identical.
This must pass on every branch; a failure here makes every other finding suspect."""

from __future__ import annotations

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
    from kenttä.services.clients import update_client

    laptop = world.honest["b"]
    update_client(laptop.ws, laptop.made["clients"][0], phone="040 1234567")
    laptop.sync()
    after = world.snapshot(attacker)
    found = violations(before, after, "coordinator", attacker.device_id)
    assert any("of scope 'lappi' changed" in line for line in found), found
