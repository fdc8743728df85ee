"""Small forms of the client card: status, exit and outcome, a follow-up outcome check."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.widget import Widget
from textual.widgets import Input, Select

from kenttä.domain.codes import ClientStatus, Outcome
from kenttä.i18n import code, t
from kenttä.services.clients import core as client_service
from kenttä.ui.modals.form import FormError, FormModal
from kenttä.ui.parsing import format_date


def outcome_options() -> list[tuple[str, str]]:
    return [(code("outcome", o.value), o.value) for o in Outcome]


class StatusModal(FormModal):
    TITLE_KEY = "status_form.title"

    def __init__(self, client_id: str, current: str) -> None:
        super().__init__()
        self.client_id = client_id
        self.current = current

    def fields(self) -> Iterable[Widget]:
        yield self.label("status_form.status")
        yield Select(
            [(code("status", s.value), s.value) for s in ClientStatus],
            value=self.current,
            allow_blank=False,
            id="status",
        )

    def submit(self) -> None:
        self.write(
            client_service.set_status,
            self.client_id,
            self.value("status"),
            done=lambda _: self._done(),
            failed=self.failed,
        )

    def _done(self) -> None:
        self.app.notify(t("status_form.saved"))
        self.dismiss(True)


class ExitModal(FormModal):
    """Exit and outcome; the 28-day and 6-month checks become due on Today."""

    TITLE_KEY = "exit_form.title"

    def __init__(self, client_id: str) -> None:
        super().__init__()
        self.client_id = client_id

    def fields(self) -> Iterable[Widget]:
        yield self.label("exit_form.date")
        yield Input(value=format_date(self.kapp.today), id="exit-date")
        yield self.label("exit_form.outcome")
        yield Select(outcome_options(), prompt=t("exit_form.choose"), id="exit-outcome")

    def reload(self) -> None:
        """Offer first the outcome the client's path ends in (issue 16); a person decides."""
        from kenttä.services.employers.paths import outcome_from_paths

        self.db(outcome_from_paths, self.client_id, self.kapp.today, done=self._suggest)

    def _suggest(self, outcome: str | None) -> None:
        select = self.query_one("#exit-outcome", Select)
        if outcome and select.is_blank():
            select.value = outcome
            self._opened_with = self.field_values()  # a suggestion is not the person's change

    def submit(self) -> None:
        exit_date = self.date_value("exit-date", required=True)
        outcome = self.value("exit-outcome")
        if not outcome:
            raise FormError("exit-outcome", t("validation.required"))
        from kenttä.ui.modals.confirm import ConfirmModal

        def answer(yes: bool | None) -> None:
            if yes:
                self.write(
                    client_service.record_exit,
                    self.client_id,
                    exit_date=exit_date,
                    outcome=outcome,
                    done=lambda _: self._done(),
                    failed=self.failed,
                )

        self.app.push_screen(
            ConfirmModal(t("exit_form.confirm", date=format_date(exit_date))), answer
        )

    def _done(self) -> None:
        self.app.notify(t("exit_form.saved"))
        self.dismiss(True)


class OutcomeCheckModal(FormModal):
    TITLE_KEY = "outcome_form.title"

    def __init__(self, outcome_id: str, client_id: str | None = None) -> None:
        super().__init__()
        self.outcome_id = outcome_id
        self.client_id = client_id

    def reload(self) -> None:
        """Say whose check this is: the client's name in the box's title."""
        if self.client_id is None:
            return
        self.db(
            lambda ws: client_service.names_of(ws, [self.client_id]).get(self.client_id, ""),
            done=self._show_whose,
            group="whose",
        )

    def _show_whose(self, name: str) -> None:
        if name:
            self.query_one("#form-box").border_title = f"{t(self.TITLE_KEY)}: {name}"

    def fields(self) -> Iterable[Widget]:
        yield self.label("outcome_form.checked_on")
        yield Input(value=format_date(self.kapp.today), id="checked-on")
        yield self.label("outcome_form.outcome")
        yield Select(outcome_options(), prompt=t("exit_form.choose"), id="check-outcome")

    def submit(self) -> None:
        checked_on = self.date_value("checked-on", required=True)
        outcome = self.value("check-outcome")
        if not outcome:
            raise FormError("check-outcome", t("validation.required"))
        self.write(
            client_service.record_outcome_check,
            self.outcome_id,
            outcome=outcome,
            checked_on=checked_on,
            done=lambda _: self._done(),
            failed=self.failed,
        )

    def _done(self, *_: Any) -> None:
        self.app.notify(t("outcome_form.saved"))
        self.dismiss(True)
