"""Today lists the vouchers `vouchers.expiring` lists: the same rule, read without models."""

from __future__ import annotations

from datetime import date, timedelta

from kenttä.domain.codes import VoucherStatus
from kenttä.domain.models import Client, Voucher
from kenttä.services import today
from kenttä.services.vouchers import core as vouchers

TODAY = date(2026, 3, 16)


def test_today_and_the_voucher_service_agree(workspace) -> None:
    ws = workspace
    with ws.store.replica.transaction(ws.user) as tx:
        client = Client(first_name="Testi", last_name="Asiakas", scope="kuopio")
        tx.insert("clients", client.to_row())
        numbers = {}
        for n, (status, days) in enumerate(
            (status, days) for status in VoucherStatus for days in (-1, 0, 1, 13, 14, 15, 40)
        ):
            voucher = Voucher(
                number=f"T-{n:03d}",
                client_id=client.id,
                service_code="coaching",
                value_cents=10_000,
                issued_on=TODAY - timedelta(days=30),
                valid_until=TODAY + timedelta(days=days),
                status=status,
                issued_by=ws.user,
                scope="kuopio",
            )
            numbers[voucher.number] = tx.insert("vouchers", voucher.to_row())
        tx.delete("vouchers", numbers["T-001"])  # a deleted voucher is listed by neither
    expected = [v.number for v in vouchers.expiring(ws, within_days=14, today=TODAY)]
    listed = today.vouchers_expiring(ws, today=TODAY, within_days=14)
    assert [item["number"] for item in listed] == expected
    assert len(expected) == 2 * 4 - 1  # issued and provider chosen, 0…14 days, less one
    assert {item["first_name"] for item in listed} == {"Testi"}
