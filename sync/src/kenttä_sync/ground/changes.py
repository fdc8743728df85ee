"""The change: the one fact every replica exchanges.

A change is one write to one row. `column` names the column for an update; for an insert it
is None and `value` is an object with every column; a delete (tombstone) and an erasure carry
no value. A resolve carries {"conflicts": [ids], "value": stored value}; a merge (made only
by the central store) carries {"into": winner id} for the losing row. Changes made in one local transaction share `tx_id` and are applied whole or not at
all. `prev_stamp` is the stamp of the value the write replaced on the device that made it; a
replica that holds another stamp for that value knows the write was concurrent.
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict

PROTOCOL_VERSION = 1


class Op(StrEnum):
    INSERT = "insert"
    UPDATE = "update"
    DELETE = "delete"
    ERASE = "erase"
    RESOLVE = "resolve"
    MERGE = "merge"  # made only by the central store: natural-key rows become one


class Change(BaseModel):
    model_config = ConfigDict(frozen=True)

    change_id: str  # f"{device_id}:{device_seq}", unique everywhere
    device_id: str
    device_seq: int  # per-device sequence, 1, 2, 3 … with no gaps
    table: str
    row_id: str
    column: str | None
    op: Op
    value: Any = None
    stamp: str
    prev_stamp: str | None = None
    tx_id: str
    author: str

    @staticmethod
    def make_id(device_id: str, device_seq: int) -> str:
        return f"{device_id}:{device_seq}"


_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


_encode_str = json.encoder.encode_basestring  # type: ignore[attr-defined]
_c_make_encoder = getattr(json.encoder, "c_make_encoder", None)
# What _ENCODER.encode does for an object, made once (no circular-reference markers: change
# values are plain JSON data).
_encode_object = (
    _c_make_encoder(None, _ENCODER.default, _encode_str, None, ":", ",", True, False, True)
    if _c_make_encoder is not None
    else None
)


def dumps_value(value: Any) -> str:
    """Canonical JSON for a change value (sorted keys, no spaces, UTF-8 kept)."""
    kind = type(value)
    if kind is str:  # the common cases first, as json.dumps would write them
        return _encode_str(value)
    if value is None:
        return "null"
    if kind is int:
        return int.__repr__(value)
    if kind is dict and _encode_object is not None:
        return "".join(_encode_object(value, 0))
    return _ENCODER.encode(value)


CHANGE_LOG_COLUMNS = (
    "change_id",
    "device_id",
    "device_seq",
    "tbl",
    "row_id",
    "col",
    "op",
    "value",
    "stamp",
    "prev_stamp",
    "tx_id",
    "author",
)

SQLITE_CHANGE_LOG_DDL = """
CREATE TABLE IF NOT EXISTS _changes (
  seq INTEGER PRIMARY KEY,
  change_id TEXT NOT NULL UNIQUE,
  device_id TEXT NOT NULL,
  device_seq INTEGER NOT NULL,
  tbl TEXT NOT NULL,
  row_id TEXT NOT NULL,
  col TEXT,
  op TEXT NOT NULL,
  value TEXT,
  stamp TEXT NOT NULL,
  prev_stamp TEXT,
  tx_id TEXT NOT NULL,
  author TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS _changes_row ON _changes (tbl, row_id);
CREATE INDEX IF NOT EXISTS _changes_device_seq ON _changes (device_id, device_seq);
CREATE TABLE IF NOT EXISTS _sync_state (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
"""


def row_to_change(row: tuple | Any) -> Change:
    """A Change from a `_changes` row selected in CHANGE_LOG_COLUMNS order."""
    values = dict(zip(CHANGE_LOG_COLUMNS, tuple(row), strict=True))
    raw = values.pop("value")
    return Change(
        change_id=values["change_id"],
        device_id=values["device_id"],
        device_seq=values["device_seq"],
        table=values["tbl"],
        row_id=values["row_id"],
        column=values["col"],
        op=Op(values["op"]),
        value=None if raw is None else json.loads(raw),
        stamp=values["stamp"],
        prev_stamp=values["prev_stamp"],
        tx_id=values["tx_id"],
        author=values["author"],
    )
