"""A new client: names, henkilötunnus (its check character is checked), municipality."""

from __future__ import annotations

from collections.abc import Iterable

from textual.widget import Widget
from textual.widgets import Input, Select

from kenttä.domain.codes import ClientStatus
from kenttä.domain.eligibility import RULES
from kenttä.domain.identifiers import IdentifierError, parse_henkilotunnus, validate_municipality
from kenttä.i18n import code, t, validation_message
from kenttä.services import clients as client_service
from kenttä.ui.modals.form import FormError, FormModal
from kenttä.ui.parsing import parse_date


class ClientFormModal(FormModal):
    TITLE_KEY = "client_form.title"

    def fields(self) -> Iterable[Widget]:
        yield self.label("client_form.first_name")
        yield Input(id="first-name")
        yield self.label("client_form.last_name")
        yield Input(id="last-name")
        yield self.label("client_form.henkilotunnus")
        yield Input(placeholder="DDMMYYCZZZQ", id="hetu", max_length=11)
        yield self.label("client_form.municipality")
        yield Input(placeholder=t("client_form.municipality_hint"), id="municipality")
        yield self.label("client_form.phone")
        yield Input(id="phone")
        yield self.label("client_form.programme")
        yield Select([(r.name, p) for p, r in RULES.items()], prompt="–", id="programme")
        yield self.label("client_form.unemployed_since")
        yield Input(placeholder="pp.kk.vvvv", id="unemployed-since")
        yield self.label("client_form.status")
        yield Select(
            [(code("status", s.value), s.value) for s in ClientStatus],
            value=ClientStatus.MET.value,
            allow_blank=False,
            id="client-status",
        )

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "hetu" and len(event.value.strip()) == 11:
            try:
                parse_henkilotunnus(event.value)
                self.show_reason("")
            except IdentifierError as exc:
                self.show_reason(validation_message(exc, event.value))

    def submit(self) -> None:
        first = self.required("first-name")
        last = self.required("last-name")
        hetu = self.value("hetu").strip().upper() or None
        if hetu:
            try:
                parse_henkilotunnus(hetu)
            except IdentifierError as exc:
                raise FormError("hetu", validation_message(exc, hetu)) from None
        municipality = self.value("municipality").strip() or None
        if municipality:
            try:
                municipality = validate_municipality(municipality)
            except IdentifierError as exc:
                raise FormError("municipality", validation_message(exc, municipality)) from None
        try:
            since = parse_date(self.value("unemployed-since"), today=self.kapp.today)
        except ValueError as exc:
            raise FormError("unemployed-since", str(exc)) from None
        self.db(
            client_service.create_client,
            first_name=first,
            last_name=last,
            henkilotunnus=hetu,
            municipality=municipality,
            phone=self.value("phone").strip() or None,
            programme=self.value("programme") or None,
            unemployed_since=since,
            status=self.value("client-status"),
            owner=self.kapp.ws.user,
            entry_date=self.kapp.today,
            done=lambda client: self.dismiss(client.id),
            failed=self.failed,
        )
