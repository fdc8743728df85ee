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
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.pg import CI
from tests.security.conftest import EXAMPLES, SHRINK
from tests.security.hostile import HETUS, KINDS, NAMES, Ctx, batch, garbage_bodies
from tests.security.judge import ROLES, SCOPE_B, Snapshot, _rollback, schema, violations
from tests.security.world import REQUEST_TIMEOUT, Laptop, World

PER_TEST = EXAMPLES or (30 if CI else 6)
PHASES = [Phase.explicit, Phase.reuse, Phase.generate] + ([Phase.shrink] if SHRINK else [])
hostile_settings = settings(
    max_examples=PER_TEST, deadline=None, phases=PHASES, print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large, HealthCheck.large_base_example],
)  # fmt: skip


def _acked(snap: Snapshot) -> dict[str, int]:
    out = {}
    for key, row in snap.devices.items():
        if not key.startswith("auth:"):
            values = dict(row)
            out[str(values["device_id"])] = int(values["acked_seq"])
    return out


def _echoes(text: str, sent: list[Any]) -> list[str]:
    blob = json.dumps(sent, ensure_ascii=False, default=str)
    out = []
    for value in [*HETUS, *NAMES]:
        if value in blob and (value in text or json.dumps(value)[1:-1] in text):
            out.append("a response repeats a personal value the attacker sent")
    return out


def _send_http(world: World, attacker: Laptop, body: bytes) -> tuple[list[str], str, Any]:
    try:
        answer = world.http.post(
            f"{world.url}/v1/sync", content=body, timeout=REQUEST_TIMEOUT,
            headers={**attacker.auth, "Content-Type": "application/json"},
        )  # fmt: skip
    except httpx.TimeoutException:
        world.broken = "an attack held a worker"
        return [f"the request was not answered within {REQUEST_TIMEOUT:.0f} s"], "", None
    problems = []
    if answer.status_code >= 500:
        problems.append(f"the server answered {answer.status_code}")
    try:
        parsed = answer.json()
    except ValueError:
        parsed = None
    return problems, answer.text, parsed


def _send_bundle(world: World, attacker: Laptop, payload: bytes) -> tuple[list[str], str]:
    from kenttä_sync import bundle
    from kenttä_sync.server.enrolment import bundle_key

    key = bundle_key(attacker.secret, attacker.device_id)
    _, data = bundle.pack(bundle.TO_OFFICE, attacker.device_id, key, payload, 1, 1, 0)
    try:
        result = bundle.import_bundle(world.central, data, reply=True)
    except bundle.BundleError as exc:
        return [], str(exc)
    except Exception as exc:
        return [f"the bundle import crashed: {type(exc).__name__}"], str(exc)
    finally:
        _rollback(world.central)
    return [], json.dumps([r.model_dump() for r in result.rejected], ensure_ascii=False)


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
    _replay_first_finding(world, request.node.nodeid)
    role = data.draw(st.sampled_from(ROLES), label="role")
    attacker = world.attackers[role]
    before = world.snapshot(attacker)
    acked = _acked(before)
    ctx = Ctx(before, attacker.device_id, world.status(attacker)["acked_seq"] + 1,
              {d: s for d, s in acked.items() if d != attacker.device_id})  # fmt: skip
    changes = data.draw(batch(ctx, kind), label="changes")
    channel = data.draw(st.sampled_from(["http", "http", "bundle"]), label="channel")
    payload = json.dumps({
        "kind": "push", "protocol_version": 1, "schema_name": schema().name,
        "schema_version": schema().version, "device_id": attacker.device_id, "changes": changes,
    }).encode()  # fmt: skip
    if channel == "http":
        found, text, _ = _send_http(world, attacker, payload)
    else:
        found, text = _send_bundle(world, attacker, payload)
    found += _echoes(text, ctx.sent)
    what = f"{kind} by {channel}: {json.dumps(changes, default=str, ensure_ascii=False)}"
    _after(world, before, role, attacker, found, request.node.nodeid, what)


@pytest.mark.slow
@hostile_settings
@given(data=st.data())
def test_garbage_and_hostile_pulls_are_answered_and_scoped(
    world: World, data: st.DataObject, request: pytest.FixtureRequest
) -> None:
    _replay_first_finding(world, request.node.nodeid)
    role = data.draw(st.sampled_from(ROLES), label="role")
    attacker = world.attackers[role]
    before = world.snapshot(attacker)
    body = data.draw(garbage_bodies(attacker.device_id, schema().name, schema().version))
    found, text, parsed = _send_http(world, attacker, body)
    sent = [body.decode("utf-8", "replace")]
    found += _echoes(text, sent)
    if isinstance(parsed, dict) and parsed.get("kind") == "pull_result":
        foreign = {i for t in schema().table_names for i in before.ids(t, scope=SCOPE_B)}
        for change in parsed.get("changes", []):
            if change.get("row_id") in foreign:
                found.append(f"a pull carried a row of scope {SCOPE_B!r}")
            if role == "coordinator" and change.get("table") in ("notes", "assessments"):
                found.append(f"a coordinator pulled {change.get('table')}")
    what = repr(body[:300])
    _after(world, before, role, attacker, found, request.node.nodeid, what)
