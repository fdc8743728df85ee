"""Issue 14: numbers and euros follow the language on every screen and in the CLI — a
decimal comma in Finnish and Swedish (`80,0 %`, `1 500,00 €`), a point in English."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from kenttä.i18n import set_language
from kenttä.i18n.numbers import euros, number, percent
from tests.ui.conftest import settle
from tests.ui.screens_i18n import add_vouchers_and_conflict, screen_text

COMMA = re.compile(r"\d,\d{1,2}\s?(%|€)")  # 80,0 % · 1 500,00 €
POINT = re.compile(r"\d\.\d{1,2}\s?(%|€)")  # 80.0 % · 1,500.00 €


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        ("fi", ("1\u00a0234,50 €", "80,0 %", "4,25", "1\u00a0500 €")),
        ("sv", ("1\u00a0234,50 €", "80,0 %", "4,25", "1\u00a0500 €")),
        ("en", ("1,234.50 €", "80.0 %", "4.25", "1,500 €")),
    ],
)
def test_marks_of_the_language(language: str, shown: tuple[str, ...]) -> None:
    set_language(language)
    try:
        made = (euros(123_450), percent(0.8), number(4.25, 2), euros(150_000, whole_short=True))
        assert made == shown
    finally:
        set_language("fi")


def _marks(text: str) -> tuple[bool, bool]:
    return COMMA.search(text) is not None, POINT.search(text) is not None


@pytest.mark.slow
@pytest.mark.parametrize(("language", "comma"), [("fi", True), ("en", False)])
async def test_dashboard_and_vouchers_write_numbers_in_the_language(
    make_app, caseload_ws, language: str, comma: bool
) -> None:
    add_vouchers_and_conflict(caseload_ws)
    app = make_app(language)
    async with app.run_test(size=(120, 40)) as pilot:
        for keys in (["f7"], ["escape", "f5"]):
            await pilot.press(*keys)
            await settle(pilot)
            text = screen_text(app)
            assert _marks(text) == (comma, not comma), (
                keys,
                [text[m.start() - 30 : m.end()] for m in COMMA.finditer(text)],
            )


def test_cli_voucher_list_writes_euros_in_the_language(tmp_path, caseload_ws) -> None:
    from kenttä.cli import cli

    add_vouchers_and_conflict(caseload_ws)
    db = str(caseload_ws.store.path)
    for language, comma in (("fi", True), ("en", False)):
        (tmp_path / "config.toml").write_text(
            f'user = "testi.valmentaja"\nrole = "supervisor"\nscope = "kuopio"\n'
            f'language = "{language}"\n',
            encoding="utf-8",
        )
        result = CliRunner().invoke(cli, ["--db", db, "voucher", "list"])
        assert result.exit_code == 0, result.output
        assert _marks(result.output) == (comma, not comma), result.output
