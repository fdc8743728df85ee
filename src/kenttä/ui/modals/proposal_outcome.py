"""The outcome of a proposal (issue 16): placed (a placement is made), declined, not suitable."""

from __future__ import annotations

from collections.abc import Iterable

from textual.widget import Widget
from textual.widgets import Input, Select

from kenttä.domain.codes import PlacementKind, ProposalOutcome
from kenttä.i18n import code, t
from kenttä.services.employers import matching
from kenttä.ui.modals.form import FormError, FormModal
from kenttä.ui.parsing import format_date


class ProposalOutcomeModal(FormModal):
    TITLE_KEY = "needs.outcome.title"

    def __init__(self, proposal_id: str, whose: str = "") -> None:
        super().__init__()
        self.proposal_id = proposal_id
        self.whose = whose

    def fields(self) -> Iterable[Widget]:
        yield self.label("needs.outcome.outcome")
        yield Select(
            [(code("proposal_outcome", o.value), o.value) for o in ProposalOutcome],
            prompt=t("needs.outcome.choose"),
            id="proposal-outcome",
        )
        yield self.label("needs.outcome.kind")
        yield Select(
            [(code("placement", k.value), k.value) for k in PlacementKind],
            value=PlacementKind.JOB.value,
            allow_blank=False,
            id="proposal-kind",
        )
        yield self.label("needs.outcome.start")
        yield Input(value=format_date(self.kapp.today), id="proposal-start")

    def on_mount(self) -> None:
        super().on_mount()
        if self.whose:
            self.query_one("#form-box").border_subtitle = self.whose

    def submit(self) -> None:
        outcome = self.value("proposal-outcome")
        if not outcome:
            raise FormError("proposal-outcome", t("validation.required"))
        start = self.date_value("proposal-start", required=outcome == "placed")
        self.write(
            matching.decide,
            self.proposal_id,
            outcome=outcome,
            on=self.kapp.today,
            kind=self.value("proposal-kind"),
            start_date=start,
            done=lambda _: self._done(),
            failed=self.failed,
        )

    def _done(self) -> None:
        self.app.notify(t("needs.outcome.saved"))
        self.dismiss(True)
