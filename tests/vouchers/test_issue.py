"""Issuing vouchers: defaults, refusals, and the device's budget share (escrow)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from kenttä.domain.codes import VoucherStatus
from kenttä.services.privacy.audit import events_for
from kenttä.services.vouchers.budgets.share import (
    budget_figures,
    caseworker_figures,
    mark_returns_sent,
    return_share,
    shares,
    unsent_returns,
)
from kenttä.services.vouchers.core import (
    VoucherError,
    cancel_voucher,
    issue_voucher,
    list_services,
    providers_for,
)

from .conftest import BUDGET, TODAY, add_client, add_provider, grant


def test_defaults_value_validity_number_and_audit(ws):
    client = add_client(ws)
    v = issue_voucher(ws, client_id=client, service_code="digital_job_search", today=TODAY)
    assert v.value_cents == 40_000
    assert v.valid_until == date(2026, 6, 2)
    assert v.status == VoucherStatus.ISSUED
    assert v.number == "TOPI-2026-010101-00001"
    assert v.budget_id == BUDGET
    assert v.issued_by == "testi.valmentaja"
    assert v.scope == "kuopio"
    assert [e["action"] for e in events_for(ws, "vouchers", v.id)] == ["create"]
    # the write is recorded for sync
    logged = ws.store.conn.execute(
        "SELECT count(*) FROM _changes WHERE tbl = 'vouchers' AND row_id = ?", (v.id,)
    ).fetchone()[0]
    assert logged == 1


def test_validity_clamps_to_month_end(ws):
    client = add_client(ws)
    v = issue_voucher(
        ws, client_id=client, service_code="hygiene_passport", today=date(2026, 11, 30)
    )
    assert v.valid_until == date(2027, 2, 28)


def test_provider_at_issue_means_provider_chosen(ws):
    client = add_client(ws)
    prov = add_provider(ws, "Valmennus Oy", ["coaching"], "0171450-7")
    v = issue_voucher(
        ws,
        client_id=client,
        service_code="coaching",
        provider_id=prov,
        value_cents=500,
        today=TODAY,
    )
    assert v.status == VoucherStatus.PROVIDER_CHOSEN
    assert v.provider_id == prov


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"client_id": "nope"}, "unknown client"),
        ({"service_code": "juggling"}, "unknown service 'juggling'"),
        ({"value_cents": 0}, "value must be more than 0.00 €"),
        ({"value_cents": -100}, "value must be more than 0.00 €"),
        ({"valid_until": TODAY - timedelta(days=1)}, "validity date 2026-03-01 is in the past"),
    ],
)
def test_refusals(ws, kwargs, reason):
    args = {"client_id": add_client(ws), "service_code": "hygiene_passport", "today": TODAY}
    args.update(kwargs)
    with pytest.raises(VoucherError, match=reason):
        issue_voucher(ws, **args)
    assert ws.store.conn.execute("SELECT count(*) FROM vouchers").fetchone()[0] == 0


def test_valid_until_today_is_allowed(ws):
    v = issue_voucher(
        ws,
        client_id=add_client(ws),
        service_code="hygiene_passport",
        valid_until=TODAY,
        today=TODAY,
    )
    assert v.valid_until == TODAY


def test_provider_must_be_approved_for_the_service(ws):
    client = add_client(ws)
    prov = add_provider(ws, "Kortti Oy", ["hygiene_passport"], "0174666-4")
    with pytest.raises(VoucherError, match="not approved for service 'coaching'"):
        issue_voucher(ws, client_id=client, service_code="coaching", provider_id=prov)
    with pytest.raises(VoucherError, match="unknown provider"):
        issue_voucher(ws, client_id=client, service_code="coaching", provider_id="x")


def test_client_without_programme_is_refused_unless_config_names_one(ws):
    client = add_client(ws, programme=None)
    with pytest.raises(VoucherError, match="no programme"):
        issue_voucher(ws, client_id=client, service_code="coaching", today=TODAY)
    ws.config.programme = "TOPI"
    assert issue_voucher(ws, client_id=client, service_code="hygiene_passport", today=TODAY).number


def test_over_share_refused_with_remaining_in_message(ws):
    client = add_client(ws)
    issue_voucher(ws, client_id=client, service_code="coaching", value_cents=70_000, today=TODAY)
    with pytest.raises(VoucherError) as err:
        issue_voucher(
            ws, client_id=client, service_code="coaching", value_cents=45_000, today=TODAY
        )
    assert str(err.value) == (
        "voucher of 450.00 € exceeds this device's remaining voucher budget of 300.00 € for TOPI"
    )
    assert err.value.code == "over_budget"
    assert err.value.details["remaining_cents"] == 30_000
    from kenttä.services.vouchers.core import remaining_for

    assert remaining_for(ws, "TOPI", TODAY) == 30_000
    assert remaining_for(ws, "VÄLKE", TODAY) == 0
    # exactly the remainder is fine, then nothing is left
    issue_voucher(ws, client_id=client, service_code="coaching", value_cents=30_000, today=TODAY)
    assert shares(ws)[0].remaining_cents == 0


def test_no_grant_means_nothing_can_be_issued(device):
    ws = device("new")
    with pytest.raises(VoucherError, match=r"remaining voucher budget of 0\.00 € for TOPI.*sync"):
        issue_voucher(ws, client_id=add_client(ws), service_code="coaching", today=TODAY)


def test_grant_outside_its_period_does_not_count(ws):
    client = add_client(ws)
    with pytest.raises(VoucherError, match=r"remaining voucher budget of 0\.00 €"):
        issue_voucher(ws, client_id=client, service_code="coaching", today=date(2027, 1, 2))


def test_other_programme_has_its_own_share(ws):
    client = add_client(ws, programme="VÄLKE")
    with pytest.raises(VoucherError, match="for VÄLKE"):
        issue_voucher(ws, client_id=client, service_code="coaching", today=TODAY)
    grant(ws, 50_000, budget_id="budget-valke-2026", programme="VÄLKE")
    v = issue_voucher(
        ws, client_id=client, service_code="coaching", value_cents=50_000, today=TODAY
    )
    assert v.number.startswith("VALKE-2026-")
    assert v.budget_id == "budget-valke-2026"


def test_cancel_gives_value_back(ws):
    client = add_client(ws)
    v = issue_voucher(
        ws, client_id=client, service_code="coaching", value_cents=100_000, today=TODAY
    )
    with pytest.raises(VoucherError, match=r"remaining voucher budget of 0\.00 €"):
        issue_voucher(ws, client_id=client, service_code="coaching", value_cents=100, today=TODAY)
    cancel_voucher(ws, v.number)
    assert shares(ws)[0].remaining_cents == 100_000
    issue_voucher(ws, client_id=client, service_code="coaching", value_cents=100_000, today=TODAY)


def test_grants_are_idempotent_and_add_up(ws):
    assert not grant(ws, 100_000)  # the same grant again (a re-sent sync reply)
    assert shares(ws)[0].granted_cents == 100_000
    assert grant(ws, 20_000)
    assert shares(ws)[0].granted_cents == 120_000


def test_two_offline_devices_each_refused_past_their_own_share(device):
    """Two laptops, each granted 500.00 € of the TOPI budget, never in contact."""
    laptops = [device("kuopio", "aa" * 8), device("tervo", "bb" * 8)]
    for laptop in laptops:
        grant(laptop, 50_000)
    first, second = laptops
    c1, c2 = add_client(first), add_client(second)
    issue_voucher(first, client_id=c1, service_code="coaching", value_cents=45_000, today=TODAY)
    # the first laptop has 50.00 € left; the second still has all of its 500.00 €
    with pytest.raises(VoucherError, match=r"remaining voucher budget of 50\.00 € for TOPI"):
        issue_voucher(first, client_id=c1, service_code="coaching", value_cents=45_000, today=TODAY)
    issue_voucher(second, client_id=c2, service_code="coaching", value_cents=45_000, today=TODAY)
    with pytest.raises(VoucherError, match=r"remaining voucher budget of 50\.00 € for TOPI"):
        issue_voucher(second, client_id=c2, service_code="coaching", value_cents=5_001, today=TODAY)
    total = sum(s.spent_cents for laptop in laptops for s in shares(laptop))
    assert total == 90_000 <= 100_000


def test_return_share(ws):
    client = add_client(ws)
    issue_voucher(ws, client_id=client, service_code="coaching", value_cents=60_000, today=TODAY)
    with pytest.raises(VoucherError, match=r"only 400\.00 € is unspent"):
        return_share(ws, BUDGET, 40_001)
    rid = return_share(ws, BUDGET, 30_000)
    share = shares(ws)[0]
    assert (share.granted_cents, share.remaining_cents) == (70_000, 10_000)
    assert unsent_returns(ws) == [
        {"return_id": rid, "budget_id": BUDGET, "cents": 30_000, "request_id": None}
    ]
    mark_returns_sent(ws, [rid])
    assert unsent_returns(ws) == []
    with pytest.raises(VoucherError, match="no share"):
        return_share(ws, "other", 1)


def test_figures(ws):
    client = add_client(ws)
    prov = add_provider(ws, "Valmennus Oy", ["coaching"], "0171450-7")
    from kenttä.services.vouchers.core import transition

    a = issue_voucher(
        ws, client_id=client, service_code="coaching", value_cents=10_000, today=TODAY
    )
    b = issue_voucher(
        ws, client_id=client, service_code="coaching", value_cents=20_000, today=TODAY
    )
    c = issue_voucher(
        ws, client_id=client, service_code="coaching", value_cents=40_000, today=TODAY
    )
    transition(ws, a.number, "provider_chosen", provider_id=prov, today=TODAY)
    transition(ws, a.number, "used", today=TODAY)
    transition(ws, a.number, "invoiced", today=TODAY)
    transition(ws, b.number, "provider_chosen", provider_id=prov, today=TODAY)
    transition(ws, b.number, "used", today=TODAY)
    cancel_voucher(ws, c.number)
    (fig,) = budget_figures(ws)
    assert fig["granted_cents"] == 100_000
    assert fig["issued_cents"] == 30_000
    assert fig["used_cents"] == 30_000
    assert fig["invoiced_cents"] == 10_000
    assert fig["remaining_cents"] == 70_000
    assert caseworker_figures(ws) == {
        "testi.valmentaja": {"issued_cents": 30_000, "used_cents": 30_000, "invoiced_cents": 10_000}
    }


def test_service_tray_and_providers(ws):
    tray = {s.code: s for s in list_services(ws)}
    assert set(tray) == {
        "coaching",
        "career_coaching",
        "work_trial_support",
        "hygiene_passport",
        "occupational_safety_card",
        "digital_job_search",
    }
    assert all(s.default_value_cents > 0 for s in tray.values())
    assert tray["hygiene_passport"].category == "training"
    from kenttä.services.vouchers.core import ensure_service_tray

    assert ensure_service_tray(ws) == 0  # already there
    a = add_provider(ws, "Ässä Valmennus Oy", ["coaching", "career_coaching"], "0171450-7")
    add_provider(ws, "Kortti Oy", ["hygiene_passport"], "0174666-4")
    assert [p.id for p in providers_for(ws, "career_coaching")] == [a]
    assert providers_for(ws, "work_trial_support") == []


def test_roles_and_scopes(ws):
    from kenttä.services.roles import PermissionDenied

    client = add_client(ws)
    ws.config.role = "coordinator"
    with pytest.raises(PermissionDenied, match="issue or cancel vouchers"):
        issue_voucher(ws, client_id=client, service_code="hygiene_passport", today=TODAY)
    ws.config.role = "coach"
    # scopes bind once the office has enrolled the laptop (roles.own_scopes)
    ws.store.replica.set_state("enrolled_scopes", '["kuopio"]')
    elsewhere = add_client(ws, scope="inari")
    with pytest.raises(PermissionDenied):
        issue_voucher(ws, client_id=elsewhere, service_code="hygiene_passport", today=TODAY)
    v = issue_voucher(ws, client_id=client, service_code="hygiene_passport", today=TODAY)
    ws.config.role = "coordinator"
    with pytest.raises(PermissionDenied):
        cancel_voucher(ws, v.number)


def test_answer_return_request(ws):
    from kenttä.services.vouchers.budgets.share import answer_return_request_in

    client = add_client(ws)
    issue_voucher(ws, client_id=client, service_code="coaching", value_cents=80_000, today=TODAY)
    conn = ws.store.conn

    def answer(request_id: str, cents: int, budget: str = BUDGET) -> int:
        conn.execute("BEGIN IMMEDIATE")
        try:
            return answer_return_request_in(
                conn, request_id=request_id, budget_id=budget, cents=cents
            )
        finally:
            conn.execute("COMMIT")

    assert answer("r1", 50_000) == 20_000  # only what is unspent
    assert answer("r1", 50_000) == 0  # a re-sent request changes nothing
    assert answer("r2", 10_000) == 0  # nothing left: the request stays open
    assert answer("r3", 10_000, budget="unknown") == 0
    (sent,) = unsent_returns(ws)
    assert (sent["cents"], sent["request_id"]) == (20_000, "r1")
    assert shares(ws)[0].remaining_cents == 0
