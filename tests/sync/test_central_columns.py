"""A central store made by an earlier version gets the columns the schema added since, when
it is opened again (`CentralStore.install`), on either backend: a push writing the new
column is stored, and what the store held before is kept."""

from __future__ import annotations

from pathlib import Path

from kenttä_sync.central.store import CentralStore, open_postgres, open_sqlite
from kenttä_sync.ground.schema import SyncSchema
from kenttä_sync.transport.protocol import in_process, sync

from tests.sync.sync_helpers import SCHEMA, new_replica, pg_namespace


def _wider(schema: SyncSchema) -> SyncSchema:
    """The same schema with a column added to `party` and one to `entry`."""
    tables = []
    for spec in schema.tables:
        extra = {"party": {"phone": "text"}, "entry": {"minutes": "integer"}}.get(spec.name, {})
        tables.append(spec.model_copy(update={"columns": {**spec.columns, **extra}}))
    return schema.model_copy(update={"tables": tuple(tables)})


def test_reopening_adds_the_new_columns(backend: str, request, tmp_path: Path) -> None:
    def open_store(schema: SyncSchema) -> CentralStore:
        if backend == "postgres":
            return open_postgres(where, schema)
        return open_sqlite(where, schema)

    where = (
        pg_namespace(request.getfixturevalue("pg_cluster"))
        if backend == "postgres"
        else str(tmp_path / "central.db")
    )
    old = open_store(SCHEMA)
    first = new_replica(device_id="a")
    old.register_device("a", ["s1"])
    with first.transaction("u") as tx:
        tx.insert("party", {"scope": "s1", "name": "Vanha"})
    sync(first, in_process(old))
    old.close()

    wider = _wider(SCHEMA)
    central = open_store(wider)
    try:
        device = new_replica(wider, device_id="b")
        central.register_device("b", ["s1"])
        with device.transaction("u") as tx:
            tx.insert("party", {"scope": "s1", "name": "Uusi", "phone": "0401234567"})
        sync(device, in_process(central))
        rows = central.db.execute("SELECT name, phone FROM party ORDER BY name")
        assert [tuple(r) for r in rows] == [("Uusi", "0401234567"), ("Vanha", None)]
        assert central.db.execute("SELECT minutes FROM entry") == []
        # a third opening finds nothing missing and changes nothing
        again = open_store(wider)
        again.close()
        assert len(central.db.execute("SELECT name FROM party")) == 2
    finally:
        central.close()
