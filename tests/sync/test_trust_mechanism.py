"""The office's checks as the sync module offers them, domain-free (issue 12): value checks
against the schema's column types and a per-role policy declared in the schema, on the
neutral test schema, on SQLite and PostgreSQL (the app's own declaration is tested in
tests/security)."""

from __future__ import annotations

import math
import time

from kenttä_sync.ground.changes import Change
from kenttä_sync.ground.policy import RolePolicy, TableAccess
from kenttä_sync.transport.protocol import in_process, sync

from tests.sync.sync_helpers import SCHEMA, new_replica

POLICIES = {
    "viewer": RolePolicy(tables={"party": TableAccess(read=("name",), write=())}),
    "clerk": RolePolicy(tables={"party": TableAccess(read="*", write=("note",))}),
}


class Pusher:
    """Hand-made changes of one enrolled device, pushed straight to the central store."""

    def __init__(self, central, device_id: str = "dev") -> None:
        self.central, self.device_id, self.seq = central, device_id, 0
        central.register_device(device_id, ["s1"])

    def change(self, table: str, row_id: str, op: str, column=None, value=None) -> Change:
        self.seq += 1
        return Change(
            change_id=f"{self.device_id}:{self.seq}", device_id=self.device_id,
            device_seq=self.seq, table=table, row_id=row_id, column=column, op=op,
            value=value, stamp=f"{int(time.time() * 1000):016d}-{self.seq:05d}-{self.device_id}",
            tx_id=f"tx{self.seq}", author="u",
        )  # fmt: skip


def test_values_outside_the_column_types_are_refused(make_central) -> None:
    central = make_central()
    dev = Pusher(central)
    bad = [
        ("task", {"scope": "s1", "amount": math.nan}),
        ("task", {"scope": "s1", "amount": math.inf}),
        ("task", {"scope": "s1", "amount": "12"}),
        ("party", {"scope": "s1", "active": 2}),
        ("party", {"scope": "s1", "level": True}),
        ("party", {"scope": "s1", "level": -(2**63) - 1}),
        ("party", {"scope": "s1", "name": ["a"]}),
        ("party", {"scope": "s1", "unknown": "x"}),
    ]
    changes = [
        dev.change(table, f"r{i}", "insert", value=row) for i, (table, row) in enumerate(bad)
    ]
    changes.append(dev.change("task", "ok", "insert", value={"scope": "s1", "amount": 1.5}))
    result = central.push("dev", changes)

    assert [c for c, _, _ in result.rejected] == [c.change_id for c in changes[:-1]]
    assert result.applied == 1
    assert [tuple(r) for r in central.db.execute("SELECT id, amount FROM task")] == [("ok", 1.5)]


def test_a_policy_limits_what_a_role_receives_and_writes(make_central) -> None:
    central = make_central(SCHEMA.model_copy(update={"policies": POLICIES}))
    writer = new_replica(device_id="w")
    central.register_device("w", ["s1"])
    with writer.transaction("u") as tx:
        party = tx.insert("party", {"scope": "s1", "name": "Testi", "note": "salainen", "level": 3})
        tx.insert("task", {"scope": "s1", "party_id": party, "title": "tehtävä"})
    sync(writer, in_process(central))  # an in-process caller has no role: not limited

    viewer = new_replica(device_id="v")
    central.register_device("v", ["s1"])
    central.role = "viewer"
    sync(viewer, in_process(central))
    rows = viewer.conn.execute("SELECT scope, name, note, level FROM party").fetchall()
    assert rows == [("s1", "Testi", None, None)]  # the scope column is always sent
    assert viewer.conn.execute("SELECT count(*) FROM task").fetchone() == (0,)

    central.role = "clerk"
    dev = Pusher(central, "e")
    result = central.push(
        "e",
        [
            dev.change("party", party, "update", "note", "uusi"),
            dev.change("party", party, "update", "name", "Toinen"),
            dev.change("party", party, "delete"),
            dev.change("party", "p2", "insert", value={"scope": "s1", "name": "X"}),
            dev.change("party", "p3", "insert", value={"scope": "s1", "note": "ok"}),
            dev.change("task", "t2", "insert", value={"scope": "s1"}),
        ],
    )
    assert [r for _, _, r in result.rejected] == [
        "a clerk's device may not write party.name",
        "a clerk's device may not delete party rows",
        "a clerk's device may not write party.name",
        "a clerk's device may not write task",
    ]
    stored = central.db.execute("SELECT id, name, note, _deleted FROM party ORDER BY id")
    assert sorted(tuple(r) for r in stored) == sorted(
        [(party, "Testi", "uusi", None), ("p3", None, "ok", None)]
    )
    central.role = "guest"  # a role the policies do not name may do nothing
    result = central.push("e", [dev.change("party", party, "update", "note", "x")])
    assert [r for _, _, r in result.rejected] == ["a guest's device may not write party"]
