"""A coach's exception to the programme's eligibility rule, with the reason (issue 15).

One field: the reason, in one line. Saving records it for the client's current programme
(`services.clients.intake.record_exception`: a synced, audited change of the client); an
empty reason removes a recorded exception. The rule's verdict and what the seed accepts as
an exception are shown above the field, so the coach sees what they are overriding.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.widget import Widget
from textual.widgets import Input, Static

from kenttä.domain.eligibility import rule_for
from kenttä.domain.models import Client
from kenttä.i18n import t
from kenttä.services.clients import intake
from kenttä.ui.modals.form import FormError, FormModal


class EligibilityExceptionModal(FormModal):
    TITLE_KEY = "exception_form.title"

    def __init__(self, client: Client) -> None:
        super().__init__()
        self.client = client

    def fields(self) -> Iterable[Widget]:
        from kenttä.ui.start_text import eligibility_line

        rule = rule_for(self.client.programme)
        if rule is None:
            yield Static(t("exception_form.no_programme"), id="exception-rule")
            return
        yield self.label("exception_form.programme", programme=rule.name)
        verdict = intake.eligibility_of(self.client, self.kapp.today)
        yield Static(eligibility_line(verdict.ruled or verdict), id="exception-rule")
        if rule.exception_hint:
            yield Static(t(rule.exception_hint), classes="form-label")
        yield self.label("exception_form.reason")
        yield Input(self.client.eligibility_exception or "", id="exception-reason", max_length=500)

    def submit(self) -> None:
        if not self.query("#exception-reason"):
            raise FormError("exception-rule", t("exception_form.no_programme"))
        reason = self.value("exception-reason").strip()
        self.write(
            intake.record_exception,
            self.client.id,
            reason,
            today=self.kapp.today,
            done=lambda _: self._saved(bool(reason)),
        )

    def _saved(self, recorded: bool) -> None:
        self.app.notify(t("exception_form.saved" if recorded else "exception_form.removed"))
        self.dismiss(True)
