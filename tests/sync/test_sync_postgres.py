"""Several central-store instances over one PostgreSQL database (servers behind a balancer)."""

from __future__ import annotations

import threading

import pytest
from kenttä_sync.central.store import open_postgres
from kenttä_sync.device import state as device_side
from kenttä_sync.ground.export import canonical_export

from tests.sync.sync_helpers import SCHEMA, new_replica, pg_namespace

pytestmark = pytest.mark.postgres


def test_concurrent_pushes_through_several_instances_lose_nothing(pg_cluster: str) -> None:
    conninfo = pg_namespace(pg_cluster)
    # one instance (connection) per thread, as one per request in a server
    stores = [open_postgres(conninfo, SCHEMA) for _ in range(5)]
    writers = [new_replica(device_id=f"w{i}") for i in range(4)]
    for w in writers:
        stores[0].register_device(w.device_id, ["s1"])
        with w.transaction("u") as tx:
            for i in range(60):
                tx.insert("party", {"scope": "s1", "level": i})
        for i in range(40):  # many small transactions
            with w.transaction("u") as tx:
                tx.insert("party", {"scope": "s1", "note": f"{w.device_id}-{i}"})
    stores[0].register_device("reader", ["s1"])
    errors: list[BaseException] = []
    seen: list[str] = []
    done = threading.Event()

    batches: list[list[list]] = []  # per writer: pushes of whole transactions (sqlite3
    for w in writers:  # objects stay in this thread)
        pushes: list[list] = [[]]
        for change in device_side.pending(w, limit=10_000):
            if len(pushes[-1]) >= 7 and change.tx_id != pushes[-1][-1].tx_id:
                pushes.append([])
            pushes[-1].append(change)
        batches.append(pushes)

    def push(i: int) -> None:
        try:
            for changes in batches[i]:
                stores[i].push(f"w{i}", changes)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    def read() -> None:
        cursor = 0
        try:
            while True:
                finished = done.is_set()
                changes, cursor, more = stores[4].pull("reader", cursor, 13)
                seen.extend(c.change_id for c in changes)
                if finished and not more:
                    return
        except BaseException as exc:  # pragma: no cover
            errors.append(exc)

    reader = threading.Thread(target=read)
    reader.start()
    pushers = [threading.Thread(target=push, args=(i,)) for i in range(len(writers))]
    for t in pushers:
        t.start()
    for t in pushers:
        t.join()
    done.set()
    reader.join()
    assert not errors
    expected = {c.change_id for c in stores[0].log()}
    assert len(expected) == 4 * (60 + 40)
    assert len(seen) == len(set(seen)) and set(seen) == expected  # none skipped, none twice
    exports = {canonical_export(s.db, SCHEMA) for s in stores}
    assert len(exports) == 1
    for s in stores:
        s.close()
