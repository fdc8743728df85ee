"""Convergence under random work, skewed clocks and unreliable syncs (hypothesis).

3 to 5 devices with random scopes and clocks up to 48 hours off (some jump back), random
creates, updates, deletes, erasures and natural-key duplicates, and random push/pull
schedules where requests are duplicated, replayed late, lose their response or are cut
mid-apply. After a final full sync:

* every device's canonical export equals the central store's export for its scopes;
* the conflict records equal the concurrent same-field write pairs, counted here from the
  authored changes alone: writes (updates and resolutions) of the same (table, row, column)
  with the same prev_stamp, on rows that did not end erased;
* every change a device authored is in the central log;
* a task whose state was ever set to a final (sticky) value holds a final value;
* no personal value written to a row that ended erased is left in any table of any replica
  (rows, change logs, conflicts).

On PostgreSQL three store instances (connections, as three server processes) take the
requests in turn. CI=true runs 200 examples per backend; elsewhere
HYPOTHESIS_SYNC_EXAMPLES (default 30).
"""

from __future__ import annotations

import contextlib
import itertools
import os
from collections import Counter
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from kenttä_sync.central.store import CentralStore, SequenceGap
from kenttä_sync.device import state as device_side
from kenttä_sync.device.replica import LocalReplica
from kenttä_sync.ground.changes import CHANGE_LOG_COLUMNS, Op, row_to_change
from kenttä_sync.ground.export import canonical_export
from kenttä_sync.ground.ids import uuid7
from kenttä_sync.transport.protocol import SyncError, handle, in_process, pull_once, push_once, sync

from tests.sync.sync_helpers import SCHEMA, dump_text, live_rows, new_replica

EXAMPLES = (
    200 if os.environ.get("CI") == "true" else int(os.environ.get("HYPOTHESIS_SYNC_EXAMPLES", "30"))
)
HOUR = 3_600_000
BASE = 1_790_000_000_000
SCOPES = ("s1", "s2")
KEYS = ("K1", "K2", "K3")


class Cut(Exception):
    """A simulated network cut or crash."""


@dataclass
class Sim:
    now: int = BASE
    tokens: itertools.count = field(default_factory=lambda: itertools.count(1))
    personal: dict[str, tuple[str, str]] = field(default_factory=dict)  # token -> (table, row)
    captured: list[bytes] = field(default_factory=list)
    compact: bool = False  # compact the central log at random points
    dropped: set[str] = field(default_factory=set)  # change ids compaction dropped
    compactions: int = 0

    def token(self, table: str, row: str | None = None) -> str:
        value = f"pv{next(self.tokens):05d}x"
        if row is not None:
            self.personal[value] = (table, row)
        return value


@dataclass
class Dev:
    replica: LocalReplica
    scopes: list[str]
    skew: list[int]


FINAL = ("done", "void")  # the sticky values of task.state (sync_helpers.make_schema)


def local_state(dev: Dev, task: str) -> str | None:
    row = dev.replica.conn.execute("SELECT state FROM task WHERE id = ?", (task,)).fetchone()
    return row[0] if row else None


