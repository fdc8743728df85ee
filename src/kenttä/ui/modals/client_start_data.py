"""The client form's start data (ESF+ and what the eligibility rules read), as one section.

Each field is a row: its label on the left, a compact Input or Select on the right, so the
whole section scrolls inside the form at 80×24 and Tab walks it top to bottom. Every option
is a code's words from the catalogue; a Select left at "–" stores nothing (not asked).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Input, Label, Select

from kenttä.domain.codes import Disclosure, Education, Gender, LabourStatus, ReferralSource
from kenttä.domain.models import Client
from kenttä.i18n import t
from kenttä.ui.modals.form import FormError
from kenttä.ui.parsing import format_date
from kenttä.ui.start_text import DISCLOSURES

if TYPE_CHECKING:
    from kenttä.ui.modals.form import FormModal

START_FIELD_IDS = {
    "gender": "gender",
    "entry_date": "entry-date",
    "labour_status": "labour-status",
    "education": "education",
    "unemployed_since": "unemployed-since",
    "benefit_days": "benefit-days",
    "months_unemployed_last_16": "months-16",
    "earnings_related_allowance": "earnings-related",
    "referral_source": "referral-source",
    "disability": "disability",
    "foreign_background": "foreign-background",
    "third_country_national": "third-country",
    "minority": "minority",
    "homelessness": "homelessness",
    "consent": "consent",
    "consent_date": "consent-date",
}
"""Client field → the id of the widget that edits it (a refusal or a quality gap focuses it)."""

NUMBERS = {"benefit_days": (0, 10_000), "months_unemployed_last_16": (0, 16)}

CSS = """
ClientFormModal .form-section { margin-top: 1; text-style: bold; color: $accent; }
ClientFormModal .form-row { height: 1; margin-bottom: 0; }
ClientFormModal .form-row > .row-label { width: 31; color: $text-muted; }
ClientFormModal .form-row > Input, ClientFormModal .form-row > Select { width: 1fr; }
"""


def _options(words: str, enum: Iterable[Any]) -> list[tuple[str, str]]:
    return [(t(f"{words}.{member.value}"), member.value) for member in enum]


def _yes_no() -> list[tuple[str, str]]:
    return [(t("intake.yes"), "yes"), (t("intake.no"), "no")]


def _select(options: list[tuple[str, str]], value: Any, widget_id: str, **kw: Any) -> Select:
    known = {v for _, v in options}
    chosen = value if value in known else Select.NULL
    return Select(options, prompt="–", value=chosen, id=widget_id, compact=True, **kw)


def _row(label_key: str, widget: Widget) -> Horizontal:
    return Horizontal(Label(t(label_key), classes="row-label"), widget, classes="form-row")


def _bool_code(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")


def _text(value: object) -> str:
    return "" if value is None else str(value)


def start_data_fields(client: Client | None, today: date) -> Iterable[Widget]:
    """The section's widgets, filled from the client (a new client: entry date today)."""
    c = client
    ids = START_FIELD_IDS
    yield Label(t("intake.section_start"), classes="form-section")
    yield _row("intake.gender", _select(_options("intake.gender_code", Gender), c and c.gender, ids["gender"]))  # fmt: skip
    entry = c.entry_date if c else today
    yield _row("intake.entry_date", Input(format_date(entry), placeholder="pp.kk.vvvv", id=ids["entry_date"], compact=True))  # fmt: skip
    yield _row("intake.labour_status", _select(_options("intake.labour", LabourStatus), c and c.labour_status, ids["labour_status"]))  # fmt: skip
    yield _row("intake.education", _select(_options("intake.isced", Education), c and c.education, ids["education"]))  # fmt: skip
    yield _row("client_form.unemployed_since", Input(format_date(c and c.unemployed_since), placeholder="pp.kk.vvvv", id=ids["unemployed_since"], compact=True))  # fmt: skip
    yield _row("intake.benefit_days", Input(_text(c and c.benefit_days), id=ids["benefit_days"], max_length=5, compact=True))  # fmt: skip
    yield _row("intake.months_16", Input(_text(c and c.months_unemployed_last_16), id=ids["months_unemployed_last_16"], max_length=2, compact=True))  # fmt: skip
    yield _row("intake.earnings_related", _select(_yes_no(), _bool_code(c.earnings_related_allowance if c else None), ids["earnings_related_allowance"]))  # fmt: skip
    yield _row("intake.referral_source", _select(_options("intake.referral", ReferralSource), c and c.referral_source, ids["referral_source"]))  # fmt: skip
    yield Label(t("intake.section_esf"), classes="form-section")
    for field, key in DISCLOSURES.items():
        value = getattr(c, field) if c else None
        yield _row(key, _select(_options("intake.disclosure", Disclosure), value, ids[field]))
    yield Label(t("intake.section_consent"), classes="form-section")
    consent = Select(
        _yes_no(),
        value="yes" if c and c.consent else "no",
        allow_blank=False,
        id=ids["consent"],
        compact=True,
    )
    yield _row("intake.consent", consent)
    yield _row("intake.consent_date", Input(format_date(c and c.consent_date), placeholder="pp.kk.vvvv", id=ids["consent_date"], compact=True))  # fmt: skip


def _number(form: FormModal, field: str) -> int | None:
    widget_id = START_FIELD_IDS[field]
    text = form.value(widget_id).strip().replace(" ", "")
    if not text:
        return None
    low, high = NUMBERS[field]
    if not text.isdigit():
        raise FormError(widget_id, t("intake.not_a_number"))
    number = int(text)
    if not low <= number <= high:
        raise FormError(widget_id, t("intake.number_range", low=low, high=high))
    return number


def start_data_values(form: FormModal) -> dict[str, Any]:
    """What the section holds, read and checked (raises FormError naming the field)."""
    ids = START_FIELD_IDS

    def chosen(field: str) -> str | None:
        return form.value(ids[field]) or None

    allowance = chosen("earnings_related_allowance")
    consent = form.value(ids["consent"]) == "yes"
    consent_date = form.date_value(ids["consent_date"])
    if consent_date is not None and not consent:
        raise FormError(ids["consent_date"], t("intake.consent_date_without_consent"))
    values: dict[str, Any] = {
        "gender": chosen("gender"),
        "entry_date": form.date_value(ids["entry_date"]),
        "labour_status": chosen("labour_status"),
        "education": chosen("education"),
        "unemployed_since": form.date_value(ids["unemployed_since"]),
        "benefit_days": _number(form, "benefit_days"),
        "months_unemployed_last_16": _number(form, "months_unemployed_last_16"),
        "earnings_related_allowance": None if allowance is None else allowance == "yes",
        "referral_source": chosen("referral_source"),
        "consent": consent,
        "consent_date": consent_date,
    }
    for field in DISCLOSURES:
        values[field] = chosen(field)
    return values
