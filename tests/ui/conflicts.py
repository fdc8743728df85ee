"""Make a real conflict: a local edit and a concurrent edit from another device."""

from __future__ import annotations

from kenttä_sync.ground.changes import Change, Op
from kenttä_sync.ground.hlc import HybridLogicalClock

from kenttä.services.clients import core as clients
from kenttä.services.context import Workspace

OTHER_DEVICE = "00000000000000aa"


def make_phone_conflict(ws: Workspace, client_id: str, *, local: str, remote: str) -> None:
    created = ws.store.conn.execute(
        "SELECT _stamp FROM clients WHERE id = ?", (client_id,)
    ).fetchone()[0]
    clients.update_client(ws, client_id, phone=local)
    clock = HybridLogicalClock(OTHER_DEVICE)
    change = Change(
        change_id=Change.make_id(OTHER_DEVICE, 1),
        device_id=OTHER_DEVICE,
        device_seq=1,
        table="clients",
        row_id=client_id,
        column="phone",
        op=Op.UPDATE,
        value=remote,
        stamp=clock.now().encode(),
        prev_stamp=created,
        tx_id="tx-other-1",
        author="toinen.valmentaja",
    )
    conn = ws.store.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        ws.store.replica.engine().apply([change])
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
