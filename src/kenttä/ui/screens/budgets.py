"""Budjetit: this device's share of each voucher budget and what was issued from it, per
budget and per caseworker; return unused share. For a supervisor also the central figures
as of the last sync, and orders (set a budget, move share, ask for a return) queued for
the next sync. Opened from the Vouchers screen (b)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Footer, Header, Static

from kenttä.domain.localtime import local_datetime
from kenttä.i18n import code, t
from kenttä.ui.base import BaseScreen, role_actions
from kenttä.ui.modals.budget_forms import (
    MoveShareModal,
    RequestReturnModal,
    ReturnShareModal,
    SetBudgetModal,
    device_label,
    error_reason,
    period_text,
    reason_text,
)
from kenttä.ui.parsing import format_date, format_euros

FIGURES = ("granted", "issued", "used", "invoiced", "remaining")
ORDERS_SHOWN = 3
Column = tuple[str, str, bool]  # key, label, right-aligned


def _services() -> Any:
    from kenttä.services.vouchers.budgets import share as voucher_budget
    from kenttä.services.vouchers.budgets import view as budget_view

    return budget_view, voucher_budget


def money(cents: int | None) -> str:
    """An amount in a table cell: 1 234,50 (the section title says €)."""
    return "" if cents is None else format_euros(cents).removesuffix(" €")


def short_period(start: str, end: str) -> str:
    """2026, or 2026–27: enough in a table (the line below gives the whole period)."""
    first, last = start[:4], end[:4]
    return first if first == last else f"{first}–{last[2:]}"


def local_time(iso: str) -> str:
    """The office's UTC time of a snapshot, as a date and time in Helsinki."""
    try:
        when = local_datetime(iso)
    except ValueError:
        return iso
    return f"{format_date(when.date())} {when.hour}.{when.minute:02d}"


def fill(table: DataTable, columns: Sequence[Column], rows: Sequence[dict[str, Any]]) -> None:
    """Columns just wide enough for their text (cell padding is 0: a space leads each
    cell), amounts right-aligned, so the tables fit 80 columns. The highlighted row stays
    on the same key across a reload."""
    keep = None
    if table.row_count:
        keep = table.coordinate_to_cell_key((max(table.cursor_row, 0), 0)).row_key.value
    table.clear(columns=True)
    for key, label, right in columns:
        width = max([len(label), *(len(str(r.get(key, ""))) for r in rows)]) + 1
        table.add_column(Text(label, justify="right" if right else "left"), key=key, width=width)
    for index, row in enumerate(rows):
        cells = [
            Text(str(row.get(key, "")), justify="right" if right else "left")
            for key, _, right in columns
        ]
        table.add_row(*cells, key=str(row.get("_key", index)))
    # One line a row and the header, set here: a `height: auto` table waits for the idle
    # moment that measures it, and its layout after that was sometimes never made (the
    # central figures stayed zero lines high on a busy machine). max-height still applies.
    table.styles.height = len(rows) + 1
    keys = [str(row.get("_key", index)) for index, row in enumerate(rows)]
    if keep in keys:
        table.move_cursor(row=keys.index(str(keep)), animate=False)


