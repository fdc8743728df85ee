"""The Budgets screen's forms: return unused share; for a supervisor, set a programme's budget
for a period, and move share between devices or ask a device for it back (queued orders,
sent at the next sync). Also the words for budget refusals, shared with the screen."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, ClassVar

from textual.widget import Widget
from textual.widgets import Input, Select, Static

from kenttä.i18n import code, has, t
from kenttä.ui.modals.form import FormError, FormModal
from kenttä.ui.parsing import InputError, format_date, format_euros, parse_euros

# which form field a refusal of the budget check (budget_sync.plan_set) is about
_SET_FIELDS = {
    "programme": "set-programme", "period_order": "set-end", "amount_negative": "set-amount",
    "rule": "set-rule", "target_rule": "set-target", "target_missing": "set-target",
}  # fmt: skip


def _services() -> Any:
    from kenttä.services.vouchers.budgets import orders as budget_orders
    from kenttä.services.vouchers.budgets import share as voucher_budget
    from kenttä.services.vouchers.budgets import sync as budget_sync

    return budget_orders, budget_sync, voucher_budget


def period_text(start: str | date, end: str | date) -> str:
    return f"{format_date(start)}–{format_date(end)}"


def device_label(device: dict[str, Any] | None, device_id: str, this_device: str = "") -> str:
    """A device as people know it: its short code (else the start of its id) and name."""
    device = device or {}
    text = str(device.get("code") or device_id[:8])
    if device.get("name"):
        text += f" {device['name']}"
    if device_id == this_device:
        text += f" ({t('budgets.this_device')})"
    return text


def reason_text(code_: str | None, details: dict[str, Any] | None, reason: str = "") -> str:
    """A budget refusal (local check or the central store's answer) in words, in euros."""
    from kenttä.i18n.budget_words import budget_refusal

    return budget_refusal(code_, details, reason)


def error_reason(exc: Exception) -> str:
    """Words for an exception a budget service raised (a code of ours, else the app's)."""
    code_ = getattr(exc, "code", None)
    if code_ and has(f"budget_error.{code_}"):
        return reason_text(code_, getattr(exc, "details", {}), str(exc))
    from kenttä.ui.errors import error_text

    return error_text(exc)


def _amount(form: FormModal, field_id: str) -> int:
    try:
        cents = parse_euros(form.value(field_id))
    except InputError as exc:
        raise FormError(field_id, str(exc)) from None
    if cents is None:
        raise FormError(field_id, t("validation.required"))
    return cents


class _BudgetForm(FormModal):
    def failed(self, exc: Exception) -> None:
        self._busy = False
        self.show_reason(error_reason(exc))


class ReturnShareModal(_BudgetForm):
    """How much unused share to give back (validated here); dismissed with the cents."""

    TITLE_KEY = "return_form.title"

    def __init__(self, budget: dict[str, Any]) -> None:
        super().__init__()
        self.budget = budget

    def fields(self) -> Iterable[Widget]:
        b = self.budget
        period = period_text(b["period_start"], b["period_end"])
        yield Static(t("return_form.budget", programme=b["programme"], period=period))
        remaining = format_euros(max(b["remaining_cents"], 0))
        yield Static(t("return_form.available", amount=remaining), id="return-available")
        yield self.label("return_form.amount")
        yield Input(placeholder="0,00", id="return-amount")

    def submit(self) -> None:
        cents = _amount(self, "return-amount")
        remaining = max(self.budget["remaining_cents"], 0)
        if cents <= 0:
            raise FormError("return-amount", t("budget_error.amount_positive"))
        if cents > remaining:
            raise FormError("return-amount", t("return_form.over", amount=format_euros(remaining)))
        self.dismiss(cents)


class SetBudgetModal(_BudgetForm):
    """A programme's budget for a period; checked as `kenttä server budget set` checks it,
    then queued for the next sync. Dismissed with the order's id."""

    TITLE_KEY = "set_form.title"

    def __init__(self, programme: str = "", start: str = "", end: str = "") -> None:
        super().__init__()
        self.defaults = (programme, start, end)

    def fields(self) -> Iterable[Widget]:
        programme, start, end = self.defaults
        year = self.kapp.today.year
        yield self.label("set_form.programme")
        yield Input(value=programme, id="set-programme")
        yield self.label("set_form.start")
        yield Input(value=format_date(start or date(year, 1, 1)), id="set-start")
        yield self.label("set_form.end")
        yield Input(value=format_date(end or date(year, 12, 31)), id="set-end")
        yield self.label("set_form.amount")
        yield Input(placeholder="0,00", id="set-amount")
        yield self.label("set_form.rule")
        rules = [(code("budget_rule", r), r) for r in ("equal", "target", "on-request")]
        yield Select[str](rules, prompt=t("set_form.rule_keep"), id="set-rule")
        yield self.label("set_form.target")
        yield Input(placeholder="0,00", id="set-target")

    def submit(self) -> None:
        budget_orders, budget_sync, _ = _services()
        programme = self.required("set-programme")
        start = self.date_value("set-start", required=True)
        end = self.date_value("set-end", required=True)
        cents = _amount(self, "set-amount")
        target = None
        if self.value("set-target").strip():
            target = _amount(self, "set-target")
            if target <= 0:
                raise FormError("set-target", t("budget_error.amount_positive"))
        try:
            plan = budget_sync.plan_set(
                programme, start, end, cents, self.value("set-rule") or None, target
            )
        except budget_orders.BudgetOrderError as exc:
            field = _SET_FIELDS.get(exc.code, "set-amount")
            raise FormError(field, reason_text(exc.code, exc.details, str(exc))) from None
        self.write(budget_orders.queue_set, plan, done=self.dismiss, failed=self.failed)


class RequestReturnModal(_BudgetForm):
    """Ask a device for unused share back at its next sync (queued; dismissed with the
    order's id). The devices and their shares are the central figures of the last sync."""

    TITLE_KEY = "move_form.title_return"
    MOVE: ClassVar[bool] = False

    def __init__(
        self, budgets: list[dict[str, Any]], devices: list[dict[str, Any]], *,
        budget_id: str | None = None, this_device: str = "",
    ) -> None:  # fmt: skip
        super().__init__()
        self.budgets = {b["budget_id"]: b for b in budgets}
        self.devices = {d["device_id"]: d for d in devices}
        self.move = self.MOVE
        self.budget_id = budget_id if budget_id in self.budgets else None
        self.this_device = this_device

    def _label(self, device_id: str) -> str:
        return device_label(self.devices.get(device_id), device_id, self.this_device)

    def fields(self) -> Iterable[Widget]:
        yield self.label("move_form.budget")
        options = [
            (f"{b['programme']} {period_text(b['period_start'], b['period_end'])}", bid)
            for bid, b in self.budgets.items()
        ]
        yield Select[str](
            options, prompt=t("move_form.choose"), id="move-budget",
            value=self.budget_id or Select.NULL,
        )  # fmt: skip
        yield self.label("move_form.source")
        yield Select[str](self._sources(), prompt=t("move_form.choose"), id="move-source")
        if self.move:
            yield self.label("move_form.target")
            targets = [(self._label(d), d) for d in self.devices]
            yield Select[str](targets, prompt=t("move_form.choose"), id="move-target")
        yield self.label("move_form.amount")
        yield Input(placeholder="0,00", id="move-amount")

    def _sources(self) -> list[tuple[str, str]]:
        """Devices holding share of the chosen budget, with what was granted to each."""
        budget = self.budgets.get(self.budget_id or "")
        if budget is None:
            return []
        return [
            (t("move_form.holds", device=self._label(d["device_id"]),
               amount=format_euros(d["granted_cents"])), d["device_id"])
            for d in budget.get("devices", []) if d.get("granted_cents", 0) > 0
        ]  # fmt: skip

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "move-budget":
            self.budget_id = None if event.value is Select.NULL else str(event.value)
            self.query_one("#move-source", Select).set_options(self._sources())

    def submit(self) -> None:
        budget_orders, _, _ = _services()
        budget = self.budgets.get(self.value("move-budget"))
        if budget is None:
            raise FormError("move-budget", t("budget_error.order_incomplete"))
        source = self.value("move-source")
        if not source:
            raise FormError("move-source", t("budget_error.order_incomplete"))
        target = self.value("move-target") if self.move else None
        if self.move and not target:
            raise FormError("move-target", t("budget_error.order_incomplete"))
        if target == source:
            raise FormError("move-target", t("budget_error.same_device"))
        cents = _amount(self, "move-amount")
        if cents <= 0:
            raise FormError("move-amount", t("budget_error.amount_positive"))
        self.write(
            lambda ws: budget_orders.queue_request_return(
                ws, budget_id=budget["budget_id"], programme=budget["programme"],
                device_id=source, cents=cents, move_to=target,
            ),
            done=self.dismiss,
            failed=self.failed,
        )  # fmt: skip


class MoveShareModal(RequestReturnModal):
    """Move unused share: the source device gives back what is unspent (up to the amount)
    at its next sync, and the office grants it on to the target device."""

    TITLE_KEY = "move_form.title_move"
    MOVE = True
