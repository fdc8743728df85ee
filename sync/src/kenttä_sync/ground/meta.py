"""Sync bookkeeping tables kept on every replica (device and central alike).

`_conflicts`  one row per concurrent same-field write pair (see engine.py for the definition).
              Its id is a hash of (table, row, column, lower stamp, higher stamp), so every
              replica makes the same record; `a` is the write with the lower stamp, the winner
              is always `b`. `resolved_*` are set by a resolve change (the lowest stamp wins
              when two supervisors resolve the same conflict concurrently).
`_merges`     one row per natural-key merge: `loser_id` now means `winner_id` in `tbl`.
Both tables converge and are part of the canonical export.
"""

from __future__ import annotations

import hashlib

from kenttä_sync.ground.schema import SyncSchema

CONFLICT_COLUMNS: tuple[str, ...] = (
    "id",
    "tbl",
    "row_id",
    "col",
    "stamp_a",
    "value_a",
    "author_a",
    "change_a",
    "stamp_b",
    "value_b",
    "author_b",
    "change_b",
    "resolved_stamp",
    "resolved_by",
    "resolved_change",
)
MERGE_COLUMNS: tuple[str, ...] = ("tbl", "loser_id", "winner_id", "stamp", "change_id")

META_DDL = """
CREATE TABLE IF NOT EXISTS _conflicts (
  id TEXT PRIMARY KEY,
  tbl TEXT NOT NULL,
  row_id TEXT NOT NULL,
  col TEXT NOT NULL,
  stamp_a TEXT NOT NULL,
  value_a TEXT,
  author_a TEXT NOT NULL,
  change_a TEXT NOT NULL,
  stamp_b TEXT NOT NULL,
  value_b TEXT,
  author_b TEXT NOT NULL,
  change_b TEXT NOT NULL,
  resolved_stamp TEXT,
  resolved_by TEXT,
  resolved_change TEXT
);
CREATE INDEX IF NOT EXISTS _conflicts_row ON _conflicts (tbl, row_id);
CREATE TABLE IF NOT EXISTS _merges (
  tbl TEXT NOT NULL,
  loser_id TEXT NOT NULL,
  winner_id TEXT NOT NULL,
  stamp TEXT NOT NULL,
  change_id TEXT NOT NULL,
  PRIMARY KEY (tbl, loser_id)
);
CREATE INDEX IF NOT EXISTS _merges_winner ON _merges (tbl, winner_id);
CREATE TABLE IF NOT EXISTS _rejected (
  change_id TEXT PRIMARY KEY,
  tx_id TEXT NOT NULL,
  reason TEXT NOT NULL
)
"""


def index_ddl(schema: SyncSchema) -> str:
    """Indexes the engine relies on: reference columns (re-pointing) and natural keys."""
    statements = []
    for spec in schema.tables:
        for col in spec.references:
            statements.append(
                f"CREATE INDEX IF NOT EXISTS _ix_{spec.name}_{col} ON {spec.name} ({col})"
            )
        if spec.natural_key:
            statements.append(
                f"CREATE INDEX IF NOT EXISTS _nk_{spec.name} ON {spec.name} ({spec.natural_key})"
            )
    return ";\n".join(statements)


def conflict_id(table: str, row_id: str, column: str, stamp_1: str, stamp_2: str) -> str:
    low, high = sorted((stamp_1, stamp_2))
    text = "\x1f".join((table, row_id, column, low, high))
    return hashlib.sha256(text.encode()).hexdigest()[:32]
