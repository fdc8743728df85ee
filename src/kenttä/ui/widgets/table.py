"""A DataTable that owns its columns: they are added when the table itself is mounted.

A screen that adds columns in its own `on_mount` loses them when it is recomposed (a
language switch recomposes every screen, and a screen's `on_mount` does not run again), and
the next `add_row` fails with "More values provided than there are columns" (issue 14).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual.widgets import DataTable

from kenttä.ui.widgets.plain_cells import PlainCells


class Table(PlainCells, DataTable):
    """Plain one-line rows are drawn directly (plain_cells.py)."""

    def __init__(
        self,
        columns: Sequence[str | Text | tuple[str | Text, int | None]],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("cursor_type", "row")
        super().__init__(**kwargs)
        self._column_spec = list(columns)

    def on_mount(self) -> None:
        for column in self._column_spec:
            label, width = column if isinstance(column, tuple) else (column, None)
            self.add_column(label, width=width)
