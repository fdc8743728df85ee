"""PlainCells draws a table's plain rows itself (issue 14, keystroke → list): the lines are
the ones DataTable draws, for every kind of cell (plain, markup, styled, wide, cut, empty,
numbers), with the cursor, zebra stripes, focus and scrolling."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import DataTable

from kenttä.ui.widgets.plain_cells import PlainCells, plain_text

ROWS = [
    ("Virtanen Aino", "010190-9123", "aktiivinen", "TOPI", "Kuopio", "maija.k"),
    ("Pitkä nimi joka ei mahdu", "", "x", "", "Siilinjärvi", ""),
    ("漢字の名前です長い", "a  b  ", "[b]bold[/b]", Text("styled", style="red"), 12, None),
    ("tab\there", "  lead", "trail   ", "é́", "x" * 40, ":smile: 12:30"),
    (1.5, True, "a\nb", Text("plain"), -3, ""),
]
COLUMNS = [("Nimi", 15), ("Hetu", 11), ("[i]Tila[/i]", 13), ("Ohj", None), ("Kunta", 11),
           (Text("Om", style="bold"), 9)]  # fmt: skip


class Plain(PlainCells, DataTable):
    pass


class Tables(App):
    CSS = "DataTable { height: 12; }"

    def compose(self) -> ComposeResult:
        yield Plain(id="plain", zebra_stripes=True, cursor_type="row")
        yield DataTable(id="textual", zebra_stripes=True, cursor_type="row")

    def on_mount(self) -> None:
        for table in self.query(DataTable):
            for label, width in COLUMNS:
                table.add_column(label, width=width)
            for i, row in enumerate(ROWS * 3):
                table.add_row(*row, key=str(i))


def lines(table: DataTable) -> list[list[tuple[str, object]]]:
    return [
        [(s.text, s.style) for s in strip.simplify()]
        for strip in table.render_lines(table.region.reset_offset)
    ]


async def test_plain_rows_are_drawn_as_datatable_draws_them() -> None:
    app = Tables()
    async with app.run_test(size=(100, 30)) as pilot:
        plain, textual = app.query_one(Plain), app.query_one("#textual", DataTable)
        compared = 0
        for focus in (True, False):
            for cursor in (0, 3, 7):
                for scroll in (0, 2):
                    drawn = []
                    for table in (plain, textual):
                        table.move_cursor(row=cursor, animate=False)
                        table.scroll_to(y=scroll, animate=False, immediate=True)
                        app.set_focus(table if focus else None)
                        await pilot.pause()
                        drawn.append(lines(table))
                    assert drawn[0] == drawn[1], (focus, cursor, scroll)
                    compared += len(drawn[0])
        assert compared == 12 * 12


def test_only_plain_one_line_text_takes_the_short_way() -> None:
    assert plain_text("Virtanen Aino") == "Virtanen Aino"
    assert plain_text(None) == "" and plain_text(12) == "12"
    assert plain_text(Text("plain")) == "plain"
    for cell in ("[b]x[/b]", ":smile:", "a\nb", "tab\t", Text("x", style="red"), 1.5, True):
        assert plain_text(cell) is None, cell
