"""Drawing a DataTable's plain one-line rows without Rich's layout machinery.

DataTable draws every cell through `console.render_lines(Styled(Padding(Text)))` after
parsing its string as markup, and looks up its component styles and column list again for
every row: about 1 ms a line, and the table forgets what it drew whenever its rows change.
A search list draws 16 rows × 6 columns anew on each keystroke, so that was 20 ms of the
~45 ms a letter cost the Clients screen (issue 14).

A cell that is plain text on one line (a string with no markup, emoji code or control
character, or an unstyled Text; in a row of height 1) comes out of that machinery as its
text padded to the column's width in one style: `PlainCells` draws such a cell so directly,
and a whole row of a row-cursor table with no fixed columns or row labels at once, with the
styles and columns looked up once per drawing. Any other cell or table goes to DataTable.
The strips are the same (tests/ui/test_plain_cells.py compares them).
"""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Region
from textual.strip import Strip
from textual.widgets import DataTable


def plain_text(cell: Any) -> str | None:
    """The text of a cell DataTable would draw as unstyled text on one line, else None."""
    if cell is None:
        return ""
    if type(cell) is int:
        return str(cell)
    if type(cell) is str:
        # DataTable reads a string as markup with emoji codes (":smile:")
        if "[" in cell or ":" in cell or not cell.isprintable():
            return None
        return cell
    if type(cell) is not Text or cell.spans or cell.style or cell.justify or cell.overflow:
        return None
    text = cell.plain
    return text if text.isprintable() else None


class PlainCells:
    """Mixin for a DataTable: put it before DataTable among the bases."""

    _plain_pass: dict[str, Any] | None = None  # what one drawing looks up once

    def render_lines(self, crop: Region) -> list[Strip]:
        self._plain_pass = {}
        try:
            return super().render_lines(crop)  # type: ignore[misc]
        finally:
            self._plain_pass = None

    @property
    def ordered_columns(self) -> list[Any]:
        memo = self._plain_pass
        if memo is None:
            return DataTable.ordered_columns.fget(self)  # type: ignore[attr-defined]
        columns = memo.get("columns")
        if columns is None:
            columns = memo["columns"] = DataTable.ordered_columns.fget(self)  # type: ignore[attr-defined]
        return columns

    @property
    def rich_style(self) -> Style:
        memo = self._plain_pass
        if memo is None:
            return super().rich_style  # type: ignore[misc]
        style = memo.get("rich-style")
        if style is None:
            style = memo["rich-style"] = super().rich_style  # type: ignore[misc]
        return style

    def _plain_row_style(self, row_index: int, base_style: Style) -> Style:
        memo = self._plain_pass
        table: Any = self
        if memo is None or row_index < table.fixed_rows:
            return table._get_row_style(row_index, base_style)
        key = ("row-style", -1 if row_index == -1 else row_index % 2, base_style)
        style = memo.get(key)  # type: ignore[call-overload]
        if style is None:
            style = memo[key] = table._get_row_style(row_index, base_style)  # type: ignore[index]
        return style

    def _render_line_in_row(
        self,
        row_key: Any,
        line_no: int,
        base_style: Style,
        cursor_location: Any,
        hover_location: Any,
    ) -> Any:
        table: Any = self
        if (
            self._plain_pass is None
            or table.cursor_type != "row"
            or table.fixed_columns
            or (table._labelled_row_exists and table.show_row_labels)
        ):
            return super()._render_line_in_row(  # type: ignore[misc]
                row_key, line_no, base_style, cursor_location, hover_location
            )
        cache_key = (row_key, line_no, base_style, cursor_location, hover_location, "row",
                     table.show_cursor, table._show_hover_cursor, table._update_count,
                     table._pseudo_class_state)  # fmt: skip
        cache = table._row_render_cache
        if cache_key in cache:
            return cache[cache_key]
        locations = table._row_locations
        row_index = locations.get(row_key) if row_key in locations else -1
        row_style = self._plain_row_style(row_index, base_style)
        cursor = row_index == cursor_location.row
        hover = row_index == hover_location.row
        cells = []
        used = 0
        for column_index, column in enumerate(self.ordered_columns):
            width = column.get_render_width(table)
            used += width
            lines = self._render_cell(row_index, column_index, row_style, width, cursor, hover)
            cells.append(lines[line_no])
        extend_style, _ = table._get_styles_to_render_cell(
            row_index == -1, False, False, hover, cursor, table.show_cursor,
            table._show_hover_cursor, False, False,
        )  # fmt: skip
        extend_style = row_style + extend_style
        extend_style += Style.from_meta({"row": row_index, "column": 0, "out_of_bounds": True})
        cells.append([Segment(" " * max(0, table.size.width - used), extend_style)])
        pair: tuple[list[Any], list[Any]] = ([], cells)
        cache[cache_key] = pair
        return pair

    def _render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ) -> Any:
        table: Any = self
        is_header = row_index == -1
        if column_index < 0 or table.fixed_rows or table.fixed_columns:
            return super()._render_cell(  # type: ignore[misc]
                row_index, column_index, base_style, width, cursor, hover
            )
        row_key = table._header_row_key if is_header else table._row_locations.get_key(row_index)
        column_key = table._column_locations.get_key(column_index)
        cache_key = (row_key, column_key, base_style, cursor, hover, table._show_hover_cursor,
                     table._update_count, table._pseudo_class_state)  # fmt: skip
        cache = table._cell_render_cache
        if cache_key in cache:
            return cache[cache_key]
        text = None
        if is_header:
            if table.header_height == 1:
                text = plain_text(table._get_row_renderables(-1).cells[column_index])
        elif table.rows[row_key].height == 1:
            text = plain_text(table._data[row_key].get(column_key))
        padding = table.cell_padding
        inner = width - 2 * padding
        if text is None or inner < 0:
            return super()._render_cell(  # type: ignore[misc]
                row_index, column_index, base_style, width, cursor, hover
            )
        component_style, post_style = table._get_styles_to_render_cell(
            is_header, False, False, hover, cursor, table.show_cursor,
            table._show_hover_cursor, table.cursor_foreground_priority == "css",
            table.cursor_background_priority == "css",
        )  # fmt: skip
        style = base_style + Style.from_meta({"row": row_index, "column": column_index})
        style = style + component_style + post_style
        if cell_len(text) != inner:
            text = set_cell_size(text, inner)
        pad = " " * padding
        lines = [[Segment(f"{pad}{text}{pad}", style)]]
        cache[cache_key] = lines
        return lines
