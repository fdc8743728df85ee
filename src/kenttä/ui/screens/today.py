"""Today: what is due — plan steps, follow-ups, visits, vouchers, exit checks, sync."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from kenttä.i18n import code, t
from kenttä.services import today as today_service
from kenttä.services.today import TodaySummary
from kenttä.ui.base import BaseScreen
from kenttä.ui.parsing import format_date
from kenttä.ui.prefetch import first_owner, summary_key


def _header(text: str, count: int) -> Option:
    return Option(Text(f"{text} ({count})", style="bold"), disabled=True)


def _name(item: dict) -> str:
    return f"{item.get('last_name') or ''} {item.get('first_name') or ''}".strip()


class TodayScreen(BaseScreen):
    TITLE_KEY = "today.title"
    CSS_PATH = "today.tcss"
    BINDINGS: ClassVar = [
        Binding("enter", "open", "keys.open", show=False),
        Binding("r", "refresh", "keys.refresh"),
        Binding("m", "mine", "keys.mine"),
    ]
    SECTION_LIMIT = 10  # items per section; the rest are counted in a line of their own

    def __init__(self) -> None:
        super().__init__()
        # A coach's day is their own clients; coordinators and supervisors see everyone's.
        self.mine_only = first_owner(self.kapp.ws) is not None
        self.expanded: set[str] = set()
        self.summary: TodaySummary | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="today-status")
        yield OptionList(id="today-list")
        yield Footer()

    def reload(self) -> None:
        owner = self.kapp.ws.user if self.mine_only else None
        started = self.kapp.prefetched(summary_key(self.kapp.today, owner))
        if started is not None and started.done() and started.exception() is None:
            self.show(started.result())  # read while the app started: on the first frame
            return
        if started is not None:  # still reading: the worker waits for it (the same lock)
            self.db(_first_read, started, self.kapp.today, owner, done=self.show, group="today")
            return
        self.db(
            today_service.today_summary,
            today=self.kapp.today,
            owner=owner,
            done=self.show,
            group="today",
        )

    def action_mine(self) -> None:
        self.mine_only = not self.mine_only
        self.notify(t("today.mine_on" if self.mine_only else "today.mine_off"))
        self.reload()

    def action_refresh(self) -> None:
        self.reload()

    def show(self, summary: TodaySummary) -> None:
        self.summary = summary
        day = format_date(summary.today)
        last = format_date(summary.last_sync) if summary.last_sync else t("today.never")
        whose = t("today.scope_mine" if self.mine_only else "today.scope_all")
        self.query_one("#today-status", Static).update(
            f"{whose} · " + t("today.status", day=day, unsynced=summary.unsynced, last_sync=last)
        )
        options: list[Option | None] = []
        sections = [
            ("today.steps_due", summary.steps_due, self._step),
            ("today.follow_ups", summary.follow_ups, self._follow_up),
            ("today.visits_due", summary.visits_due, self._visit),
            ("today.vouchers_expiring", summary.vouchers_expiring, self._voucher),
            ("today.exit_checks", summary.exit_checks, self._exit_check),
            ("needs.today_section", summary.proposals, self._proposal),  # issue 16
        ]
        for key, items, make in sections:
            options.append(_header(t(key), len(items)))
            limit = len(items) if key in self.expanded else self.SECTION_LIMIT
            options += [make(item) for item in items[:limit]]
            if len(items) > limit:
                more = t("today.more", count=len(items) - limit)
                options.append(Option(Text(f"  {more}", style="italic"), id=f"more:{key}"))
        option_list = self.query_one("#today-list", OptionList)
        highlighted = option_list.highlighted
        keep = None  # the highlighted item's id: it stays highlighted when the list reloads
        if highlighted is not None and highlighted < option_list.option_count:
            keep = option_list.get_option_at_index(highlighted).id
        option_list.set_options(options)
        ids = [o.id if o is not None else None for o in options]
        first = next((i for i, o in enumerate(options) if o is not None and not o.disabled), None)
        if keep is not None and keep in ids:
            option_list.highlighted = ids.index(keep)
        elif highlighted is not None and highlighted < option_list.option_count:
            option_list.highlighted = highlighted
        elif first is not None:
            option_list.highlighted = first
        option_list.focus()

    @staticmethod
    def _step(step: dict) -> Option:
        return Option(
            f"  {format_date(step['due_date']):>10}  {_name(step)}: {step['description']}",
            id=f"client:{step['client_id']}:{step['id']}",
        )

    @staticmethod
    def _follow_up(item: dict) -> Option:
        return Option(
            f"  {format_date(item['last_contact']):>10}  {_name(item)} · "
            f"{code('placement', item['kind'])} · {item['employer'] or ''}",
            id=f"client:{item['client_id']}:{item['id']}",
        )

    @staticmethod
    def _visit(item: dict) -> Option:
        return Option(
            f"  {format_date(item['due']):>10}  {item['name']}",
            id=f"employer:{item['employer_id']}",
        )

    @staticmethod
    def _voucher(item: dict) -> Option:
        return Option(
            f"  {format_date(item['valid_until']):>10}  {item['number']} · {_name(item)}",
            id=f"client:{item['client_id']}:{item['number']}",
        )

    @staticmethod
    def _exit_check(item: dict) -> Option:
        return Option(
            f"  {format_date(item['due_on']):>10}  {_name(item)} · "
            f"{code('checkpoint', item['checkpoint'])}",
            # A check derived from the exit date has no outcome row yet: open the client card,
            # where the follow-up is recorded.
            id=(
                f"client:{item['client_id']}"
                if item.get("derived")
                else f"outcome:{item['id']}:{item['client_id']}"
            ),
        )

    @staticmethod
    def _proposal(item: dict) -> Option:
        what = item.get("title") or item.get("occupation") or ""
        return Option(
            f"  {format_date(item['proposed_on']):>10}  {_name(item)} · {what} · "
            f"{item.get('employer') or ''}",
            id=f"proposal:{item['id']}:{_name(item)}",
        )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self._open(event.option.id)

    def action_open(self) -> None:
        option_list = self.query_one("#today-list", OptionList)
        if option_list.highlighted is not None:
            self._open(option_list.get_option_at_index(option_list.highlighted).id)

    def _open(self, option_id: str | None) -> None:
        if not option_id:
            return
        kind, record_id, *_rest = option_id.split(":")
        if kind == "more" and self.summary is not None:
            self.expanded.add(record_id)
            self.show(self.summary)
        elif kind == "client":
            from kenttä.ui.screens.client_card import open_client_card

            open_client_card(self.app, record_id)
        elif kind == "employer":
            from kenttä.ui.screens.employer_card import EmployerCardScreen

            self.app.push_screen(EmployerCardScreen(record_id))
        elif kind == "proposal":
            from kenttä.ui.modals.proposal_outcome import ProposalOutcomeModal

            self.app.push_screen(ProposalOutcomeModal(record_id, ":".join(_rest)))
        elif kind == "outcome":
            from kenttä.ui.modals.forms import OutcomeCheckModal

            self.app.push_screen(OutcomeCheckModal(record_id, _rest[0] if _rest else None))


def _first_read(ws: Any, started: Any, today: date, owner: str | None) -> TodaySummary:
    """The read started with the app, or (if it failed) the same read again."""
    try:
        return started.result()
    except Exception:
        return today_service.today_summary(ws, today=today, owner=owner)
