"""Sending an attack the way a tampered laptop would: a push over HTTP with the device's own
credential, or the same push in a bundle made with the device's own bundle key and imported
at the office (`kenttä_sync.transport.bundle.import_bundle`, what `kenttä server import-bundle` runs).
Each returns the problems seen (a 5xx, a request held, an import that crashed) and the text
the office answered (checked for echoed personal values)."""

from __future__ import annotations

import json
from typing import Any

import httpx

from tests.security.hostile import HETUS, NAMES, Ctx
from tests.security.judge import Snapshot, _rollback, schema
from tests.security.world import REQUEST_TIMEOUT, Laptop, World


def make_ctx(before: Snapshot, attacker: Laptop, world: World | None = None) -> Ctx:
    """What the attack may point at; its own changes continue its acknowledged sequence.
    With the world: the honest laptops' last local sequence numbers (their next ids)."""
    acked = before.acked
    others = {d: s for d, s in acked.items() if d != attacker.device_id}
    victims = {} if world is None else {
        laptop.device_id: laptop.last_seq() for laptop in world.honest.values()
    }  # fmt: skip
    return Ctx(before, attacker.device_id, acked.get(attacker.device_id, 0) + 1, others, victims)


def push_body(attacker: Laptop, changes: list[dict[str, Any]]) -> bytes:
    return json.dumps({
        "kind": "push", "protocol_version": 1, "schema_name": schema().name,
        "schema_version": schema().version, "device_id": attacker.device_id, "changes": changes,
    }).encode()  # fmt: skip


def echoes(text: str, sent: list[Any]) -> list[str]:
    blob = json.dumps(sent, ensure_ascii=False, default=str)
    out = []
    for value in [*HETUS, *NAMES]:
        if value in blob and (value in text or json.dumps(value)[1:-1] in text):
            out.append("a response repeats a personal value the attacker sent")
    return out


def send_http(world: World, attacker: Laptop, body: bytes) -> tuple[list[str], str, Any]:
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


def send_bundle(world: World, attacker: Laptop, payload: bytes) -> tuple[list[str], str]:
    from kenttä_sync.transport import bundle
    from kenttä_sync.transport.server.enrolment import bundle_key

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
