"""Issuing a service voucher from the client card: service, value, validity, provider."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Input, Select, Static

from kenttä.i18n import t
from kenttä.ui.base import BaseModal
from kenttä.ui.modals.form import FormError, FormModal
from kenttä.ui.parsing import InputError, format_date, format_euros, parse_euros

DEFAULT_VALID_DAYS = 90


def voucher_service() -> Any:
    from kenttä.services.vouchers import core as vouchers

    return vouchers


def _services(ws: Any, client_id: str) -> list[Any]:
    """What the tray offers this client: not retired, and serving the client's programme."""
    row = ws.store.conn.execute(
        "SELECT programme FROM clients WHERE id = ?", (client_id,)
    ).fetchone()
    programme = (row[0] if row else None) or ws.config.programme
    return list(voucher_service().list_services(ws, programme=programme))


def _providers(ws: Any, service_code: str) -> list[Any]:
    return list(voucher_service().providers_for(ws, service_code))


def _hint(ws: Any, client_id: str, today: Any) -> Any:
    from kenttä.services.vouchers.budgets import issue_hint

    return issue_hint(ws, client_id, today)


def over_budget_text(value_cents: int, remaining_cents: int, programme: str) -> str:
    return t(
        "voucher_issue.over_budget", value=format_euros(value_cents),
        remaining=format_euros(max(remaining_cents, 0)), programme=programme,
    )  # fmt: skip


class VoucherIssueModal(FormModal):
    TITLE_KEY = "voucher_issue.title"

    def __init__(self, client_id: str) -> None:
        super().__init__()
        self.client_id = client_id
        self.services: dict[str, Any] = {}
        self.hint: Any = None  # budget_view.IssueHint: the programme and what remains of it

    def fields(self) -> Iterable[Widget]:
        yield self.label("voucher_issue.service")
        yield Select[str]([], prompt=t("voucher_issue.choose_service"), id="voucher-service")
        yield self.label("voucher_issue.value")
        yield Input(placeholder="0,00 €", id="voucher-value")
        yield Static(id="voucher-remaining", classes="form-label")
        yield self.label("voucher_issue.valid_until")
        yield Input(
            value=format_date(self.kapp.today + timedelta(days=DEFAULT_VALID_DAYS)),
            id="voucher-valid",
        )
        yield self.label("voucher_issue.provider")
        yield Select[str]([], prompt=t("voucher_issue.provider_later"), id="voucher-provider")

    def reload(self) -> None:
        self.db(_services, self.client_id, done=self._set_services, group="services")
        self.db(_hint, self.client_id, self.kapp.today, done=self._set_hint, group="hint")

    def _set_hint(self, hint: Any) -> None:
        self.hint = hint
        if hint.programme is None:
            text = t("voucher_issue.no_programme")
        elif hint.has_share:
            text = t(
                "voucher_issue.remaining", amount=format_euros(hint.remaining_cents),
                programme=hint.programme,
            )  # fmt: skip
        else:
            text = t("voucher_issue.remaining_none", programme=hint.programme)
        self.query_one("#voucher-remaining", Static).update(text)

    def _set_services(self, services: list[Any]) -> None:
        self.services = {s.code: s for s in services}
        select = self.query_one("#voucher-service", Select)
        select.set_options([(f"{s.name} ({s.code})", s.code) for s in services])

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id != "voucher-service" or event.value is Select.NULL:
            return
        service = self.services.get(str(event.value))
        if service is not None and service.default_value_cents:
            value = format_euros(service.default_value_cents).replace(" €", "")
            self.query_one("#voucher-value", Input).value = value.replace("\u00a0", "")
        self.db(_providers, str(event.value), done=self._set_providers, group="providers")

    def _set_providers(self, providers: list[Any]) -> None:
        select = self.query_one("#voucher-provider", Select)
        select.set_options([(p.name, p.id) for p in providers])

    def submit(self) -> None:
        service_code = self.value("voucher-service")
        if not service_code:
            raise FormError("voucher-service", t("validation.required"))
        try:
            value_cents = parse_euros(self.value("voucher-value"))
        except InputError as exc:
            raise FormError("voucher-value", str(exc)) from None
        hint = self.hint
        # the service refuses it too (inside its transaction): say why before trying
        if hint and hint.programme and value_cents and value_cents > hint.remaining_cents:
            raise FormError(
                "voucher-value",
                over_budget_text(value_cents, hint.remaining_cents, hint.programme),
            )
        valid_until = self.date_value("voucher-valid", required=True)
        if valid_until < self.kapp.today:
            raise FormError("voucher-valid", t("voucher_issue.valid_in_past"))
        provider = self.value("voucher-provider") or None

        def issue(ws: Any) -> Any:
            return voucher_service().issue_voucher(
                ws,
                client_id=self.client_id,
                service_code=service_code,
                value_cents=value_cents,
                valid_until=valid_until,
                provider_id=provider,
                today=self.kapp.today,
            )

        self.write(issue, done=self._issued, failed=self.failed)

    def failed(self, exc: Exception) -> None:
        details = getattr(exc, "details", {})
        if getattr(exc, "code", None) == "over_budget":  # with the amounts, in euros
            self._busy = False
            text = over_budget_text(
                int(details.get("value_cents", 0)), int(details.get("remaining_cents", 0)),
                str(details.get("programme", "")),
            )  # fmt: skip
            self.show_reason(text, "voucher-value")
            return
        super().failed(exc)

    def _issued(self, voucher: Any) -> None:
        self.dismiss(voucher)
        self.app.push_screen(VoucherIssuedModal(voucher))


class VoucherIssuedModal(BaseModal):
    """The new voucher's number, to read out or write on the paper voucher."""

    DEFAULT_CSS = """
    VoucherIssuedModal { align: center middle; }
    VoucherIssuedModal > Vertical {
        width: 60; max-width: 100%; height: auto; border: thick $success;
        background: $surface; padding: 1 2;
    }
    VoucherIssuedModal #voucher-number { text-style: bold; color: $success; margin: 1 0; }
    """
    BINDINGS: ClassVar = [Binding("escape,enter", "close", "keys.close")]

    def __init__(self, voucher: Any) -> None:
        super().__init__()
        self.voucher = voucher

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(t("voucher_issue.issued"))
            yield Static(str(self.voucher.number), id="voucher-number")
            yield Static(
                t(
                    "voucher_issue.issued_detail",
                    value=format_euros(self.voucher.value_cents),
                    valid=format_date(self.voucher.valid_until),
                )
            )

    def action_close(self) -> None:
        self.dismiss()
