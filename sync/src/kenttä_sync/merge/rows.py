"""A row's merge state as the engine loads it: its stamps, its column clock, its flags.

Shared by the engine (which loads it) and its batched path (which updates it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class RowState:
    stamp: str
    clock: dict[str, str]
    deleted: str | None
    erased: str | None
    scope: Any = None
    dirty_cols: dict[str, Any] = field(default_factory=dict)
    dirty: bool = False
    last: int | None = None  # central: the newest `_changes` entry of the row (`_last`)
    loaded_last: int | None = None  # central: `_last` as stored when this batch began
    key: int | None = None  # central: the row's log position `_seq` (SQLite: its rowid)

    def col_stamp(self, col: str) -> str:
        return self.clock.get(col, self.stamp)
