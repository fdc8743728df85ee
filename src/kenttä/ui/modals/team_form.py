"""A client's team: the responsible coach, the co-workers (Delete removes the highlighted
one), and a new co-worker by user name and role (Ctrl+S adds)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Input, OptionList, Select, Static
from textual.widgets.option_list import Option

from kenttä.domain.codes import TeamRole
from kenttä.i18n import code, t
from kenttä.services.clients import team
from kenttä.ui.modals.form import FormModal


class TeamForm(FormModal):
    TITLE_KEY = "team.title"
    DEFAULT_CSS = """
    TeamForm #team-members { height: 5; border: none; }
    """
    BINDINGS: ClassVar = [Binding("delete", "remove_member", "keys.remove_member")]

    def __init__(self, client_id: str, owner: str | None) -> None:
        super().__init__()
        self.client_id = client_id
        self.owner = owner

    def fields(self) -> Iterable[Widget]:
        yield Static(t("team.owner", owner=self.owner or "–"), id="team-owner")
        yield self.label("team.members")
        yield OptionList(id="team-members")
        yield self.label("team.user")
        yield Input(placeholder=t("team.user_hint"), id="team-user", max_length=200)
        yield self.label("team.role")
        yield Select(
            [(code("team_role", r.value), r.value) for r in TeamRole],
            value=TeamRole.PSYCHOLOGIST.value,
            allow_blank=False,
            id="team-role",
        )

    def reload(self) -> None:
        self.db(team.team_of, self.client_id, done=self._members, group="team")

    def _members(self, members: list[dict[str, Any]]) -> None:
        listing = self.query_one("#team-members", OptionList)
        listing.set_options(
            [Option(f"{m['user']} · {code('team_role', m['role'])}", id=m["user"]) for m in members]
            or [Option(t("team.none"), disabled=True)]
        )
        if members:
            listing.highlighted = 0

    def submit(self) -> None:
        user = self.required("team-user")
        self.write(
            team.add_member,
            self.client_id,
            user,
            self.value("team-role"),
            done=lambda _: self._done("team.added"),
        )

    def action_remove_member(self) -> None:
        listing = self.query_one("#team-members", OptionList)
        if listing.highlighted is None:
            return
        user = listing.get_option_at_index(listing.highlighted).id
        if user:
            self.write(
                team.remove_member, self.client_id, user, done=lambda _: self._done("team.removed")
            )

    def _done(self, key: str) -> None:
        self.app.notify(t(key))
        self.dismiss(True)
