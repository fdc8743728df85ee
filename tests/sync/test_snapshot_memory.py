"""The office writes a snapshot in bounded memory: every table is read through a cursor in
pages (a server-side cursor on PostgreSQL, batches on SQLite), never whole, so a scope of
any size costs the office about one page of rows. Proved by the peak of Python allocations
while a snapshot is written, set against the size of the rows it carries."""

from __future__ import annotations

import gzip
import io
import random
import tracemalloc

from kenttä_sync.central.snapshot import encode
from kenttä_sync.device.snapshot import apply_snapshot, decode
from kenttä_sync.ground.export import canonical_export
from kenttä_sync.transport.protocol import in_process, sync

from tests.sync.sync_helpers import SCHEMA, new_replica

ROWS = 2000
BODY = 2000  # characters of each entry's body: ROWS × BODY ≈ 4 MB of text, well above a page


class Sink(io.RawIOBase):
    """A write-only file that keeps nothing (only the count of bytes)."""

    def __init__(self) -> None:
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:  # type: ignore[no-untyped-def, override]
        self.size += len(data)
        return len(data)


def _indexes(replica) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return replica.conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"
    ).fetchall()


def _text(rng: random.Random) -> str:
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyzäö ") for _ in range(BODY))


def test_a_snapshot_is_written_a_page_at_a_time_whatever_the_tables_size(make_central) -> None:
    central = make_central()
    central.register_device("writer", ["s1"])
    writer = new_replica(device_id="writer")
    rng = random.Random(18)
    with writer.transaction("u") as tx:
        for _ in range(ROWS):
            party = tx.insert("party", {"scope": "s1", "name": "x"})
            tx.insert("entry", {"scope": "s1", "party_id": party, "body": _text(rng)})
    sync(writer, in_process(central))
    central.register_device("fresh", ["s1"])
    carried = ROWS * BODY

    sink = Sink()
    tracemalloc.start()
    try:
        encode(central.snapshot("fresh", page=10), sink)  # type: ignore[arg-type]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert sink.size > 0
    # a table read whole would hold every body at once (over `carried` bytes); a page of
    # 10 rows holds about 10 × 4 KB (ä and ö: two bytes a character), with its JSON line and gzip's buffers
    assert peak < carried / 4, f"peak {peak} bytes while writing {carried} bytes of bodies"

    # and what was written in pages is the whole scope: a fresh device ends as the office
    buffer = io.BytesIO()
    encode(central.snapshot("fresh", page=10), buffer)
    lines = gzip.decompress(buffer.getvalue()).splitlines()
    assert len(lines) > 2 * ROWS // 10  # many pages, not one per table
    buffer.seek(0)
    fresh = new_replica(device_id="fresh")
    indexes = _indexes(fresh)
    assert indexes  # the schema's secondary indexes: dropped for the load, made again after
    assert apply_snapshot(fresh, decode(buffer)) == 2 * ROWS
    assert _indexes(fresh) == indexes
    sync(fresh, in_process(central))
    assert canonical_export(fresh.db, SCHEMA) == canonical_export(central.db, SCHEMA, ["s1"])