def do_write(data: st.DataObject, sim: Sim, dev: Dev) -> None:
    kind = data.draw(
        st.sampled_from(
            [
                "party",
                "party",
                "dup",
                "update",
                "update",
                "update",
                "update",
                "update",
                "delete",
                "erase",
                "task",
                "task_update",
                "task_update",
                "task_state",
                "entry",
                "tx",
                "resolve",
            ]
        )
    )
    replica = dev.replica
    if kind == "resolve":
        open_conflicts = replica.conn.execute(
            "SELECT id FROM _conflicts WHERE resolved_stamp IS NULL ORDER BY id"
        ).fetchall()
        if open_conflicts:
            conflict = data.draw(st.sampled_from(open_conflicts))[0]
            with replica.transaction("supervisor") as tx:
                tx.resolve(conflict, choose=data.draw(st.sampled_from(["a", "b"])))
            return
        kind = "update"
    parties = live_rows(replica, "party", dev.scopes)
    tasks = live_rows(replica, "task", dev.scopes)
    with replica.transaction("user") as tx:
        if kind in ("party", "dup", "tx") or not parties:
            scope = data.draw(st.sampled_from(dev.scopes))
            key = (
                data.draw(st.sampled_from(KEYS))
                if kind == "dup"
                else data.draw(st.one_of(st.none(), st.sampled_from(KEYS)))
            )
            row = uuid7()
            tx.insert(
                "party",
                {
                    "id": row,
                    "scope": scope,
                    "key": key,
                    "level": 0,
                    "name": sim.token("party", row),
                },
            )
            if kind == "tx":
                task = uuid7()
                tx.insert(
                    "task",
                    {
                        "id": task,
                        "scope": scope,
                        "party_id": row,
                        "state": "new",
                        "title": sim.token("task", task),
                    },
                )
            return
        # mostly the oldest rows (same order on every device): concurrent edits happen
        party, scope = parties[data.draw(st.integers(0, min(len(parties) - 1, 2)))]
        if kind == "update":
            col = data.draw(st.sampled_from(["name", "note", "note", "level", "active"]))
            value = {
                "name": sim.token("party", party),
                "note": sim.token("party"),
                "level": data.draw(st.integers(0, 3)),
                "active": data.draw(st.booleans()),
            }[col]
            tx.update("party", party, {col: value})
        elif kind == "delete":
            tx.delete("party", party)
        elif kind == "erase":
            tx.erase("party", party)
        elif kind == "task":
            task = uuid7()
            tx.insert(
                "task",
                {
                    "id": task,
                    "scope": scope,
                    "party_id": party,
                    "state": "new",
                    "amount": 1.5,
                    "title": sim.token("task", task),
                },
            )
        elif kind == "entry":
            row = uuid7()
            tx.insert(
                "entry",
                {"id": row, "scope": scope, "party_id": party, "body": sim.token("entry", row)},
            )
        elif kind in ("task_update", "task_state") and tasks:
            task, _ = tasks[data.draw(st.integers(0, min(len(tasks) - 1, 1)))]
            col = (
                "state" if kind == "task_state" else data.draw(st.sampled_from(["title", "amount"]))
            )
            value = {
                "title": sim.token("task", task),
                "state": data.draw(st.sampled_from(["a", "b", "done", "void"])),
                "amount": data.draw(st.sampled_from([1.0, 2.5])),
            }[col]
            if col == "state" and value not in FINAL and local_state(dev, task) in FINAL:
                return  # a final state is refused locally (tested in test_sync_merge)
            tx.update("task", task, {col: value})


def do_sync(data: st.DataObject, sim: Sim, central: CentralStore, dev: Dev) -> None:
    send = in_process(central)
    replica = dev.replica
    mode = data.draw(
        st.sampled_from(
            [
                "push",
                "pull",
                "full",
                "full",
                "full",
                "lost_push_reply",
                "cut_pull",
                "replay",
                "dup_pull",
                "stale_pull",
            ]
        )
    )
    limit = data.draw(st.sampled_from([1, 3, 1000]))

    def capturing(payload: bytes) -> bytes:
        sim.captured.append(payload)
        return send(payload)

    if mode == "push":
        push_once(replica, capturing, limit)
    elif mode == "pull":
        pull_once(replica, send, limit)
    elif mode == "full":
        sync(replica, capturing, limit)
    elif mode == "lost_push_reply":

        def lost(payload: bytes) -> bytes:
            capturing(payload)
            raise Cut

        with pytest.raises(Cut):
            if not push_once(replica, lost, limit):
                raise Cut
    elif mode == "cut_pull":
        start = device_side.cursor(replica)
        changes, new_cursor, _ = central.pull(replica.device_id, start, limit)
        with pytest.raises(Cut), replica.db.transaction():
            replica.engine().apply(changes)
            raise Cut
        replica._clock = None
        assert device_side.cursor(replica) == start
    elif mode == "replay" and sim.captured:
        old = data.draw(st.sampled_from(sim.captured))
        handle(central, old)  # a late duplicate: harmless, or refused as a sequence gap
    elif mode == "dup_pull":
        start = device_side.cursor(replica)
        changes, new_cursor, _ = central.pull(replica.device_id, start, limit)
        device_side.apply_pull(replica, changes, new_cursor, start)
        device_side.apply_pull(replica, changes, new_cursor, start)
    elif mode == "stale_pull":  # an old response arrives after a newer one: ignored
        start = device_side.cursor(replica)
        old = central.pull(replica.device_id, start, limit)
        pull_once(replica, send, limit)
        pull_once(replica, send, limit)
        device_side.apply_pull(replica, old[0], old[1], start)


