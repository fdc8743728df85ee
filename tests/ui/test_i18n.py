"""The catalogues: every Finnish key exists in Swedish and English; every key used exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kenttä import i18n
from kenttä.domain import codes
from kenttä.domain.identifiers import IdentifierError, parse_henkilotunnus

SRC = Path(i18n.__file__).parent.parent / "ui"


@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_finnish_key_is_translated(language: str) -> None:
    missing = sorted(set(i18n.catalogue("fi")) - set(i18n.catalogue(language)))
    assert missing == []


def test_every_key_used_by_the_screens_exists() -> None:
    used: set[str] = set()
    pattern = re.compile(r"""\bt\(\s*["']([a-z_]+\.[a-z_.0-9]+)["']""")
    keys = re.compile(r"""["']((?:keys|[a-z_]+)\.[a-z_]+)["']""")
    for path in SRC.rglob("*.py"):
        if path.name == "dashboard.py":
            continue
        text = path.read_text(encoding="utf-8")
        used |= set(pattern.findall(text))
        used |= {k for k in keys.findall(text) if k.startswith(("keys.", "command."))}
    fi = i18n.catalogue("fi")
    assert sorted(k for k in used if k not in fi) == []


@pytest.mark.parametrize(
    ("kind", "enum"),
    [
        ("status", codes.ClientStatus),
        ("outcome", codes.Outcome),
        ("voucher", codes.VoucherStatus),
        ("placement", codes.PlacementKind),
        ("purpose", codes.VisitPurpose),
        ("area", codes.AssessmentArea),
        ("step", codes.StepStatus),
        ("note_kind", codes.NoteKind),
        ("employer_kind", codes.EmployerKind),
        ("checkpoint", codes.OutcomeCheck),
    ],
)
def test_every_code_has_words(kind: str, enum: type) -> None:
    fi = i18n.catalogue("fi")
    assert [v.value for v in enum if f"{kind}.{v.value}" not in fi] == []


def test_fallback_to_finnish_and_placeholders() -> None:
    i18n.set_language("en")
    try:
        assert i18n.t("status.participating") == "Participating"
        assert i18n.t("no.such.key") == "no.such.key"
        assert i18n.t("clients.count", count=3) == "3 clients"
    finally:
        i18n.set_language("fi")
    assert i18n.code("status", "met") == "Tavattu"


def test_wrong_check_character_is_named() -> None:
    value = "010190-900X"
    with pytest.raises(IdentifierError) as caught:
        parse_henkilotunnus(value)
    message = i18n.validation_message(caught.value)
    expected = "0123456789ABCDEFHJKLMNPRSTUVWXY"[int("010190900") % 31]
    assert message == f"Henkilötunnuksen tarkistemerkin pitäisi olla {expected}, ei X"
