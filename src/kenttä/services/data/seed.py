"""Synthetic data at scale (`kenttä seed`): clients and notes for benchmarks and load tests.

Every row goes through `Transaction.bulk_insert`, so each has its change-log entry, in
transactions of about `batch_rows` rows. The FTS triggers are dropped for the load and the
indexes rebuilt once at the end (`store.fts.suspended_triggers`). Henkilötunnus are synthetic
(individual numbers 900–999) and unique: the n-th seeded client of a database gets a code
derived from n, so seeding the same database again adds new people rather than duplicates.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from kenttä_sync.ground import uuid7

from kenttä.domain import localtime
from kenttä.services.data import synthetic as syn
from kenttä.store import fts
from kenttä.store.db import Store

SEED_AUTHOR = "seed"
TOWNS = ("297", "749", "778", "857", "686", "844", "921", "179", "698", "148", "890")
TOWN_SCOPES = {"179": "jyvaskyla", "698": "lappi", "148": "lappi", "890": "lappi"}
PROGRAMMES = {"kuopio": ("TOPI", "KUOPIO", "VALKE"), "jyvaskyla": ("VIRTAA",),
              "lappi": ("POLKU",)}  # fmt: skip
STATUSES = ("contacted", "met", "participating", "participating", "finished", "declined")
OWNERS = ("maija.koskinen", "jari.heikkinen", "sanna.rasanen", "pekka.hyvonen", "laura.salo",
          "antti.niemi", "kirsi.aikio")  # fmt: skip
NOTE_KINDS = ("meeting", "meeting", "meeting", "phone", "phone", "home_visit", "group")
BIRTH_BASE = date(1965, 1, 1)


@dataclass(frozen=True)
class SeedResult:
    clients: int
    notes: int
    seconds: float
    index_seconds: float = 0.0  # of which: rebuilding the FTS indexes at the end


def seeded_henkilotunnus(n: int) -> tuple[str, date, bool]:
    """The n-th synthetic code: (henkilötunnus, birth date, male); unique for n < 1.46 M."""
    individual = 900 + n % 100
    birth = BIRTH_BASE + timedelta(days=(n // 100) * 13 % (40 * 365))
    return syn.henkilotunnus(birth, individual), birth, individual % 2 == 1


class _Generator:
    def __init__(self, seed: int, today: date, offset: int) -> None:
        self.rng = random.Random(seed * 1_000_003 + offset)
        self.today = today
        self.n = offset

    def client(self) -> dict[str, Any]:
        rng = self.rng
        code, birth, male = seeded_henkilotunnus(self.n)
        self.n += 1
        first, last = syn.person_name(rng, not male)
        town = rng.choice(TOWNS)
        scope = TOWN_SCOPES.get(town, "kuopio")
        entry = self.today - timedelta(days=rng.randrange(1, 900))
        return {
            "henkilotunnus": code,
            "first_name": first,
            "last_name": last,
            "birth_date": birth,
            "sex": "male" if male else "female",
            "gender": "man" if male else "woman",
            "municipality": town,
            "language": "fi",
            "phone": syn.phone(rng),
            "labour_status": "long_term_unemployed",
            "unemployed_since": entry - timedelta(days=rng.randrange(30, 2000)),
            "benefit_days": rng.randrange(0, 900),
            "referral_source": "te_office",
            "programme": rng.choice(PROGRAMMES[scope]),
            "status": rng.choice(STATUSES),
            "owner": rng.choice(OWNERS),
            "consent": True,
            "entry_date": entry,
            "scope": scope,
        }

    def notes(self, client_id: str, client: dict[str, Any], count: int) -> list[dict[str, Any]]:
        rng = self.rng
        entry: date = client["entry_date"]
        span = max((self.today - entry).days, 1)
        start = datetime(entry.year, entry.month, entry.day, 8, tzinfo=UTC)
        return [
            {
                "client_id": client_id,
                "author": client["owner"],
                "written_at": (
                    start + timedelta(days=rng.randrange(span), minutes=rng.randrange(480))
                ).isoformat(),
                "kind": rng.choice(NOTE_KINDS),
                "body": syn.note_text(rng),
                "scope": client["scope"],
            }
            for _ in range(count)
        ]


def seed(
    store: Store,
    *,
    clients: int,
    notes_per_client: int = 0,
    random_seed: int = 2016,
    today: date | None = None,
    batch_rows: int = 50_000,
    progress: Callable[[int], None] | None = None,
) -> SeedResult:
    """Add `clients` clients with `notes_per_client` notes each; progress(rows) per batch."""
    if clients < 0 or notes_per_client < 0:
        raise ValueError("counts must not be negative")
    started = time.perf_counter()
    conn = store.conn
    offset = conn.execute("SELECT count(*) FROM clients").fetchone()[0]
    gen = _Generator(random_seed, today or localtime.today(), offset)
    per_batch = max(1, batch_rows // (1 + notes_per_client))
    conn.execute("PRAGMA cache_size = -262144")  # 256 MB while loading
    made_notes = 0
    try:
        with fts.suspended_triggers(conn, ["notes_fts", "clients_fts"]):
            done = 0
            while done < clients:
                count = min(per_batch, clients - done)
                client_rows, note_rows = [], []
                for _ in range(count):
                    row = gen.client()
                    row["id"] = uuid7()
                    client_rows.append(row)
                    note_rows += gen.notes(row["id"], row, notes_per_client)
                with store.replica.transaction(SEED_AUTHOR) as tx:
                    tx.bulk_insert("clients", client_rows)
                    tx.bulk_insert("notes", note_rows)
                done += count
                made_notes += len(note_rows)
                if progress:
                    progress(len(client_rows) + len(note_rows))
            loaded = time.perf_counter()
        indexed = time.perf_counter() - loaded
    finally:
        conn.execute("PRAGMA cache_size = -65536")
    conn.execute("PRAGMA optimize")
    return SeedResult(clients, made_notes, time.perf_counter() - started, indexed)
