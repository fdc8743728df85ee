"""The service tray is data (issue 15 point 6): a supervisor's services and providers reach
another laptop by sync (the office server app, in process) and by USB bundle and its
reply; a fresh laptop issues a voucher for a synced service with nothing seeded locally;
a retired service still shows on an old voucher but is not offered for a new one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from kenttä_sync.transport.bundle import import_bundle
from kenttä_sync.transport.server import enrolment

from kenttä.config import Config
from kenttä.domain.models import Client
from kenttä.services.context import Workspace
from kenttä.services.sync import client as sync_client
from kenttä.services.vouchers.common import VoucherError
from kenttä.services.vouchers.core import (
    get_voucher,
    issue_voucher,
    list_services,
    providers_for,
    render_voucher_text,
)
from kenttä.services.vouchers.tray_admin import (
    add_provider,
    add_service,
    change_service,
    retire_provider,
    retire_service,
)
from kenttä.store.db import open_store
from tests.budget.helpers import URL, office_with_budget

Y_TUNNUS = "0171450-7"


def _laptop(path: Path, role: str) -> Workspace:
    user = "testi.esihenkilo" if role == "supervisor" else "testi.valmentaja"
    return Workspace(open_store(path), Config(user=user, scope="kuopio", role=role))


def _client(ws: Workspace) -> str:
    client = Client(first_name="Testi", last_name="Asiakas", programme="TOPI", scope="kuopio")
    with ws.store.replica.transaction(ws.user) as tx:
        return tx.insert("clients", client.to_row())


def _enrol(central: Any, ws: Workspace, transport: Any, role: str) -> None:
    sync_client.enroll(ws, URL, enrolment.new_code(central, ["kuopio"], role), transport=transport)


@pytest.fixture
def central(store_url: str) -> Iterator[Any]:
    from kenttä_sync.transport.server.stores import connect_central

    from kenttä.store.schema import SCHEMA

    store = connect_central(store_url, SCHEMA, install=True)
    yield store
    store.close()


def _supervisor_keeps_the_tray(sup: Workspace) -> None:
    add_service(
        sup, code="job_coaching", name="Työhönvalmennus", name_sv="Jobbcoachning",
        category="coaching", price_cents=50_000, programmes=["TOPI"],
    )  # fmt: skip
    add_provider(
        sup, name="Valmennus Oy", y_tunnus=Y_TUNNUS, services=["job_coaching"],
        contact_name="Yhteyshenkilö", contact_email="info@example.invalid",
    )  # fmt: skip


def test_the_tray_reaches_a_fresh_laptop_by_sync(
    tmp_path: Path, store_url: str, central: Any
) -> None:
    transport = office_with_budget(store_url, central)
    sup, coach = _laptop(tmp_path / "sup.db", "supervisor"), _laptop(tmp_path / "c.db", "coach")
    try:
        _enrol(central, sup, transport, "supervisor")
        _enrol(central, coach, transport, "coach")
        client = _client(coach)
        # nothing seeded on the fresh laptop: it cannot issue until the tray is synced
        with pytest.raises(VoucherError, match="no service tray yet: sync with the office"):
            issue_voucher(coach, client_id=client, service_code="job_coaching")
        _supervisor_keeps_the_tray(sup)
        sync_client.sync(sup, transport=transport)
        sync_client.sync(coach, transport=transport)

        (service,) = list_services(coach)
        assert (service.code, service.name_sv, service.default_value_cents) == (
            "job_coaching", "Jobbcoachning", 50_000,
        )  # fmt: skip
        (provider,) = providers_for(coach, "job_coaching")
        voucher = issue_voucher(
            coach, client_id=client, service_code="job_coaching", provider_id=provider.id,
            value_cents=30_000,
        )  # fmt: skip
        assert voucher.status == "provider_chosen"

        # the supervisor changes the price and retires the service and the provider
        change_service(sup, "job_coaching", price_cents=45_000)
        retire_service(sup, "job_coaching")
        retire_provider(sup, Y_TUNNUS)
        sync_client.sync(sup, transport=transport)
        sync_client.sync(coach, transport=transport)
        assert list_services(coach) == []
        assert providers_for(coach, "job_coaching") == []
        with pytest.raises(VoucherError, match="retired"):
            issue_voucher(coach, client_id=client, service_code="job_coaching", value_cents=1)
        # the old voucher still reads whole: its value, its service's name, its provider
        old = get_voucher(coach, voucher.number)
        assert old.value_cents == 30_000
        text = render_voucher_text(coach, voucher.number, lang="sv")
        assert "Jobbcoachning" in text and "Valmennus Oy" in text
        (retired,) = list_services(coach, include_retired=True)
        assert retired.default_value_cents == 45_000 and retired.retired_on is not None
    finally:
        sup.close()
        coach.close()


def test_the_tray_reaches_a_laptop_by_bundle(tmp_path: Path, store_url: str, central: Any) -> None:
    transport = office_with_budget(store_url, central)
    sup, coach = _laptop(tmp_path / "sup.db", "supervisor"), _laptop(tmp_path / "c.db", "coach")
    try:
        _enrol(central, sup, transport, "supervisor")
        _enrol(central, coach, transport, "coach")
        client = _client(coach)
        _supervisor_keeps_the_tray(sup)
        # both laptops offline: their USB sticks go to the office and back
        out = tmp_path / "sup.bundle"
        sync_client.export_bundle(sup, out)
        imported = import_bundle(central, out.read_bytes())
        assert imported.applied > 0 and imported.rejected == []
        out = tmp_path / "coach.bundle"
        sync_client.export_bundle(coach, out)
        result = import_bundle(central, out.read_bytes(), reply=True)
        assert result.reply is not None
        reply = tmp_path / "coach.reply"
        reply.write_bytes(result.reply)
        sync_client.import_reply(coach, reply)

        assert [s.code for s in list_services(coach)] == ["job_coaching"]
        voucher = issue_voucher(
            coach, client_id=client, service_code="job_coaching", value_cents=20_000
        )
        assert voucher.service_code == "job_coaching"
        assert [p.y_tunnus for p in providers_for(coach, "job_coaching")] == [Y_TUNNUS]
    finally:
        sup.close()
        coach.close()


_ADDED = {  # the columns migration 0008 added, per table (and its new table)
    "services": {"name_sv", "programmes", "retired_on"},
    "providers": {"contact_name", "contact_phone", "contact_email", "retired_on"},
}


def _older_schema() -> Any:
    """kenttä's sync schema as it was before schema version 8."""
    from kenttä.store.schema import SCHEMA

    tables = []
    for spec in SCHEMA.tables:
        if spec.name == "placement_follow_ups":
            continue
        gone = _ADDED.get(spec.name, set())
        tables.append(
            spec.model_copy(
                update={
                    "columns": {k: v for k, v in spec.columns.items() if k not in gone},
                    "personal_columns": tuple(c for c in spec.personal_columns if c not in gone),
                    "required": tuple(c for c in spec.required if c not in gone),
                }
            )
        )
    return SCHEMA.model_copy(update={"tables": tuple(tables), "policies": {}})


