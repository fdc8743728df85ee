"""PostgreSQL: pushes for different scopes run side by side (a lock per scope), pushes for
one scope follow each other, and a pull never skips a change committed late."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from kenttä_sync.central.store import CentralStore, open_postgres
from kenttä_sync.device import state as device_side

from tests.sync.sync_helpers import SCHEMA, new_replica, pg_namespace

pytestmark = pytest.mark.postgres
WAIT = 30  # seconds a step may take before the test gives up (never reached when it works)


def _changes(device_id: str, scope: str, rows: int = 3) -> list:
    replica = new_replica(device_id=device_id)
    with replica.transaction("u") as tx:  # an update too: it goes through `_check`
        for i in range(rows):
            row = tx.insert("party", {"scope": scope, "level": i})
        tx.update("party", row, {"level": rows})
    return device_side.pending(replica, limit=1000)


def _held(store: CentralStore) -> tuple[threading.Event, threading.Event]:
    """Make the store's next push stop inside its transaction (after its locks, while it
    checks its changes) until `release` is set; `entered` tells that it got there."""
    entered, release = threading.Event(), threading.Event()
    check: Callable = store._check

    def held(*args, **kwargs):
        entered.set()
        release.wait(WAIT)
        return check(*args, **kwargs)

    store._check = held  # type: ignore[method-assign]
    return entered, release


def _run(target: Callable[[], object], errors: list[BaseException]) -> threading.Thread:
    def body() -> None:
        try:
            target()
        except BaseException as exc:  # pragma: no cover - reported by the test
            errors.append(exc)

    thread = threading.Thread(target=body)
    thread.start()
    return thread


def _waiting_on_advisory_locks(store: CentralStore) -> int:
    return store.db.execute(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
    )[0][0]


def test_pushes_of_other_scopes_overlap_and_of_one_scope_wait(pg_cluster: str) -> None:
    conninfo = pg_namespace(pg_cluster)
    north, south, north2, reader = (open_postgres(conninfo, SCHEMA) for _ in range(4))
    north.register_device("n1", ["north"])
    north.register_device("n2", ["north"])
    north.register_device("s1", ["south"])
    north.register_device("r", ["north", "south"])
    entered, release = _held(north)
    errors: list[BaseException] = []
    try:
        slow = _run(lambda: north.push("n1", _changes("n1", "north")), errors)
        assert entered.wait(WAIT)
        # n1's push holds its transaction open; a push for another scope completes meanwhile
        other = _run(lambda: south.push("s1", _changes("s1", "south")), errors)
        other.join(WAIT)
        assert not other.is_alive() and not errors
        assert slow.is_alive()
        # … and a push for the same scope waits for n1's lock
        same = _run(lambda: north2.push("n2", _changes("n2", "north")), errors)
        for _ in range(WAIT * 20):
            if _waiting_on_advisory_locks(reader):
                break
            time.sleep(0.05)
        assert _waiting_on_advisory_locks(reader) == 1 and same.is_alive()
        # a pull now sees nothing of south's committed push: its positions lie after n1's,
        # still open; it is held back, not skipped
        early, cursor, more = reader.pull("r", 0)
        assert early == [] and not more
    finally:
        release.set()
    slow.join(WAIT)
    same.join(WAIT)
    assert not errors
    seen = []
    while True:
        changes, cursor, more = reader.pull("r", cursor, 2)
        seen.append([c.device_id for c in changes])
        if not more:
            break
    flat = [d for page in seen for d in page]
    assert sorted(flat) == ["n1"] * 4 + ["n2"] * 4 + ["s1"] * 4  # none skipped or twice
    for page in seen:  # each push was one transaction: never split over pages
        for device in set(page):
            assert page.count(device) == 4
    for store in (north, south, north2, reader):
        store.close()


def test_concurrent_pushes_in_many_scopes_through_several_instances(pg_cluster: str) -> None:
    conninfo = pg_namespace(pg_cluster)
    scopes = ["a", "b", "c", "d"]
    stores = [open_postgres(conninfo, SCHEMA) for _ in range(len(scopes) + 1)]
    batches: list[list[list]] = []
    for i, scope in enumerate(scopes):
        replica = new_replica(device_id=f"w{i}")
        stores[0].register_device(replica.device_id, [scope])
        for t in range(30):
            with replica.transaction("u") as tx:
                for k in range(1 + t % 4):
                    tx.insert("party", {"scope": scope, "note": f"{t}-{k}"})
        pushes: list[list] = [[]]
        for change in device_side.pending(replica, limit=10_000):
            if len(pushes[-1]) >= 9 and change.tx_id != pushes[-1][-1].tx_id:
                pushes.append([])
            pushes[-1].append(change)
        batches.append(pushes)
    stores[0].register_device("reader", scopes)
    errors: list[BaseException] = []
    pages: list[list] = []
    done = threading.Event()

    def push(i: int) -> None:
        for changes in batches[i]:
            stores[i].push(f"w{i}", changes)

    def read() -> None:
        cursor = 0
        while True:
            finished = done.is_set()
            changes, cursor, more = stores[-1].pull("reader", cursor, 5)
            pages.append(changes)
            if finished and not more:
                return

    reader = _run(read, errors)
    pushers = [_run(lambda i=i: push(i), errors) for i in range(len(scopes))]
    for t in pushers:
        t.join()
    done.set()
    reader.join()
    assert not errors
    seen = [c.change_id for page in pages for c in page]
    expected = {c.change_id for c in stores[0].log()}
    assert len(expected) == len(scopes) * sum(1 + t % 4 for t in range(30))
    assert len(seen) == len(set(seen)) and set(seen) == expected  # none skipped, none twice
    size = {}
    for c in stores[0].log():
        size[c.tx_id] = size.get(c.tx_id, 0) + 1
    for page in pages:  # every transaction whole on one page
        for tx in {c.tx_id for c in page}:
            assert sum(c.tx_id == tx for c in page) == size[tx]
    for s in stores:
        s.close()
