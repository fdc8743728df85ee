"""Seeding at scale (small numbers here; the benchmark runs the big one)."""

from __future__ import annotations

from datetime import date

from kenttä.domain.identifiers import parse_henkilotunnus
from kenttä.services.data.seed import seed, seeded_henkilotunnus
from kenttä.store import fts
from kenttä.store.db import Store


def test_seed_writes_every_row_with_its_change(store: Store) -> None:
    progress: list[int] = []
    result = seed(
        store, clients=120, notes_per_client=3, today=date(2026, 11, 22), batch_rows=100,
        progress=progress.append,
    )  # fmt: skip
    assert (result.clients, result.notes) == (120, 360)
    assert sum(progress) == 480 and len(progress) > 1  # several transactions
    conn = store.conn
    assert conn.execute("SELECT count(*) FROM clients").fetchone() == (120,)
    assert conn.execute("SELECT count(*) FROM notes").fetchone() == (360,)
    assert conn.execute("SELECT count(*) FROM _changes WHERE op = 'insert'").fetchone() == (480,)
    orphans = conn.execute(
        "SELECT count(*) FROM notes WHERE client_id NOT IN (SELECT id FROM clients)"
    ).fetchone()
    assert orphans == (0,)
    assert fts.missing_triggers(conn) == []
    assert fts.search_notes(conn, "asiakas")  # the index was rebuilt


def test_seeding_again_adds_new_people(store: Store) -> None:
    seed(store, clients=50)
    seed(store, clients=50)
    codes = [r[0] for r in store.conn.execute("SELECT henkilotunnus FROM clients")]
    assert len(codes) == 100 == len(set(codes))
    assert all(parse_henkilotunnus(c).temporary for c in codes)


def test_seeded_codes_are_unique_and_synthetic() -> None:
    codes = {seeded_henkilotunnus(n)[0] for n in range(0, 300_000, 7)}
    assert len(codes) == len(range(0, 300_000, 7))
    for n in (0, 99, 100, 123_456):
        code, birth, male = seeded_henkilotunnus(n)
        identity = parse_henkilotunnus(code)
        assert identity.temporary and identity.birth_date == birth
        assert (identity.sex == "male") == male