def test_an_office_store_made_before_the_tray_columns_takes_them(
    tmp_path: Path, store_url: str
) -> None:
    from kenttä_sync.transport.server.stores import connect_central

    from kenttä.store.schema import SCHEMA

    connect_central(store_url, _older_schema(), install=True).close()
    central = connect_central(store_url, SCHEMA, install=True)  # `kenttä server run` does
    try:
        transport = office_with_budget(store_url, central)
        sup, coach = _laptop(tmp_path / "s.db", "supervisor"), _laptop(tmp_path / "c.db", "coach")
        try:
            _enrol(central, sup, transport, "supervisor")
            _enrol(central, coach, transport, "coach")
            _supervisor_keeps_the_tray(sup)
            sync_client.sync(sup, transport=transport)
            sync_client.sync(coach, transport=transport)
            (service,) = list_services(coach)
            assert (service.name_sv, service.programmes) == ("Jobbcoachning", ["TOPI"])
            (provider,) = providers_for(coach, "job_coaching")
            assert provider.contact_email == "info@example.invalid"
        finally:
            sup.close()
            coach.close()
    finally:
        central.close()


def test_the_office_refuses_a_coachs_write_to_the_tray(
    tmp_path: Path, store_url: str, central: Any
) -> None:
    """The service layer refuses a coach (test_tray_cli); a laptop that writes past it (an
    older version, a tampered one) is refused by the office, and nobody receives it."""
    from kenttä.domain.models import Service

    transport = office_with_budget(store_url, central)
    sup, coach = _laptop(tmp_path / "sup.db", "supervisor"), _laptop(tmp_path / "c.db", "coach")
    try:
        _enrol(central, sup, transport, "supervisor")
        _enrol(central, coach, transport, "coach")
        with coach.store.replica.transaction(coach.user) as tx:
            tx.insert(
                "services",
                Service(
                    code="cheap_coaching", name="Halpa", category="coaching",
                    default_value_cents=1, scope="kuopio",
                ).to_row(),
            )  # fmt: skip
        sync_client.sync(coach, transport=transport)
        reasons = [r[0] for r in coach.store.conn.execute("SELECT reason FROM _rejected")]
        assert reasons and all("services" in r for r in reasons)
        sync_client.sync(sup, transport=transport)
        assert list_services(sup) == []
    finally:
        sup.close()
        coach.close()
