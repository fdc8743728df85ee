"""A released voucher stays released: the budget invariant under a concurrent edit.

Laptop A cancels a voucher offline (its value goes back to A's share, and A spends it
again) while the office, unaware, moves the same voucher on to "provider chosen" with a
later clock. If the merge let the later write win, the voucher would come back to life and
the programme would be overspent; the status column is sticky for cancelled and expired,
so every replica keeps it cancelled, and the pair is kept as a conflict for review.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kenttä_sync.transport.server import enrolment

from kenttä.domain.models import Provider
from kenttä.services.sync import client as sync_client
from kenttä.services.vouchers.budgets.share import remaining_for
from kenttä.services.vouchers.core import cancel_voucher, get_voucher, issue_voucher, transition

from .helpers import PERIOD, URL, laptop, office_with_budget, server_cli

START, END = (d.isoformat() for d in PERIOD)


def test_a_cancel_is_never_undone_by_a_later_edit_elsewhere(
    tmp_path: Path, store_url: str, central: Any
) -> None:
    transport = office_with_budget(store_url, central)
    (a, client_a), (office, client_o) = laptop(tmp_path / "a.db"), laptop(tmp_path / "o.db")
    try:
        for ws in (a, office):
            code = enrolment.new_code(central, ["kuopio"], "coach")
            sync_client.enroll(ws, URL, code, transport=transport)
        with office.store.replica.transaction(office.user) as tx:
            provider = tx.insert(
                "providers",
                Provider(
                    name="Valmennus Oy", services=["coaching"], y_tunnus="0737546-2",
                    scope="kuopio",
                ).to_row(),
            )  # fmt: skip
        for ws in (a, office, a):
            sync_client.sync(ws, transport=transport)
        voucher = issue_voucher(a, client_id=client_a, service_code="coaching", value_cents=50_000)
        for ws in (a, office):
            sync_client.sync(ws, transport=transport)

        # offline on both sides from here; A cancels first, the office acts later
        cancel_voucher(a, voucher.number)
        assert remaining_for(a, "TOPI") == 50_000
        issue_voucher(a, client_id=client_a, service_code="coaching", value_cents=50_000)
        issue_voucher(office, client_id=client_o, service_code="coaching", value_cents=50_000)
        transition(office, voucher.number, "provider_chosen", provider_id=provider)
        a_stamp, o_stamp = (
            json.loads(ws.store.conn.execute("SELECT _clock FROM vouchers WHERE id = ?",
                                             (voucher.id,)).fetchone()[0])["status"]
            for ws in (a, office)
        )  # fmt: skip
        assert o_stamp > a_stamp.lstrip("~")  # plain last-writer-wins would pick the office

        for ws in (a, office, a):
            sync_client.sync(ws, transport=transport)
        for ws in (a, office):
            assert get_voucher(ws, voucher.number).status == "cancelled"
        (status,) = central.db.execute("SELECT status FROM vouchers WHERE id = ?", (voucher.id,))[0]
        assert status == "cancelled"
        done = server_cli("budget", "show", "--store", store_url, "--json")
        (row,) = json.loads(done.output)
        assert row["issued_cents"] == 100_000 <= row["budget_cents"]
        conflicts = central.db.execute(
            "SELECT value_a, value_b FROM _conflicts WHERE tbl = 'vouchers' AND col = 'status'"
        )
        assert sorted(conflicts[0]) == ['"cancelled"', '"provider_chosen"']
    finally:
        a.close()
        office.close()
