"""The malicious-device suite (issue 12, acceptance 1): hypothesis makes hostile pushes and
bundles from a device enrolled in scope A with a role drawn from coach, coordinator and
supervisor, against a real `kenttä server run` on each central store. After every example:

(a) no central row outside what the role may write in scope A changed (`world.violations`);
(b) every honest laptop (scopes A and B) still syncs, writes a client and a note, and opens
    every client it holds;
(c) GET /v1/status answers within a second (a one-second client timeout);
(d) no 5xx, and no request is held (an attack answered in more than 10 s is a finding);
(e) no response or refusal repeats a personal-data-shaped value the attacker sent.

At least 200 examples per backend under CI (7 tests x 30); fewer locally.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.pg import CI
from tests.security.attack import echoes, make_ctx, push_body, send_bundle, send_http
from tests.security.conftest import EXAMPLES, SHRINK
from tests.security.hostile import KINDS, batch, garbage_bodies
from tests.security.judge import ROLES, SCOPE_B, Snapshot, schema, violations
from tests.security.world import Laptop, World

PER_TEST = EXAMPLES or (30 if CI else 6)
PHASES = [Phase.explicit, Phase.reuse, Phase.generate] + ([Phase.shrink] if SHRINK else [])
hostile_settings = settings(
    max_examples=PER_TEST, deadline=None, phases=PHASES, print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large, HealthCheck.large_base_example],
)  # fmt: skip


def _replay_first_finding(world: World, test_id: str) -> None:
    """Hypothesis replays a failing example to report it; the world has moved on since (the
    attack changed it), so without shrinking the replay repeats the first finding as found."""
    if not SHRINK and test_id in world.findings:
        raise AssertionError(world.findings[test_id])


def _after(
    world: World, before: Snapshot, role: str, attacker: Laptop, found: list[str],
    test_id: str, what: str,
) -> None:  # fmt: skip
    after = world.snapshot(attacker)
    found += violations(before, after, role, attacker.device_id)
    alive = world.check_alive()
    found += alive
    if not alive:
        found += world.honest_round()
    if found:
        world.broken = found[0]  # the next test gets a fresh world
        message = f"{role} attack: " + "; ".join(dict.fromkeys(found)) + f"\nsent: {what[:3000]}"
        world.findings.setdefault(test_id, message)
        raise AssertionError(message)


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
@hostile_settings
@given(data=st.data())
def test_hostile_push_changes_nothing_outside_the_role(
    world: World, kind: str, data: st.DataObject, request: pytest.FixtureRequest
) -> None:
    role = data.draw(st.sampled_from(ROLES), label="role")
    attacker = world.attackers[role]
    before = world.snapshot(attacker)
    ctx = make_ctx(before, attacker, world)
    changes = data.draw(batch(ctx, kind), label="changes")
    channel = data.draw(st.sampled_from(["http", "http", "bundle"]), label="channel")
    _replay_first_finding(world, request.node.nodeid)  # after drawing, as the first time
    payload = push_body(attacker, changes)
    if channel == "http":
        found, text, _ = send_http(world, attacker, payload)
    else:
        found, text = send_bundle(world, attacker, payload)
    found += echoes(text, ctx.sent)
    what = f"{kind} by {channel}: {json.dumps(changes, default=str, ensure_ascii=False)}"
    _after(world, before, role, attacker, found, request.node.nodeid, what)


@pytest.mark.slow
@hostile_settings
@given(data=st.data())
def test_garbage_and_hostile_pulls_are_answered_and_scoped(
    world: World, data: st.DataObject, request: pytest.FixtureRequest
) -> None:
    role = data.draw(st.sampled_from(ROLES), label="role")
    attacker = world.attackers[role]
    before = world.snapshot(attacker)
    body = data.draw(garbage_bodies(attacker.device_id, schema().name, schema().version))
    _replay_first_finding(world, request.node.nodeid)  # after drawing, as the first time
    found, text, parsed = send_http(world, attacker, body)
    sent = [body.decode("utf-8", "replace")]
    found += echoes(text, sent)
    if isinstance(parsed, dict) and parsed.get("kind") == "pull_result":
        foreign = {i for t in schema().table_names for i in before.ids(t, scope=SCOPE_B)}
        for change in parsed.get("changes", []):
            if change.get("row_id") in foreign:
                found.append(f"a pull carried a row of scope {SCOPE_B!r}")
            if role == "coordinator" and change.get("table") in ("notes", "assessments"):
                found.append(f"a coordinator pulled {change.get('table')}")
    what = repr(body[:300])
    _after(world, before, role, attacker, found, request.node.nodeid, what)
