"""A client's details: a new client, or corrections to one already made (`ClientEditModal`).

Names, henkilötunnus (its check character is checked as it is typed), municipality, phone,
programme and status, then the start data section (ESF+, unemployment, consent:
`client_start_data`); a correction also shows birth date, postal code, email and owner, and
sends only what the person changed. `focus` opens the form at one client field (a quality
gap's fix).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.widget import Widget
from textual.widgets import Input, Select

from kenttä.domain.codes import ClientStatus
from kenttä.domain.eligibility import RULES
from kenttä.domain.identifiers import (
    IdentifierError,
    municipalities,
    parse_henkilotunnus,
    validate_municipality,
    validate_phone,
    validate_postal_code,
)
from kenttä.domain.models import Client
from kenttä.i18n import code, has, t, validation_message
from kenttä.services.clients import core as client_service
from kenttä.services.clients.core import ClientError
from kenttä.ui.modals.client_start_data import (
    CSS as START_DATA_CSS,
)
from kenttä.ui.modals.client_start_data import (
    START_FIELD_IDS,
    start_data_fields,
    start_data_values,
)
from kenttä.ui.modals.form import FormError, FormModal
from kenttä.ui.parsing import format_date

FIELD_IDS = {
    "first_name": "first-name",
    "last_name": "last-name",
    "henkilotunnus": "hetu",
    "birth_date": "birth-date",
    "municipality": "municipality",
    "postal_code": "postal-code",
    "phone": "phone",
    "email": "email",
    "programme": "programme",
    "status": "client-status",
    "owner": "owner",
    **START_FIELD_IDS,
}
"""Client field → the id of the widget that edits it (a refusal focuses the field)."""


def _text(value: object) -> str:
    return "" if value is None else str(value)


def programme_options(current: str | None) -> list[tuple[str, str]]:
    options = [(rule.name, programme) for programme, rule in RULES.items()]
    if current and current not in RULES:  # a programme with no rule (e.g. imported) stays
        options.append((current, current))
    return options


class ClientFormModal(FormModal):
    TITLE_KEY = "client_form.title"
    DEFAULT_CSS = START_DATA_CSS

    def __init__(self, client: Client | None = None, *, focus: str | None = None) -> None:
        super().__init__()
        self.client = client
        self.focus_field = focus  # a client field (FIELD_IDS) to open the form at

    def focus_first(self) -> None:
        widget_id = FIELD_IDS.get(self.focus_field or "")
        found = self.query(f"#{widget_id}") if widget_id else None
        if found:
            found.first().focus()
        else:
            super().focus_first()

    def fields(self) -> Iterable[Widget]:
        c = self.client
        editing = c is not None
        yield self.label("client_form.first_name")
        yield Input(_text(c and c.first_name), id="first-name")
        yield self.label("client_form.last_name")
        yield Input(_text(c and c.last_name), id="last-name")
        yield self.label("client_form.henkilotunnus")
        yield Input(
            _text(c and c.henkilotunnus),
            placeholder=t("placeholder.henkilotunnus"),
            id="hetu",
            max_length=11,
        )
        if editing:
            yield self.label("client_form.birth_date")
            yield Input(format_date(c and c.birth_date), placeholder="pp.kk.vvvv", id="birth-date")
        yield self.label("client_form.municipality")
        shown = c and c.municipality and municipalities().get(c.municipality, c.municipality)
        yield Input(
            _text(shown),  # the name, as a person types it (the code is what is stored)
            placeholder=t("client_form.municipality_hint"),
            id="municipality",
        )
        if editing:
            yield self.label("client_form.postal_code")
            yield Input(_text(c and c.postal_code), id="postal-code", max_length=5)
        yield self.label("client_form.phone")
        yield Input(_text(c and c.phone), id="phone")
        if editing:
            yield self.label("client_form.email")
            yield Input(_text(c and c.email), id="email")
        programme = c.programme if c else None
        yield self.label("client_form.programme")
        yield Select(
            programme_options(programme),
            prompt="–",
            value=programme or Select.NULL,
            id="programme",
        )
        yield self.label("client_form.status")
        yield Select(
            [(code("status", s.value), s.value) for s in ClientStatus],
            value=c.status if c else ClientStatus.MET.value,
            allow_blank=False,
            id="client-status",
        )
        if editing:
            yield self.label("client_form.owner")
            yield Input(_text(c and c.owner), id="owner")
        yield from start_data_fields(c, self.kapp.today)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "hetu" and len(event.value.strip()) == 11:
            try:
                identity = parse_henkilotunnus(event.value)
                self.show_reason("")
            except IdentifierError as exc:
                self.show_reason(validation_message(exc))
                return
            birth = self.query("#birth-date").results(Input)
            for widget in birth:  # a correction: the birth date follows the henkilötunnus
                widget.value = format_date(identity.birth_date)

    def common_values(self) -> dict[str, Any]:
        """What both forms ask, read and checked (raises FormError naming the field)."""
        first = self.required("first-name")
        last = self.required("last-name")
        hetu = self.value("hetu").strip().upper() or None
        if hetu:
            try:
                parse_henkilotunnus(hetu)
            except IdentifierError as exc:
                raise FormError("hetu", validation_message(exc)) from None
        municipality = self.value("municipality").strip() or None
        if municipality:
            try:
                municipality = validate_municipality(municipality)
            except IdentifierError as exc:
                raise FormError("municipality", validation_message(exc)) from None
        phone = self.value("phone").strip() or None
        stored = self.client.phone if self.client else None
        if phone and phone != stored:  # the rule the service and `kenttä import` follow
            try:
                phone = validate_phone(phone)
            except IdentifierError as exc:
                raise FormError("phone", validation_message(exc)) from None
        return {
            "first_name": first,
            "last_name": last,
            "henkilotunnus": hetu,
            "municipality": municipality,
            "phone": phone,
            "programme": self.value("programme") or None,
            "status": self.value("client-status"),
            **start_data_values(self),
        }

    def submit(self) -> None:
        self.write(
            client_service.create_client,
            **self.common_values(),
            owner=self.kapp.ws.user,
            done=lambda client: self.dismiss(client.id),
            failed=self.failed,
        )

    def failed(self, exc: Exception) -> None:
        """A refusal about one field says so in words and focuses that field."""
        widget_id = FIELD_IDS.get(exc.field or "") if isinstance(exc, ClientError) else None
        if not isinstance(exc, ClientError) or widget_id is None or not self.query(f"#{widget_id}"):
            super().failed(exc)
            return
        self._busy = False
        if exc.code.startswith(("hetu_", "postal_")):
            message = validation_message(exc)
        elif exc.code == "invalid_field":
            key = f"field.{exc.field}"
            message = t("error.invalid_field", field=t(key) if has(key) else exc.field)
        else:
            from kenttä.ui.errors import error_text

            message = error_text(exc)
        self.show_reason(message, widget_id)


class ClientEditModal(ClientFormModal):
    """Correct the details of an existing client; dismisses True when something was saved."""

    TITLE_KEY = "client_form.edit_title"

    def __init__(self, client: Client, *, focus: str | None = None) -> None:
        super().__init__(client, focus=focus)
        self.original = client

    def submit(self) -> None:
        values = self.common_values()
        birth = self.date_value("birth-date")
        hetu = values["henkilotunnus"]
        edited = birth != self.original.birth_date
        if hetu and edited and birth != parse_henkilotunnus(hetu).birth_date:
            raise FormError("birth-date", t("client_form.birth_date_mismatch"))
        postal = self.value("postal-code").strip() or None
        if postal:
            try:
                postal = validate_postal_code(postal)
            except IdentifierError as exc:
                raise FormError("postal-code", validation_message(exc)) from None
        values |= {
            "birth_date": birth,
            "postal_code": postal,
            "email": self.value("email").strip() or None,
            "owner": self.value("owner").strip() or None,
        }
        before = self.original.model_dump()
        changes = {k: v for k, v in values.items() if v != before.get(k)}
        if not changes:
            self.app.notify(t("client_form.unchanged"))
            self.dismiss(False)
            return
        self.write(
            client_service.update_client,
            self.original.id,
            **changes,
            done=lambda _: self._saved(),
            failed=self.failed,
        )

    def _saved(self) -> None:
        self.app.notify(t("client_form.saved"))
        self.dismiss(True)
