"""The voucher lifecycle: legal steps, refused steps with reasons, expiry, listing, printing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from kenttä.domain.codes import VoucherStatus as S
from kenttä.services.privacy.audit import events_for
from kenttä.services.vouchers.core import (
    TRANSITIONS,
    VoucherError,
    cancel_voucher,
    expire_overdue,
    expiring,
    get_voucher,
    issue_voucher,
    list_vouchers,
    render_voucher_text,
    transition,
)

from .conftest import TODAY, add_client, add_provider

LATER = TODAY + timedelta(days=10)


@pytest.fixture
def setup(ws):
    client = add_client(ws, first_name="Aino", last_name="Testinen")
    provider = add_provider(ws, "Valmennus Oy", ["coaching"], "0171450-7")
    other = add_provider(ws, "Kortti Oy", ["hygiene_passport"], "0174666-4")
    return ws, client, provider, other


def _issue(ws, client, **kw):
    kw.setdefault("value_cents", 10_000)
    return issue_voucher(ws, client_id=client, service_code="coaching", today=TODAY, **kw)


def test_happy_path_to_paid_with_audit(setup):
    ws, client, provider, _ = setup
    v = _issue(ws, client)
    v = transition(ws, v.number, "provider_chosen", provider_id=provider, today=LATER)
    assert (v.status, v.provider_id) == (S.PROVIDER_CHOSEN, provider)
    for step in (S.USED, S.INVOICED, S.PAID):
        v = transition(ws, v.number, step, today=LATER)
        assert v.status == step
    stored = get_voucher(ws, v.number)
    assert stored.status == S.PAID and stored.provider_id == provider
    details = [e["detail"] for e in events_for(ws, "vouchers", v.id)]
    assert details == [
        "issue",
        "status: issued -> provider_chosen",
        "status: provider_chosen -> used",
        "status: used -> invoiced",
        "status: invoiced -> paid",
    ]


ILLEGAL = [(start, to) for start in S for to in S if to not in TRANSITIONS[start] and to != start]


def _bring_to(ws, client, provider, status):
    v = _issue(ws, client)
    path = {
        S.ISSUED: [],
        S.PROVIDER_CHOSEN: [S.PROVIDER_CHOSEN],
        S.USED: [S.PROVIDER_CHOSEN, S.USED],
        S.INVOICED: [S.PROVIDER_CHOSEN, S.USED, S.INVOICED],
        S.PAID: [S.PROVIDER_CHOSEN, S.USED, S.INVOICED, S.PAID],
        S.CANCELLED: [S.CANCELLED],
        S.EXPIRED: [S.EXPIRED],
    }[status]
    for step in path:
        day = v.valid_until + timedelta(days=1) if step == S.EXPIRED else LATER
        v = transition(
            ws,
            v.number,
            step,
            provider_id=provider if step == S.PROVIDER_CHOSEN else None,
            today=day,
        )
    return v


@pytest.mark.parametrize(("start", "to"), ILLEGAL, ids=[f"{a}->{b}" for a, b in ILLEGAL])
def test_illegal_transitions_name_both_states(setup, start, to):
    ws, client, provider, _ = setup
    v = _bring_to(ws, client, provider, start)
    with pytest.raises(VoucherError) as err:
        transition(ws, v.number, to, provider_id=provider, today=LATER)
    assert f"from {start.value} to {to.value}" in str(err.value)
    assert err.value.code == "illegal_transition"
    assert get_voucher(ws, v.number).status == start


def test_same_state_and_unknown_state(setup):
    ws, client, _, _ = setup
    v = cancel_voucher(ws, _issue(ws, client).number)
    with pytest.raises(VoucherError, match="already cancelled"):
        cancel_voucher(ws, v.number)
    with pytest.raises(VoucherError, match="unknown voucher status 'lost'"):
        transition(ws, v.number, "lost")
    with pytest.raises(VoucherError, match="no voucher TOPI-2026-XXXX-00009"):
        transition(ws, "TOPI-2026-XXXX-00009", "used")


def test_provider_choice_needs_an_approved_provider(setup):
    ws, client, provider, other = setup
    v = _issue(ws, client)
    with pytest.raises(VoucherError, match="needs the provider"):
        transition(ws, v.number, "provider_chosen", today=LATER)
    with pytest.raises(VoucherError, match="Kortti Oy is not approved for service 'coaching'"):
        transition(ws, v.number, "provider_chosen", provider_id=other, today=LATER)
    with pytest.raises(VoucherError, match="provider is chosen only"):
        transition(ws, v.number, "cancelled", provider_id=provider, today=LATER)
    assert get_voucher(ws, v.number).status == S.ISSUED


def test_expiry_only_after_validity(setup):
    ws, client, provider, _ = setup
    v = _issue(ws, client, valid_until=date(2026, 4, 30))
    with pytest.raises(VoucherError, match="from issued to expired: it is valid until 2026-04-30"):
        transition(ws, v.number, "expired", today=date(2026, 4, 30))
    with pytest.raises(VoucherError, match="expired on 2026-04-30"):
        transition(ws, v.number, "provider_chosen", provider_id=provider, today=date(2026, 5, 1))
    assert transition(ws, v.number, "expired", today=date(2026, 5, 1)).status == S.EXPIRED


def test_expire_overdue_and_expiring(setup):
    ws, client, provider, _ = setup
    soon = _issue(ws, client, valid_until=date(2026, 3, 10))
    chosen = _issue(ws, client, valid_until=date(2026, 3, 12))
    transition(ws, chosen.number, "provider_chosen", provider_id=provider, today=TODAY)
    later = _issue(ws, client, valid_until=date(2026, 6, 1))
    used = _issue(ws, client, valid_until=date(2026, 3, 5))
    transition(ws, used.number, "provider_chosen", provider_id=provider, today=TODAY)
    transition(ws, used.number, "used", today=TODAY)
    assert [v.number for v in expiring(ws, within_days=14, today=TODAY)] == [
        soon.number,
        chosen.number,
    ]
    assert expire_overdue(ws, today=date(2026, 3, 12)) == 1
    assert get_voucher(ws, soon.number).status == S.EXPIRED
    assert expire_overdue(ws, today=date(2026, 3, 13)) == 1
    assert get_voucher(ws, chosen.number).status == S.EXPIRED
    assert get_voucher(ws, later.number).status == S.ISSUED
    assert get_voucher(ws, used.number).status == S.USED  # used is never expired
    assert expire_overdue(ws, today=date(2026, 3, 13)) == 0
    # expired value is back in the share
    from kenttä.services.vouchers.budgets.share import shares

    assert shares(ws)[0].spent_cents == 20_000


def test_list_pages_by_number_and_filters(setup):
    ws, client, _, _ = setup
    other = add_client(ws)
    made = [_issue(ws, client if i % 2 else other, value_cents=100) for i in range(7)]
    cancel_voucher(ws, made[3].number)
    page1 = list_vouchers(ws, limit=3)
    page2 = list_vouchers(ws, limit=3, after=page1[-1].number)
    page3 = list_vouchers(ws, limit=3, after=page2[-1].number)
    assert [v.number for v in page1 + page2 + page3] == sorted(v.number for v in made)
    assert [v.number for v in list_vouchers(ws, status="cancelled")] == [made[3].number]
    assert {v.client_id for v in list_vouchers(ws, client_id=client)} == {client}
    assert len(list_vouchers(ws, client_id=client)) == 3
    with pytest.raises(VoucherError, match="unknown voucher status"):
        list_vouchers(ws, status="lost")


def test_printable_voucher(setup):
    ws, client, provider, _ = setup
    from .conftest import grant

    grant(ws, 500_000)
    v = _issue(ws, client, value_cents=123_450)
    text = render_voucher_text(ws, v.number)
    assert "PALVELUSETELI" in text
    assert v.number in text
    assert "Aino Testinen" in text
    assert "1\u00a0234,50 €" in text
    assert "Voimassa: 2.6.2026" in text
    assert "Tila: myönnetty" in text
    assert "Valmennus Oy (0171450-7)" in text  # approved providers listed to choose from
    transition(ws, v.number, "provider_chosen", provider_id=provider, today=LATER)
    english = render_voucher_text(ws, v.number, lang="en")
    assert "SERVICE VOUCHER" in english and "Provider: Valmennus Oy (0171450-7)" in english
    assert [e["action"] for e in events_for(ws, "vouchers", v.id)].count("export") == 2
