"""Group coaching's forms: a new group, a new session, and an attendee found by search."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.widget import Widget
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from kenttä.i18n import t
from kenttä.services.clients import core as client_service
from kenttä.services.groups import attendance, core
from kenttä.ui.modals.form import FormError, FormModal
from kenttä.ui.parsing import format_date, split_list


class GroupForm(FormModal):
    """A new coaching group (a series of sessions); dismisses with the group's id."""

    TITLE_KEY = "group_form.title"

    def fields(self) -> Iterable[Widget]:
        yield self.label("group_form.name")
        yield Input(id="group-name", max_length=200)
        yield self.label("group_form.programme")
        yield Input(id="group-programme", max_length=40)
        yield self.label("group_form.place")
        yield Input(id="group-place", max_length=200)
        yield self.label("group_form.coaches")
        yield Input(placeholder=t("group_form.coaches_hint"), id="group-coaches")
        yield self.label("group_form.started_on")
        yield Input(value=format_date(self.kapp.today), id="group-started")

    def submit(self) -> None:
        name = self.required("group-name")
        started = self.date_value("group-started")
        self.write(
            core.create_group,
            name=name,
            programme=self.value("group-programme").strip() or None,
            place=self.value("group-place").strip() or None,
            coaches=split_list(self.value("group-coaches")),
            started_on=started,
            done=self._done,
        )

    def _done(self, group: Any) -> None:
        self.app.notify(t("group_form.saved"))
        self.dismiss(group.id)


class SessionForm(FormModal):
    """A session of a group: date, topic, and the place and coaches if not the group's."""

    TITLE_KEY = "session_form.title"

    def __init__(self, group_id: str) -> None:
        super().__init__()
        self.group_id = group_id

    def fields(self) -> Iterable[Widget]:
        yield self.label("session_form.held_on")
        yield Input(value=format_date(self.kapp.today), id="session-date")
        yield self.label("session_form.topic")
        yield Input(id="session-topic", max_length=200)
        yield self.label("session_form.place")
        yield Input(id="session-place", max_length=200)
        yield self.label("session_form.coaches")
        yield Input(placeholder=t("group_form.coaches_hint"), id="session-coaches")

    def submit(self) -> None:
        held_on = self.date_value("session-date", required=True)
        topic = self.required("session-topic")
        self.write(
            core.create_session,
            self.group_id,
            held_on=held_on,
            topic=topic,
            place=self.value("session-place").strip() or None,
            coaches=split_list(self.value("session-coaches")),
            done=self._done,
        )

    def _done(self, session: Any) -> None:
        self.app.notify(t("session_form.saved"))
        self.dismiss(session.id)


class AttendeePickForm(FormModal):
    """Find a client by name or henkilötunnus and put them on the session's list."""

    TITLE_KEY = "client_pick.title"
    DEFAULT_CSS = """
    AttendeePickForm #pick-results { height: 8; border: none; }
    """

    def __init__(self, session_id: str) -> None:
        super().__init__()
        self.session_id = session_id
        self.client_id: str | None = None

    def fields(self) -> Iterable[Widget]:
        yield self.label("client_pick.search")
        yield Input(placeholder=t("client_pick.hint"), id="pick-search")
        yield OptionList(id="pick-results")

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "pick-search":
            self.client_id = None
            self.db(
                client_service.list_clients,
                query=event.value,
                limit=20,
                done=self._results,
                group="client-search",
            )

    def _results(self, rows: list) -> None:
        results = self.query_one("#pick-results", OptionList)
        results.set_options([Option(f"{r.full_name}", id=r.id) for r in rows])
        if rows:
            results.highlighted = 0
            self.client_id = rows[0].id

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.client_id = event.option.id

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.client_id = event.option.id
        self.action_submit()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_submit()

    def submit(self) -> None:
        if not self.client_id:
            raise FormError("pick-search", t("validation.required"))
        self.write(attendance.add_attendee, self.session_id, self.client_id, done=self._done)

    def _done(self, _row: Any) -> None:
        self.app.notify(t("groups.added"))
        self.dismiss(self.client_id)
