"""Issue 14: every error a person sees reads in the configured language. A service's refusal
(its English reason is for logs and tests) reaches the screen through the catalogue."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from kenttä.i18n import LANGUAGES, catalogue, set_language
from tests.ui.conftest import settle
from tests.ui.screens_i18n import add_vouchers_and_conflict

SRC = Path(__file__).parents[2] / "src" / "kenttä"
CODE = re.compile(r"[a-z][a-z0-9_]*")


def _raised_codes() -> dict[str, str]:
    """Every reason code a service or the domain raises: `code=` or a first word argument."""
    found: dict[str, str] = {}
    for path in [*(SRC / "services").rglob("*.py"), *(SRC / "domain").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                continue
            call = node.exc
            name = getattr(call.func, "id", getattr(call.func, "attr", ""))
            if not name.endswith("Error"):
                continue
            args = [k.value for k in call.keywords if k.arg == "code"]
            if len(call.args) >= 2:
                args.append(call.args[0])
            for arg in args:
                text = arg.value if isinstance(arg, ast.Constant) else None
                if isinstance(text, str) and CODE.fullmatch(text):
                    found.setdefault(text, f"{path.relative_to(SRC)}:{node.lineno}")
    return found


def test_every_raised_code_has_words_in_every_language() -> None:
    codes = _raised_codes()
    assert len(codes) > 40  # the walk found them
    for language in LANGUAGES:
        words = catalogue(language)
        missing = {
            c: where for c, where in codes.items() if f"error.{c}" not in words and not _covered(c)
        }
        assert missing == {}, language


def _covered(code: str) -> bool:
    """Codes of identifiers are worded by validation_message (their own catalogue keys)."""
    return code.startswith(("hetu_", "ytunnus_", "municipality_", "postal_"))


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_a_refusal_without_words_is_never_english_on_a_finnish_or_swedish_screen(
    language: str,
) -> None:
    from kenttä.services.refusal import Refused
    from kenttä.services.vouchers import VoucherError
    from kenttä.ui.errors import error_text

    set_language(language)
    try:
        english = "cannot change voucher KUOPIO-2026-TEST-00001 from issued to paid"
        coded = error_text(Refused("placement_dates", "end date is before the start date"))
        assert coded == catalogue(language)["error.placement_dates"]
        assert (
            error_text(VoucherError(english, code="retired_service"))
            == catalogue(language)["error.retired_service"]
        )
        plain = error_text(ValueError(english))
        assert plain == (english if language == "en" else catalogue(language)["error.refused"])
        crash = error_text(KeyError("x"))
        assert "KeyError" in crash and ("failed" in crash) == (language == "en")
    finally:
        set_language("fi")


@pytest.mark.slow
@pytest.mark.parametrize("language", ["fi", "sv"])
async def test_a_refused_voucher_move_says_why_in_the_language(
    make_app, caseload_ws, monkeypatch, language: str
) -> None:
    """A service refusal (here an English reason with no code) reaches the toast in words."""
    from kenttä.services.vouchers import core
    from tests.ui.i18n_words import data_words, problems
    from tests.ui.screens_i18n import screen_text

    add_vouchers_and_conflict(caseload_ws)

    def refuse(*args, **kwargs):
        raise ValueError("cannot change voucher from issued to used (allowed: cancelled)")

    monkeypatch.setattr(core, "transition", refuse)
    app = make_app(language)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("down", "u")  # the second row's provider is chosen: "used" is next
        await settle(pilot)
        assert type(app.screen).__name__ == "ConfirmModal"
        await pilot.press("y")
        await settle(pilot)
        await pilot.pause(0.3)  # the toast is drawn a moment after it is posted
        toasts = [n.message for n in app._notifications]
        text = "\n".join([screen_text(app), *toasts])
        assert catalogue(language)["error.refused"] in text
        found = problems(text, language, data_words(caseload_ws.store.conn))
        assert [p for p in found if p.startswith("english")] == []
