"""A fix for Textual's DataTable: a header drawn with the column widths of before.

DataTable measures new rows when the app is idle (`_on_idle` → `_update_dimensions`) and
widens its auto-width columns then, but keeps the lines it drew before in `_row_render_cache`
under the same key. When a frame is drawn between `add_row` and that idle moment — on a busy
laptop, or a CI machine — the header is cached with the narrow widths and stays so, under
columns that have since grown ("Asiakas  Laji  Aika" over wider rows). Seen in the employer
card's placements at 80×24. The fix: when the measuring changed a width, forget the drawn
lines and draw again. `apply()` is called once, when the app module is imported.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.widgets import DataTable

_PATCHED = "_kentta_fresh_widths"


def _widths(table: DataTable) -> list[int]:
    return [column.get_render_width(table) for column in table.ordered_columns]


def apply() -> None:
    if getattr(DataTable, _PATCHED, False):
        return
    measure = DataTable._update_dimensions

    def update_dimensions(self: DataTable, new_rows: Iterable[Any]) -> None:
        before = _widths(self)
        measure(self, new_rows)
        if _widths(self) != before:
            self._clear_caches()
            self.refresh()

    DataTable._update_dimensions = update_dimensions  # type: ignore[method-assign]
    setattr(DataTable, _PATCHED, True)
