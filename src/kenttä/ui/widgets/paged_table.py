"""A DataTable filled page by page from a keyset-paged service (never every row at once)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar, Generic, TypeVar

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from kenttä.ui.base import run_db

Row = TypeVar("Row")


class PagedTable(DataTable, Generic[Row]):
    """Rows come from `fetch(ws, after=key, limit=n)`; the next page loads near the end."""

    PAGE = 50
    BINDINGS: ClassVar = [Binding("end", "load_all_to_end", show=False)]

    class Loaded(Message):
        def __init__(self, table: PagedTable, count: int, more: bool) -> None:
            super().__init__()
            self.table = table
            self.count = count
            self.more = more

    def __init__(
        self,
        columns: Sequence[str | Text | tuple[str | Text, int | None]],
        render: Callable[[Any], Sequence[str | Text]],
        *,
        key: Callable[[Any], Any] = lambda row: row.key,
        row_id: Callable[[Any], str] = lambda row: row.id,
        **kwargs: Any,
    ) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self._columns = list(columns)
        self._render = render
        self._key = key
        self._row_id = row_id
        self._fetch: Callable[..., list[Any]] | None = None
        self._after: Any = None
        self._more = False
        self._loading = False
        self._generation = 0
        self.records: dict[str, Any] = {}

    def on_mount(self) -> None:
        self._add_columns()

    def _add_columns(self) -> None:
        """Each column a label, or (label, width) for a fixed width (narrow screens)."""
        for column in self._columns:
            label, width = column if isinstance(column, tuple) else (column, None)
            self.add_column(label, width=width)

    def set_columns(self, columns: Sequence[str | Text | tuple[str | Text, int | None]]) -> None:
        self._columns = list(columns)
        self.clear(columns=True)
        self._add_columns()

    def restart(self, fetch: Callable[..., list[Any]]) -> None:
        """Show the first page of a new query (an older query's late result is dropped)."""
        self._fetch = fetch
        self._generation += 1
        self._after = None
        self._more = True
        self._load_page(replace=True)

    def _load_page(self, *, replace: bool = False) -> None:
        if self._fetch is None:
            return
        self._loading = True
        generation = self._generation
        run_db(
            self,
            self._fetch,
            after=self._after,
            limit=self.PAGE,
            done=lambda rows: self._append(generation, rows, replace),
            group="page",
        )

    def _append(self, generation: int, rows: list[Any], replace: bool) -> None:
        if generation != self._generation:
            return
        self._loading = False
        if replace:
            self.clear()
            self.records.clear()
        for row in rows:
            rid = self._row_id(row)
            if rid in self.records:
                continue
            self.records[rid] = row
            self.add_row(*self._render(row), key=rid)
        if rows:
            self._after = self._key(rows[-1])
        self._more = len(rows) >= self.PAGE
        self.post_message(self.Loaded(self, self.row_count, self._more))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if self._more and not self._loading and event.cursor_row >= self.row_count - 10:
            self._load_page()

    def action_load_all_to_end(self) -> None:
        self.action_scroll_bottom()
        if self._more and not self._loading:
            self._load_page()

    def selected(self) -> Any | None:
        if self.row_count == 0:
            return None
        try:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        except Exception:
            return None
        return self.records.get(str(key.value))
