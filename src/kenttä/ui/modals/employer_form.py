"""A new employer: name, Y-tunnus (its check digit is checked), municipality, contact."""

from __future__ import annotations

from collections.abc import Iterable

from textual.widget import Widget
from textual.widgets import Input, Select

from kenttä.domain.codes import EmployerKind
from kenttä.domain.identifiers import IdentifierError, validate_municipality, validate_y_tunnus
from kenttä.i18n import code, t, validation_message
from kenttä.services.employers import core as employers
from kenttä.ui.modals.form import FormError, FormModal


class EmployerFormModal(FormModal):
    TITLE_KEY = "employer_form.title"

    def fields(self) -> Iterable[Widget]:
        yield self.label("employer_form.name")
        yield Input(id="employer-name")
        yield self.label("employer_form.y_tunnus")
        yield Input(placeholder=t("placeholder.y_tunnus"), id="employer-ytunnus", max_length=9)
        yield self.label("employer_form.kind")
        yield Select(
            [(code("employer_kind", k.value), k.value) for k in EmployerKind],
            value=EmployerKind.COMPANY.value,
            allow_blank=False,
            id="employer-kind",
        )
        yield self.label("client_form.municipality")
        yield Input(placeholder=t("client_form.municipality_hint"), id="employer-municipality")
        yield self.label("employer_form.contact_name")
        yield Input(id="employer-contact")
        yield self.label("employer_form.contact_phone")
        yield Input(id="employer-phone")

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "employer-ytunnus" and len(event.value.strip()) == 9:
            try:
                validate_y_tunnus(event.value)
                self.show_reason("")
            except IdentifierError as exc:
                self.show_reason(validation_message(exc))

    def submit(self) -> None:
        name = self.required("employer-name")
        y_tunnus = self.value("employer-ytunnus").strip() or None
        if y_tunnus:
            try:
                y_tunnus = validate_y_tunnus(y_tunnus)
            except IdentifierError as exc:
                raise FormError("employer-ytunnus", validation_message(exc)) from None
        municipality = self.value("employer-municipality").strip() or None
        if municipality:
            try:
                municipality = validate_municipality(municipality)
            except IdentifierError as exc:
                raise FormError("employer-municipality", validation_message(exc)) from None
        self.write(
            employers.create_employer,
            name=name,
            y_tunnus=y_tunnus,
            kind=self.value("employer-kind"),
            municipality=municipality,
            contact_name=self.value("employer-contact").strip() or None,
            contact_phone=self.value("employer-phone").strip() or None,
            network_since=self.kapp.today,
            done=lambda employer: self.dismiss(employer.id),
            failed=self.failed,
        )
