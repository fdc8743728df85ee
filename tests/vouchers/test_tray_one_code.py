"""One code per service in the tray (issue 14: "DIGI 300 €" beside "digital_job_search 400 €").

An older demo or seed stored the tray under its own codes; the shipped defaults were added
beside them. The tray now merges such duplicates onto the shipped code, moving what refers to
them, and never adds a default whose service is already there under another code.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from kenttä.domain.models import Service, Voucher
from kenttä.services.vouchers.core import ensure_service_tray, list_services
from tests.vouchers.conftest import add_client, add_provider, open_device


def _legacy_service(ws, code: str, name: str, cents: int) -> None:
    with ws.store.replica.transaction(ws.user) as tx:
        tx.insert(
            "services",
            Service(
                code=code, name=name, category="coaching", default_value_cents=cents, scope="kuopio"
            ).to_row(),
        )


def _legacy_voucher(ws, client_id: str) -> str:
    voucher = Voucher(
        number="TOPI-2025-AAAA-00001",
        client_id=client_id,
        service_code="DIGI",
        value_cents=30_000,
        issued_on=date(2025, 5, 1),
        valid_until=date(2025, 11, 1),
        issued_by="testi.valmentaja",
        scope="kuopio",
    )
    with ws.store.replica.transaction(ws.user) as tx:
        return tx.insert("vouchers", voucher.to_row())


def test_duplicates_merge_onto_the_shipped_code_and_old_vouchers_stay_readable(
    tmp_path: Path,
) -> None:
    ws = open_device(tmp_path / "old.db", "ab" * 8)
    _legacy_service(ws, "DIGI", "Digitaalisen työnhaun valmennus", 30_000)
    client = add_client(ws)
    voucher_id = _legacy_voucher(ws, client)
    provider = add_provider(ws, "Savon Koulutuskeskus Oy", ["DIGI", "HYGIENE"], None)
    # an older version added the shipped defaults beside the demo's codes: both are there
    with ws.store.replica.transaction(ws.user) as tx:
        tx.insert(
            "services",
            Service(
                code="digital_job_search",
                name="Digitaalisen työnhaun valmennus",
                category="coaching",
                default_value_cents=40_000,
                scope="kuopio",
            ).to_row(),
        )

    ensure_service_tray(ws)

    tray = list_services(ws)
    names = [s.name for s in tray]
    assert len(names) == len(set(names))  # one row per service
    codes = {s.name: s.code for s in tray}
    assert codes["Digitaalisen työnhaun valmennus"] == "digital_job_search"
    code, value = ws.store.conn.execute(
        "SELECT service_code, value_cents FROM vouchers WHERE id = ?", (voucher_id,)
    ).fetchone()
    assert (code, value) == ("digital_job_search", 30_000)  # its own value, kept
    listed = ws.store.conn.execute(
        "SELECT services FROM providers WHERE id = ?", (provider,)
    ).fetchone()[0]
    assert json.loads(listed) == ["digital_job_search", "HYGIENE"]
    ws.close()


def test_a_service_under_another_code_is_not_added_twice(tmp_path: Path) -> None:
    ws = open_device(tmp_path / "demo.db", "cd" * 8)
    _legacy_service(ws, "CAREER", "Uravalmennus", 90_000)

    ensure_service_tray(ws)

    tray = list_services(ws)
    assert [s.code for s in tray if s.name == "Uravalmennus"] == ["CAREER"]
    assert "career_coaching" not in {s.code for s in tray}
    assert len(tray) == len({s.name for s in tray})
    ws.close()