def final_sync(central: CentralStore, devs: list[Dev]) -> None:
    send = in_process(central)
    for _ in range(3):
        for dev in devs:
            sync(dev.replica, send, 1000)


def authored(dev: Dev) -> list:
    cols = ", ".join(CHANGE_LOG_COLUMNS)
    rows = dev.replica.conn.execute(
        f"SELECT {cols} FROM _changes WHERE device_id = ?", (dev.replica.device_id,)
    ).fetchall()
    return [row_to_change(r) for r in rows]


def check(central: CentralStore, devs: list[Dev], sim: Sim) -> None:
    for dev in devs:
        assert canonical_export(dev.replica.db, SCHEMA) == canonical_export(
            central.db, SCHEMA, dev.scopes
        ), f"device {dev.replica.device_id} diverged"
    erased = set()
    for spec in SCHEMA.tables:
        for (row_id,) in central.db.execute(
            f"SELECT id FROM {spec.name} WHERE _erased IS NOT NULL"
        ):
            erased.add((spec.name, row_id))
    central_ids = {c.change_id for c in central.log()}
    pairs: Counter = Counter()
    for dev in devs:
        mine = authored(dev)
        logged = central_ids | sim.dropped  # compacted: dropped, once every device had it
        assert {c.change_id for c in mine} <= logged, "an acknowledged change is missing"
        assert device_side.acked_seq(dev.replica) == max((c.device_seq for c in mine), default=0)
        for c in mine:
            if c.op in (Op.UPDATE, Op.RESOLVE) and (c.table, c.row_id) not in erased:
                pairs[(c.table, c.row_id, c.column, c.prev_stamp)] += 1
    finished = {
        c.row_id
        for dev in devs
        for c in authored(dev)
        if c.table == "task" and c.column == "state" and c.value in FINAL
    }
    for row_id in finished:  # a final value outranks every concurrent or later other write
        rows = central.db.execute("SELECT state FROM task WHERE id = ?", (row_id,))
        assert not rows or rows[0][0] in FINAL, "a final state was overwritten"
    expected = sum(n * (n - 1) // 2 for n in pairs.values())
    (conflicts,) = central.db.execute("SELECT COUNT(*) FROM _conflicts")[0]
    assert conflicts == expected
    (merges,) = central.db.execute("SELECT COUNT(*) FROM _merges")[0]
    event(f"conflicts: {min(conflicts, 3)}{'+' if conflicts >= 3 else ''}")
    (resolved,) = central.db.execute(
        "SELECT COUNT(*) FROM _conflicts WHERE resolved_stamp IS NOT NULL"
    )[0]
    event(f"resolved conflicts: {'yes' if resolved else 'no'}")
    event(f"merges: {'yes' if merges else 'no'}; erased rows: {'yes' if erased else 'no'}")
    gone = [t for t, row in sim.personal.items() if row in erased]
    for db in [central.db, *(d.replica.db for d in devs)]:
        text = dump_text(db)
        survivors = [t for t in gone if t in text]
        assert not survivors, f"erased values survive: {survivors[:3]}"


def run(data: st.DataObject, central: CentralStore, sim: Sim) -> None:
    n = data.draw(st.integers(3, 5), label="devices")
    devs: list[Dev] = []
    for i in range(n):
        skew = [data.draw(st.sampled_from([-48 * HOUR, 0, 48 * HOUR, 3 * HOUR]), label="skew")]
        scopes = (
            ["s1", "s2"]
            if i < 2
            else data.draw(st.sampled_from([["s1"], ["s2"], ["s1", "s2"]]), label="scopes")
        )
        replica = new_replica(device_id=f"d{i}", wall=lambda s=skew: sim.now + s[0])
        central.register_device(replica.device_id, scopes)
        devs.append(Dev(replica, scopes, skew))
    if data.draw(st.booleans(), label="shared start"):  # rows every device has: edits collide
        with devs[0].replica.transaction("user") as tx:
            for scope in SCOPES:
                row = uuid7()
                tx.insert("party", {"id": row, "scope": scope, "name": sim.token("party", row)})
        final_sync(central, devs)
    steps = data.draw(st.integers(5, 60), label="steps")
    for _ in range(steps):
        sim.now += data.draw(st.integers(0, 2000))
        dev = data.draw(st.sampled_from(devs))
        actions = ["write", "write", "sync", "sync", "jump"] + (["compact"] if sim.compact else [])
        action = data.draw(st.sampled_from(actions))
        if action == "compact":
            compact(central, sim)
        elif action == "write":
            do_write(data, sim, dev)
        elif action == "sync":
            with contextlib.suppress(SyncError, SequenceGap):
                do_sync(data, sim, central, dev)
        elif dev.skew[0] > -50 * HOUR:  # the clock jumps back (never beyond -53 h in all)
            dev.skew[0] -= data.draw(st.sampled_from([HOUR, 3 * HOUR]))
    if sim.compact:
        compact(central, sim)
    final_sync(central, devs)
    if sim.compact:  # and once more when every device has seen everything
        compact(central, sim)
        final_sync(central, devs)
    check(central, devs, sim)
    if sim.compact:
        event(f"compactions that dropped entries: {min(sim.compactions, 2)}")


def compact(central: CentralStore, sim: Sim) -> None:
    """Compact the central log, noting which entries went."""
    before = {c.change_id for c in central.log()}
    dropped = central.compact_log()
    gone = before - {c.change_id for c in central.log()}
    assert len(gone) == dropped
    sim.dropped |= gone
    sim.compactions += bool(dropped)


SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)


