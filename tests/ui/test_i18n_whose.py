"""Issue 14: screens say whose record they are; examples and placeholders are valid; every
code the new words cover has them in each language."""

from __future__ import annotations

import re

import pytest

from kenttä import i18n
from kenttä.domain.codes import VoucherStatus
from kenttä.domain.identifiers import validate_y_tunnus
from kenttä.store.schema import SCHEMA
from tests.ui.conftest import settle


async def test_note_editor_names_the_client(make_app) -> None:
    app = make_app("sv")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press(*"Ojala Lau", "enter")
        await settle(pilot)
        card_name = app.screen.card.client
        await pilot.press("n")
        await settle(pilot)
        assert app.screen.sub_title == (
            f"{i18n.t('note.title')}: {card_name.last_name} {card_name.first_name}"
        )


async def test_outcome_check_names_the_client(make_app) -> None:
    from kenttä.ui.modals.forms import OutcomeCheckModal

    app = make_app("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        today = app.screen
        summary = today.summary
        item = next(i for i in summary.exit_checks if not i.get("derived"))
        today._open(f"outcome:{item['id']}:{item['client_id']}")
        await settle(pilot)
        assert isinstance(app.screen, OutcomeCheckModal)
        title = app.screen.query_one("#form-box").border_title
        assert title == f"{i18n.t('outcome_form.title')}: {item['last_name']} {item['first_name']}"


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_examples_and_placeholders_are_valid(language: str) -> None:
    words = i18n.catalogue(language)
    assert validate_y_tunnus(words["placeholder.y_tunnus"])
    for text in words.values():
        for example in re.findall(r"\b\d{7}-\d\b", text):
            assert validate_y_tunnus(example), (language, text)
    assert len(words["placeholder.henkilotunnus"]) == 11


def test_finnish_henkilotunnus_placeholder_uses_finnish_letters() -> None:
    assert i18n.catalogue("fi")["placeholder.henkilotunnus"] == "PPKKVVYNNNT"


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_new_code_words_are_complete(language: str) -> None:
    words = i18n.catalogue(language)
    assert [s.value for s in VoucherStatus if f"voucher_short.{s.value}" not in words] == []
    tables = [t.name for t in SCHEMA.tables if t.name != "audit_events"]
    assert [t for t in tables if f"record_kind.{t}" not in words] == []
    client_columns = [c for c in SCHEMA.table("clients").columns if c not in {"scope", "sex"}]
    assert [c for c in client_columns if f"column.{c}" not in words] == []
