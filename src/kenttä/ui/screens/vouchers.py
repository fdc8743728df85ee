"""Vouchers: a list filtered by status; lifecycle actions on the selected voucher."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Footer, Header, Select, Static

from kenttä.domain.codes import VoucherStatus
from kenttä.i18n import code, t
from kenttä.services.clients import core as client_service
from kenttä.ui.base import BaseScreen, role_actions
from kenttä.ui.modals.form import FormError, FormModal
from kenttä.ui.parsing import (
    clip,
    format_date,
    format_date_short,
    format_euros,
    format_euros_short,
)
from kenttä.ui.widgets.paged_table import PagedTable


def _vouchers() -> Any:
    from kenttä.services.vouchers import core as vouchers

    return vouchers


@dataclass(frozen=True)
class VoucherRow:
    voucher: Any
    service: str
    client: str

    @property
    def number(self) -> str:
        return self.voucher.number


def fetch_rows(ws: Any, *, status: str | None, after: Any = None, limit: int = 50) -> list:
    """A page of vouchers with the service's and the client's names."""
    vouchers = _vouchers().list_vouchers(ws, status=status, after=after, limit=limit)
    services = {s.code: s.name for s in _vouchers().list_services(ws, include_retired=True)}
    names = client_service.names_of(ws, [v.client_id for v in vouchers])
    return [
        VoucherRow(v, services.get(v.service_code, v.service_code), names.get(v.client_id, ""))
        for v in vouchers
    ]


# Column widths that fit 80 columns with the table's padding and scrollbar (issue 14): each
# cell is cut with "…"; the highlighted voucher is shown in full below the table.
WIDTHS = {"number": 12, "client": 14, "service": 10, "value": 8, "valid": 8, "status": 13}


def short_number(number: str) -> str:
    """`TOPI-2026-K7QM-00042` → `TOPI…00042`: the programme and the running number."""
    parts = number.split("-")
    if len(parts) < 4:
        return number
    return f"{parts[0]}…{parts[-1]}"


def voucher_columns() -> list[tuple[str | Text, int]]:
    w = WIDTHS
    return [
        (t("vouchers.col_number"), w["number"]),
        (t("vouchers.col_client"), w["client"]),
        (t("vouchers.col_service"), w["service"]),
        (Text(clip(t("vouchers.col_value"), w["value"]), justify="right"), w["value"]),
        (clip(t("narrow.col_valid"), w["valid"]), w["valid"]),
        (t("vouchers.col_status"), w["status"]),
    ]


def render_voucher(row: VoucherRow) -> tuple[str | Text, ...]:
    v = row.voucher
    w = WIDTHS
    return (
        clip(short_number(v.number), w["number"]),
        clip(row.client, w["client"]),
        clip(row.service, w["service"]),
        Text(format_euros_short(v.value_cents), justify="right"),
        format_date_short(v.valid_until),
        clip(code("voucher_short", v.status), w["status"]),
    )


def voucher_detail(row: VoucherRow) -> str:
    """The highlighted voucher in full, under the table."""
    v = row.voucher
    return " · ".join(
        part
        for part in (
            v.number,
            row.client,
            row.service,
            format_euros(v.value_cents),
            t("narrow.valid_until", date=format_date(v.valid_until)),
            code("voucher", v.status),
        )
        if part
    )


class ProviderModal(FormModal):
    TITLE_KEY = "vouchers.provider_title"

    def __init__(self, voucher: Any) -> None:
        super().__init__()
        self.voucher = voucher

    def fields(self) -> Iterable[Widget]:
        yield self.label("vouchers.provider")
        yield Select[str]([], prompt=t("exit_form.choose"), id="provider")

    def reload(self) -> None:
        self.db(
            lambda ws: _vouchers().providers_for(ws, self.voucher.service_code),
            done=lambda providers: self.query_one("#provider", Select).set_options(
                [(p.name, p.id) for p in providers]
            ),
        )

    def submit(self) -> None:
        provider = self.value("provider")
        if not provider:
            raise FormError("provider", t("validation.required"))
        number = self.voucher.number
        self.write(
            lambda ws: _vouchers().transition(
                ws,
                number,
                VoucherStatus.PROVIDER_CHOSEN.value,
                provider_id=provider,
                today=self.kapp.today,
            ),
            done=lambda _: self.dismiss(True),
            failed=self.failed,
        )


class VouchersScreen(BaseScreen):
    TITLE_KEY = "vouchers.title"
    RELOAD_ON_RESUME = True
    DEFAULT_CSS = """
    VouchersScreen #voucher-status { margin: 0 1; width: 40; }
    VouchersScreen #voucher-table { height: 1fr; }
    VouchersScreen #voucher-count { height: 1; padding: 0 1; color: $text-muted; }
    VouchersScreen #voucher-detail { height: auto; max-height: 2; padding: 0 1; }
    """
    BINDINGS: ClassVar = [
        Binding("p", "provider", "keys.provider"),
        Binding("u", "move('used')", "keys.used"),
        Binding("i", "move('invoiced')", "keys.invoiced"),
        Binding("m", "move('paid')", "keys.paid"),
        Binding("x", "cancel_voucher", "keys.cancel_voucher"),
        Binding("b", "budgets", "keys.budgets"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Select[str](
            [(code("voucher", s.value), s.value) for s in VoucherStatus],
            prompt=t("vouchers.all_statuses"),
            compact=True,
            id="voucher-status",
        )
        yield PagedTable(
            voucher_columns(),
            render_voucher,
            key=lambda v: v.number,
            row_id=lambda v: v.number,
            id="voucher-table",
        )
        yield Static(id="voucher-detail")
        yield Static(id="voucher-count")
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#voucher-table", PagedTable).focus()

    _shown_status: Any = ()  # the filter of the rows on screen (() before the first load)

    def reload(self) -> None:
        value = self.query_one("#voucher-status", Select).value
        status = None if value is Select.NULL else str(value)
        same = status == self._shown_status  # a reload, not a new filter: keep the cursor's row
        self._shown_status = status
        self.query_one("#voucher-table", PagedTable).restart(
            partial(fetch_rows, status=status), keep=same
        )
        if self.allowed is None:
            self._load_role()

    allowed: frozenset[str] | None = None  # the role's actions, once loaded

    def _load_role(self) -> None:
        self.db(role_actions, done=self._set_allowed, group="role")

    def _set_allowed(self, allowed: frozenset[str]) -> None:
        self.allowed = allowed
        self.refresh_bindings()
        self._show_count()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A role that may not handle vouchers (a coordinator) sees no keys that would."""
        if action in {"provider", "move", "cancel_voucher"}:
            return self.allowed is not None and "issue_voucher" in self.allowed
        return True

    def on_select_changed(self, event: Select.Changed) -> None:
        self.reload()

    _count: tuple[int, bool] | None = None

    def on_paged_table_loaded(self, event: PagedTable.Loaded) -> None:
        self._count = (event.count, event.more)
        self._show_count()

    def _show_count(self) -> None:
        if self._count is None:
            return
        count, more = self._count
        text = t("vouchers.count_more" if more else "vouchers.count", count=count)
        if self.allowed is not None and "issue_voucher" not in self.allowed:
            text += f" · {t('role.vouchers_read_only')}"  # why there are no keys to press
        self.query_one("#voucher-count", Static).update(text)

    def on_data_table_row_highlighted(self, event: PagedTable.RowHighlighted) -> None:
        row = self.query_one("#voucher-table", PagedTable).selected()
        self.query_one("#voucher-detail", Static).update(voucher_detail(row) if row else "")

    def _selected(self) -> VoucherRow | None:
        """The row under the cursor now, as it was loaded (its number, client and value)."""
        row = self.query_one("#voucher-table", PagedTable).selected()
        if row is None:
            self.notify(t("vouchers.none_selected"), severity="warning")
        return row

    def action_provider(self) -> None:
        row = self._selected()
        if row is not None:
            self.app.push_screen(ProviderModal(row.voucher))

    def _confirm(
        self, row: VoucherRow, key: str, write: Any, message: str, then: Any = None
    ) -> None:
        """Ask, naming the voucher, the client and the amount; then write that voucher
        (and, when given, call `then` with the saved voucher)."""
        from kenttä.ui.modals.confirm import ConfirmModal

        v = row.voucher
        question = t(
            key, number=v.number, client=row.client or "–", value=format_euros(v.value_cents)
        )

        def answer(yes: bool | None) -> None:
            if yes:
                self.write(
                    write,
                    done=lambda saved: (
                        self.notify(t(message, number=saved.number)),
                        self.reload(),
                        then and then(saved),
                    ),
                )

        self.app.push_screen(ConfirmModal(question), answer)

    def _cannot_move(self, row: VoucherRow, status: str) -> bool:
        """A step the voucher's status does not allow is said at once, without asking first
        (a paid voucher is never offered "mark as used?"). True when refused."""
        from kenttä.i18n import code

        lifecycle = _vouchers()
        current = lifecycle.S(row.voucher.status)
        if lifecycle.S(status) in lifecycle.TRANSITIONS[current]:
            return False
        self.notify(
            t("voucher_refuse.move", number=row.voucher.number,
              current=code("voucher", current.value), to=code("voucher", status)),
            severity="warning",
        )  # fmt: skip
        return True

    def action_move(self, status: str) -> None:
        row = self._selected()
        if row is None or self._cannot_move(row, status):
            return
        number = row.voucher.number  # the voucher as it was when the key was pressed
        today = self.kapp.today
        self._confirm(
            row,
            f"confirm_write.voucher_{status}",
            lambda ws: _vouchers().transition(ws, number, status, today=today),
            "vouchers.moved",
            then=partial(self._offer_feedback, row) if status == "used" else None,
        )

    def _offer_feedback(self, row: VoucherRow, saved: Any) -> None:
        """A voucher just used: its client's feedback on the service, now (Esc skips it)."""
        from kenttä.ui.modals.feedback_form import FeedbackForm

        if self.allowed is not None and "record_feedback" in self.allowed:
            self.app.push_screen(
                FeedbackForm(saved.client_id, voucher_number=saved.number, service=row.service)
            )

    def action_cancel_voucher(self) -> None:
        row = self._selected()
        if row is None or self._cannot_move(row, "cancelled"):
            return
        number = row.voucher.number
        self._confirm(
            row,
            "confirm_write.voucher_cancel",
            lambda ws: _vouchers().cancel_voucher(ws, number),
            "vouchers.cancelled",
        )

    def action_budgets(self) -> None:
        """This device's voucher budgets (and, for a supervisor, the office's)."""
        from kenttä.ui.screens.budgets import BudgetsScreen

        self.app.push_screen(BudgetsScreen())