@SETTINGS
@given(data=st.data())
def test_convergence_sqlite(data: st.DataObject) -> None:
    from kenttä_sync.central.store import open_sqlite

    sim = Sim()
    central = open_sqlite(":memory:", SCHEMA, wall=lambda: sim.now)
    try:
        run(data, central, sim)
    finally:
        central.close()


class Servers:
    """Several central-store instances over one PostgreSQL database (server processes
    behind a balancer): each push and pull goes to the next; anything else to the first."""

    def __init__(self, stores: list[CentralStore]) -> None:
        self.stores = stores
        self._turn = itertools.cycle(stores)

    def push(self, *args, **kwargs):
        return next(self._turn).push(*args, **kwargs)

    def pull(self, *args, **kwargs):
        return next(self._turn).pull(*args, **kwargs)

    def __getattr__(self, name: str):
        return getattr(self.stores[0], name)


@SETTINGS
@given(data=st.data())
def test_compaction_at_random_points_changes_no_outcome_sqlite(data: st.DataObject) -> None:
    """The same checks with the central log compacted at random points: every device
    converges and the conflict records are exactly the concurrent pairs, as without."""
    from kenttä_sync.central.store import open_sqlite

    sim = Sim(compact=True)
    central = open_sqlite(":memory:", SCHEMA, wall=lambda: sim.now)
    try:
        run(data, central, sim)
    finally:
        central.close()


@pytest.mark.postgres
@SETTINGS
@given(data=st.data(), compact=st.booleans())
def test_convergence_postgres(pg_cluster: str, data: st.DataObject, compact: bool) -> None:
    from kenttä_sync.central.store import open_postgres

    from tests.sync.sync_helpers import pg_namespace

    sim = Sim(compact=compact)
    conninfo = pg_namespace(pg_cluster)
    stores = [open_postgres(conninfo, SCHEMA, wall=lambda: sim.now) for _ in range(3)]
    try:
        run(data, Servers(stores), sim)  # type: ignore[arg-type]
    finally:
        for store in stores:
            store.close()