class BudgetsScreen(BaseScreen):
    TITLE_KEY = "budgets.title"
    CSS_PATH = "budgets.tcss"
    BINDINGS: ClassVar = [
        Binding("r", "return_share", "keys.return_share"),
        Binding("n", "set_budget", "keys.set_budget"),
        Binding("m", "move_share", "keys.move_share"),
        Binding("a", "request_return", "keys.request_return"),
        Binding("escape", "app.pop_screen", "keys.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.figures: Any = None  # budget_view.BudgetView, once loaded

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="budgets-body"):
            yield Static(classes="section", id="budgets-device-title")
            yield DataTable(id="budgets-device", cursor_type="row", cell_padding=0)
            yield Static(id="budgets-selected", classes="detail")
            yield Static(classes="section", id="budgets-caseworkers-title")
            yield DataTable(id="budgets-caseworkers", cursor_type="row", cell_padding=0)
            yield Static(classes="section supervisor", id="budgets-central-title")
            yield DataTable(
                id="budgets-central", cursor_type="row", cell_padding=0, classes="supervisor"
            )
            yield Static(id="budgets-central-detail", classes="detail supervisor")
            yield Static(id="budgets-orders", classes="supervisor")
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#budgets-device", DataTable).focus()

    # -- data ----------------------------------------------------------------------------------
    allowed: frozenset[str] | None = None  # the role's actions, once loaded

    def reload(self) -> None:
        self.db(lambda ws: _services()[0].budget_view(ws), done=self.show)
        if self.allowed is None:
            self.db(role_actions, done=self._set_allowed, group="role")

    def _set_allowed(self, allowed: frozenset[str]) -> None:
        self.allowed = allowed
        self.refresh_bindings()

    def show(self, view: Any) -> None:
        self.figures = view
        self.set_class(view.may_order, "-supervisor")
        code_ = view.device_code or view.device_id[:8]
        self.query_one("#budgets-device-title", Static).update(t("budgets.device", code=code_))
        self._device_table(view)
        self._caseworker_table(view)
        if view.may_order:
            self._central_table(view)
            self._orders(view)
        self.refresh_bindings()

    def _device_table(self, view: Any) -> None:
        rows = [
            {"_key": b["budget_id"], "label": f"{b['programme']} "
             f"{short_period(b['period_start'], b['period_end'])}",
             **{f: money(b[f"{f}_cents"]) for f in FIGURES}}
            for b in view.budgets
        ]  # fmt: skip
        columns = [("label", t("budgets.col_programme"), False)]
        columns += [(f, t(f"budgets.col_{f}"), True) for f in FIGURES]
        fill(self.query_one("#budgets-device", DataTable), columns, rows)
        self._show_selected()

    def _caseworker_table(self, view: Any) -> None:
        rows = [
            {"who": c["caseworker"], "programme": c["programme"],
             **{f: money(c[f"{f}_cents"]) for f in FIGURES[1:4]}}
            for c in view.caseworkers
        ]  # fmt: skip
        columns = [
            ("who", t("budgets.col_caseworker"), False),
            ("programme", t("budgets.col_programme"), False),
            *((f, t(f"budgets.col_{f}"), True) for f in FIGURES[1:4]),
        ]
        table = self.query_one("#budgets-caseworkers", DataTable)
        fill(table, columns, rows)
        table.display = bool(rows)
        title = t("budgets.caseworkers" if rows else "budgets.caseworkers_none")
        self.query_one("#budgets-caseworkers-title", Static).update(title)

    def _central_table(self, view: Any) -> None:
        snap = view.snapshot
        title = self.query_one("#budgets-central-title", Static)
        table = self.query_one("#budgets-central", DataTable)
        if snap is None:
            title.update(t("budgets.central_none"))
            table.display = False
            return
        title.update(t("budgets.central", time=local_time(snap.taken_at)))
        devices = {d["device_id"]: d for d in snap.devices}
        rows: list[dict[str, Any]] = []
        for b in snap.budgets:
            label = f"{b['programme']} {short_period(b['period_start'], b['period_end'])}"
            rows.append({"_key": b["budget_id"], "label": label, "budget": money(b["budget_cents"]),
                         **{f: money(b[f"{f}_cents"]) for f in FIGURES}})  # fmt: skip
            for d in b.get("devices", []):
                name = device_label(devices.get(d["device_id"]), d["device_id"], view.device_id)
                rows.append({"_key": f"{b['budget_id']}\x1f{d['device_id']}", "label": f" {name}",
                             **{f: money(d[f"{f}_cents"]) for f in FIGURES}})  # fmt: skip
        columns = [
            ("label", t("budgets.col_device"), False),
            ("budget", t("budgets.col_budget"), True),
        ]
        columns += [(f, t(f"budgets.col_{f}"), True) for f in FIGURES]
        fill(table, columns, rows)
        table.display = bool(rows)
        self._show_central_detail()

    def _orders(self, view: Any) -> None:
        lines = [t("budgets.orders_title")] if view.orders else []
        devices = {d["device_id"]: d for d in (view.snapshot.devices if view.snapshot else [])}
        for order in view.orders[:ORDERS_SHOWN]:
            lines.append(f" {self._order_summary(order, devices, view.device_id)} – "
                         f"{self._order_state(order)}")  # fmt: skip
        self.query_one("#budgets-orders", Static).update("\n".join(lines))

    @staticmethod
    def _order_summary(order: Any, devices: dict[str, Any], this: str) -> str:
        body = order.body
        if order.op == "set":
            start, _, end = str(body.get("period", "")).partition("/")
            return t("budgets.order_set", programme=body.get("label", ""),
                     period=period_text(start, end), amount=format_euros(body.get("total", 0)))  # fmt: skip
        source = str(body.get("device_id", ""))
        target = body.get("move_to")
        params = {
            "programme": body.get("label", ""), "amount": format_euros(body.get("amount", 0)),
            "device": device_label(devices.get(source), source, this),
            "target": device_label(devices.get(target), target, this) if target else "",
        }  # fmt: skip
        return t("budgets.order_move" if target else "budgets.order_return", **params)

    @staticmethod
    def _order_state(order: Any) -> str:
        if order.waiting:
            return t("budgets.order_waiting")
        if order.outcome == "done":
            return t("budgets.order_done")
        reason = reason_text(order.code, order.details, order.reason or "")
        return t("budgets.order_refused", reason=reason)

    # -- the highlighted rows ----------------------------------------------------------------------
    def _budget(self) -> dict[str, Any] | None:
        table = self.query_one("#budgets-device", DataTable)
        if self.figures is None or not self.figures.budgets or table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key((max(table.cursor_row, 0), 0)).row_key.value
        found = next((b for b in self.figures.budgets if b["budget_id"] == key), None)
        return None if found is None else dict(found)  # the highlighted row's, by its id

    def _central_budget_id(self) -> str | None:
        table = self.query_one("#budgets-central", DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key((max(table.cursor_row, 0), 0)).row_key.value
        return None if key is None else str(key).split("\x1f")[0]

    def _show_selected(self) -> None:
        b = self._budget()
        text = t("budgets.device_none") if b is None else t(
            "budgets.selected", programme=b["programme"],
            period=period_text(b["period_start"], b["period_end"]),
            remaining=format_euros(b["remaining_cents"]),
        )  # fmt: skip
        self.query_one("#budgets-selected", Static).update(text)

    def _show_central_detail(self) -> None:
        bid = self._central_budget_id()
        rows = self.figures.snapshot.budgets if self.figures and self.figures.snapshot else []
        found = next((b for b in rows if b["budget_id"] == bid), None)
        text = "" if found is None else t(
            "budgets.central_detail", programme=found["programme"],
            period=period_text(found["period_start"], found["period_end"]),
            unallocated=format_euros(found["unallocated_cents"]),
            rule=code("budget_rule", found.get("rule")),
        )  # fmt: skip
        self.query_one("#budgets-central-detail", Static).update(text)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "budgets-device":
            self._show_selected()
        elif event.data_table.id == "budgets-central":
            self._show_central_detail()

    # -- actions -----------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("set_budget", "move_share", "request_return"):
            return bool(self.figures and self.figures.may_order)
        if action == "return_share":  # returning share is the voucher issuer's (not a coordinator)
            return self.allowed is not None and "issue_voucher" in self.allowed
        return True

    def action_return_share(self) -> None:
        budget = self._budget()
        if budget is None:
            self.notify(t("budgets.none_selected"), severity="warning")
            return
        self.app.push_screen(ReturnShareModal(budget), lambda c: self._confirm_return(budget, c))

    def _confirm_return(self, budget: dict[str, Any], cents: int | None) -> None:
        if not cents:
            return
        from kenttä.ui.modals.confirm import ConfirmModal

        amount, programme = format_euros(cents), budget["programme"]

        def answer(yes: bool | None) -> None:
            if not yes:
                return
            self.write(
                lambda ws: _services()[1].return_share(ws, budget["budget_id"], cents),
                done=lambda _: (
                    self.notify(t("budgets.returned", amount=amount, programme=programme)),
                    self.reload(),
                ),
                failed=lambda exc: self.notify(error_reason(exc), severity="error", timeout=8),
            )

        question = t("budgets.return_q", amount=amount, programme=programme)
        self.app.push_screen(ConfirmModal(question), answer)

    def _queued(self, order_id: str | None) -> None:
        if order_id:
            self.notify(t("budgets.queued"))
            self.reload()

    def action_set_budget(self) -> None:
        b = self._budget() or {}
        modal = SetBudgetModal(
            b.get("programme", ""), b.get("period_start", ""), b.get("period_end", "")
        )
        self.app.push_screen(modal, self._queued)

    def _share_order(self, modal: type[RequestReturnModal]) -> None:
        snap = self.figures.snapshot if self.figures else None
        if snap is None or not snap.budgets:
            self.notify(t("budgets.no_snapshot"), severity="warning")
            return
        form = modal(
            snap.budgets, snap.devices, budget_id=self._central_budget_id(),
            this_device=self.figures.device_id,
        )  # fmt: skip
        self.app.push_screen(form, self._queued)

    def action_move_share(self) -> None:
        self._share_order(MoveShareModal)

    def action_request_return(self) -> None:
        self._share_order(RequestReturnModal)
