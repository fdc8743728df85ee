"""A DataTable filled page by page from a keyset-paged service (never every row at once)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar, Generic, TypeVar

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from kenttä.ui.base import run_db
from kenttä.ui.widgets.plain_cells import PlainCells

Row = TypeVar("Row")


class PagedTable(PlainCells, DataTable, Generic[Row]):
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

    def _update_dimensions(self, new_rows: Any) -> None:
        """Textual measures every cell of every new row to size the columns (300 measures
        for a page of the client list, on each keystroke of a search: a third of the time
        from a letter to the new list, issue 14). A column given its width never uses what is
        measured, and rows here are one line: with every width given, measure nothing."""
        if self.columns and not any(column.auto_width for column in self.columns.values()):
            new_rows = ()
        super()._update_dimensions(new_rows)

    def set_columns(self, columns: Sequence[str | Text | tuple[str | Text, int | None]]) -> None:
        self._columns = list(columns)
        self.clear(columns=True)
        self._add_columns()

    def restart(self, fetch: Callable[..., list[Any]], *, keep: bool = False) -> None:
        """Show the first page of a new query (an older query's late result is dropped).

        `keep`: the same query again (a reload): as many rows as are shown now come back,
        and the cursor stays on the row it was on (by the row's id, never by its index).
        """
        self._fetch = fetch
        self._generation += 1
        self._after = None
        self._more = True
        limit = max(self.PAGE, self.row_count) if keep else self.PAGE
        self._load_page(replace=True, limit=limit)

    def forget(self) -> None:
        """Empty, with no query: a page still on its way is dropped when it arrives."""
        self._fetch = None
        self._generation += 1
        self._after = None
        self._more = False
        self._loading = False
        self.clear()
        self.records.clear()

    def _load_page(self, *, replace: bool = False, limit: int | None = None) -> None:
        if self._fetch is None:
            return
        self._loading = True
        generation = self._generation
        limit = limit or self.PAGE
        run_db(
            self,
            self._fetch,
            after=self._after,
            limit=limit,
            done=lambda rows: self._append(generation, rows, replace, limit),
            group="page",
        )

    def selected_id(self) -> str | None:
        """The id of the row under the cursor (None when the table is empty)."""
        if self.row_count == 0:
            return None
        try:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        except Exception:
            return None
        return None if key.value is None else str(key.value)

    def _append(self, generation: int, rows: list[Any], replace: bool, limit: int) -> None:
        if generation != self._generation:
            return
        self._loading = False
        if not (replace and self._shows(rows)):  # a reload that found nothing new: no redraw
            self._put(rows, replace)
        if rows:
            self._after = self._key(rows[-1])
        self._more = len(rows) >= limit
        self.post_message(self.Loaded(self, self.row_count, self._more))

    def _put(self, rows: list[Any], replace: bool) -> None:
        keep = self.selected_id() if replace else None
        if replace:
            self.clear()
            self.records.clear()
        for row in rows:
            rid = self._row_id(row)
            if rid in self.records:
                continue
            self.records[rid] = row
            self.add_row(*self._render(row), key=rid)
        if keep is not None and keep in self.records:
            self.move_cursor(row=self.get_row_index(keep), animate=False, scroll=True)

    def _shows(self, rows: list[Any]) -> bool:
        """The table shows exactly these rows, in this order, each as it is now."""
        if len(rows) != len(self.records) or not rows:
            return False
        return all(
            self._row_id(row) == rid and self.records[rid] == row
            for row, rid in zip(rows, self.records, strict=True)
        )

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if self._more and not self._loading and event.cursor_row >= self.row_count - 10:
            self._load_page()

    def action_load_all_to_end(self) -> None:
        self.action_scroll_bottom()
        if self._more and not self._loading:
            self._load_page()

    def selected(self) -> Any | None:
        """The record of the row under the cursor, as it was loaded."""
        rid = self.selected_id()
        return None if rid is None else self.records.get(rid)
