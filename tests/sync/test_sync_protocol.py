"""Protocol: versions, enrolment, scopes, idempotent and resumable push and pull."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import kenttä_sync
import pytest
from kenttä_sync.device import state as device_side
from kenttä_sync.ground.changes import PROTOCOL_VERSION
from kenttä_sync.ground.export import canonical_export
from kenttä_sync.transport.protocol import (
    PullRequest,
    PushRequest,
    SyncError,
    VersionMismatch,
    handle,
    in_process,
    pull,
    pull_once,
    push,
    sync,
)

from tests.sync.sync_helpers import SCHEMA, make_schema, new_replica

SYNC_SRC = Path(kenttä_sync.__file__).parent


def _device(central, device_id: str = "dev", scopes=("s1",)):
    replica = new_replica(device_id=device_id)
    central.register_device(device_id, list(scopes))
    return replica


def test_push_and_pull_functions_over_stores(make_central) -> None:
    central = make_central()
    a = _device(central, "a")
    _device(central, "b")
    with a.transaction("u") as tx:
        tx.insert("party", {"scope": "s1", "note": "hello"})
    response = push(central, "a", device_side.pending(a))
    assert response.acked_seq == 1 and response.applied == 1 and not response.rejected
    assert response.protocol_version == PROTOCOL_VERSION
    assert response.schema_version == SCHEMA.version
    again = push(central, "a", device_side.pending(a))  # a lost response: re-sent, harmless
    assert again.acked_seq == 1 and again.applied == 0
    pulled = pull(central, "b", 0)
    assert [c.value["note"] for c in pulled.changes] == ["hello"] and not pulled.more
    assert pull(central, "a", 0).changes == []  # a device is not sent its own changes


def test_version_mismatch_names_the_version_needed(make_central) -> None:
    central = make_central()
    old = new_replica(make_schema(version=2), device_id="old")
    central.register_device("old", ["s1"])
    with pytest.raises(VersionMismatch, match="needs schema testapp version 1"):
        sync(old, in_process(central))
    request = PullRequest(
        protocol_version=99, schema_name="testapp", schema_version=1, device_id="old"
    )
    with pytest.raises(VersionMismatch, match=f"protocol version {PROTOCOL_VERSION}"):
        from kenttä_sync.transport.protocol import _answer

        _answer(SCHEMA, handle(central, request.model_dump_json().encode()))
    # nothing was lost: the changes wait in the device's log
    with old.transaction("u") as tx:
        tx.insert("party", {"scope": "s1"})
    assert len(device_side.pending(old)) == 1


def test_an_unenrolled_device_gets_nothing(make_central) -> None:
    central = make_central()
    stranger = new_replica(device_id="stranger")
    with pytest.raises(SyncError, match="not enrolled"):
        sync(stranger, in_process(central))


def test_a_device_receives_only_its_scopes(make_central) -> None:
    central = make_central()
    writer = _device(central, "w", ("s1", "s2"))
    only1 = _device(central, "o", ("s1",))
    with writer.transaction("u") as tx:
        tx.insert("party", {"scope": "s1", "note": "one"})
        tx.insert("party", {"scope": "s2", "note": "two"})
    send = in_process(central)
    sync(writer, send)
    sync(only1, send)
    assert only1.conn.execute("SELECT note FROM party").fetchall() == [("one",)]
    assert canonical_export(only1.db, SCHEMA) == canonical_export(central.db, SCHEMA, ["s1"])


def test_a_sequence_gap_is_refused(make_central) -> None:
    central = make_central()
    a = _device(central, "a")
    for i in range(3):
        with a.transaction("u") as tx:
            tx.insert("party", {"scope": "s1", "level": i})
    changes = device_side.pending(a)
    request = PushRequest(
        schema_name="testapp", schema_version=1, device_id="a", changes=changes[1:]
    )
    answer = handle(central, request.model_dump_json().encode())
    assert b"sequence_gap" in answer and b"resend from 1" in answer


def test_pulls_in_small_batches_never_cut_a_transaction(make_central) -> None:
    central = make_central()
    a, b = _device(central, "a"), _device(central, "b")
    for n in (3, 1, 4):
        with a.transaction("u") as tx:
            for i in range(n):
                tx.insert("party", {"scope": "s1", "level": i})
    sync(a, in_process(central))
    sizes = []
    while True:
        before = device_side.cursor(b)
        more = pull_once(b, in_process(central), limit=2)
        sizes.append(b.conn.execute("SELECT COUNT(*) FROM party").fetchone()[0])
        assert device_side.cursor(b) >= before
        if not more:
            break
    assert sizes == [3, 8, 8]  # never a part of the 4-row transaction


def test_kentta_sync_imports_nothing_from_kentta() -> None:
    for path in SYNC_SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] != "kenttä", f"{path.name} imports {name}"
    code = (  # import every module (optional extras may be missing: those are skipped)
        "import sys, pkgutil, importlib, kenttä_sync\n"
        "for m in pkgutil.walk_packages(kenttä_sync.__path__, 'kenttä_sync.'):\n"
        "    try:\n"
        "        importlib.import_module(m.name)\n"
        "    except ModuleNotFoundError as exc:\n"
        "        assert not (exc.name or '').startswith('kenttä'), exc\n"
        "bad = [n for n in sys.modules if n == 'kenttä' or n.startswith('kenttä.')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
