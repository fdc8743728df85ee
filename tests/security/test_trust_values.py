"""Issue 12, seen 6 / build 4: values are checked against the sync schema's column types at
the office, on SQLite and PostgreSQL, over HTTP and by bundle.

A change whose value does not fit is refused with a reason that names the column, never the
value; the rest of the push applies; the laptop records the refusal (`_rejected`, listed by
`kenttä sync`) and does not send it again. A laptop that still receives a value its schema
cannot hold keeps it in its quarantine and goes on writing.
"""

from __future__ import annotations

import json
import math

import pytest
from kenttä_sync.device import state as device_side
from kenttä_sync.device.quarantine import quarantined
from kenttä_sync.ground.changes import Change

from kenttä.services.clients.core import create_client, get_client
from tests.security.trust_helpers import Office, client_row, local_rejected, reasons
from tests.transport.helpers import kentta

BAD = [
    ("benefit_days", "lots"),
    ("status", "hacked"),
    ("birth_date", "not a date"),
    ("phone", {"number": "0401234567"}),
    ("benefit_days", [1, 2]),
    ("benefit_days", 2**70),
    ("benefit_days", math.nan),
    ("consent", 7),
    ("first_name", None),
]


def test_bad_values_are_refused_one_transaction_at_a_time(office: Office, via: str) -> None:
    coach = office.tampered("coach", "coach", ["kuopio"])
    bad = [
        coach.change(
            "clients", f"bad{i}", "insert", value=client_row("kuopio", "Huono", **{col: v})
        )
        for i, (col, v) in enumerate(BAD)
    ]
    good = coach.change("clients", "good", "insert", value=client_row("kuopio", "Hyva"))
    result = coach.push([*bad, good], via)

    assert [r["change_id"] for r in result["rejected"]] == [c.change_id for c in bad]
    for (column, value), reason in zip(BAD, reasons(result), strict=True):
        assert f"clients.{column}" in reason
        assert str(value) not in reason or value is None
    assert office.rows("SELECT id FROM clients") == [("good",)]
    assert result["acked_seq"] == good.device_seq  # refused ones are acknowledged: not resent

    laptop = office.laptop("laptop", "coach", ["kuopio"])
    office.sync(laptop)
    assert get_client(laptop, "good").last_name == "Hyva"


@pytest.mark.parametrize(("column", "value"), [("benefit_days", "lots"), ("status", "hacked")])
def test_a_bad_update_leaves_the_stored_value(office: Office, via: str, column, value) -> None:
    laptop = office.laptop("laptop", "coach", ["kuopio"])
    client = create_client(laptop, first_name="Testi", last_name="Arvo", benefit_days=600)
    office.sync(laptop)
    coach = office.tampered("coach", "coach", ["kuopio"])
    fine = coach.change("clients", client.id, "update", "phone", "0409998888")
    result = coach.push([coach.change("clients", client.id, "update", column, value), fine], via)

    (reason,) = reasons(result)  # only the bad update; the phone applied
    assert reason.startswith(f"clients.{column} ") and value not in reason
    assert office.rows("SELECT benefit_days, status, phone FROM clients") == [
        (600, "contacted", "0409998888")
    ]
    office.sync(laptop)
    assert get_client(laptop, client.id).benefit_days == 600


def test_an_honest_laptops_bad_change_is_recorded_not_resent(office: Office) -> None:
    laptop = office.laptop("laptop", "coach", ["kuopio"])
    client = create_client(laptop, first_name="Testi", last_name="Arvo")
    with laptop.store.replica.transaction(laptop.user) as tx:  # past the services' checks
        tx.update("clients", client.id, {"benefit_days": "lots"})
    office.sync(laptop)
    assert local_rejected(laptop) == ["clients.benefit_days must be a 64-bit integer"]
    assert device_side.pending(laptop.store.replica) == []
    assert office.rows("SELECT benefit_days FROM clients") == [(None,)]


def test_a_laptop_quarantines_a_pulled_value_it_cannot_hold(office: Office) -> None:
    laptop = office.laptop("laptop", "coach", ["kuopio"])
    replica = laptop.store.replica
    pulled = [
        Change(
            change_id=f"elsewhere:{i}",
            device_id="elsewhere",
            device_seq=i,
            table="clients",
            row_id=f"c{i}",
            column=None,
            op="insert",
            value=client_row("kuopio", "Vieras", benefit_days=days),
            stamp=f"0000001700000000-0000{i}-elsewhere",
            tx_id=f"tx{i}",
            author="x",
        )
        for i, days in ((1, "lots"), (2, 100))
    ]
    device_side.apply_pull(replica, pulled, device_side.cursor(replica) + 2)

    assert [(q["row_id"], q["reason"]) for q in quarantined(replica)] == [
        ("c1", "clients.benefit_days must be a 64-bit integer")
    ]
    assert get_client(laptop, "c2").benefit_days == 100
    assert laptop.store.conn.execute("SELECT count(*) FROM clients WHERE id = 'c1'").fetchone() == (
        0,
    )
    made = create_client(laptop, first_name="Testi", last_name="Oma")
    assert get_client(laptop, made.id).last_name == "Oma"
    shown = json.loads(kentta("sync", "status", "--json", db=office.folder / "laptop.db").stdout)
    assert [(q["row_id"], q["op"]) for q in shown["quarantined_changes"]] == [("c1", "insert")]


def test_ids_no_store_can_hold_are_refused_not_failed(office: Office, via: str) -> None:
    coach = office.tampered("coach", "coach", ["kuopio"])
    row = client_row("kuopio", "Huono")
    nul = coach.change("clients", "bad\x00id", "insert", value=row)
    long = coach.change("clients", "x" * 500, "insert", value=row)
    stamp = coach.change("clients", "c3", "update", "phone", "0401").model_copy(
        update={"stamp": "0000001700000000-00000-x\x00"}
    )
    good = coach.change("clients", "good", "insert", value=client_row("kuopio", "Hyva"))
    result = coach.push([nul, long, stamp, good], via)

    assert [r["change_id"] for r in result["rejected"]] == [
        nul.change_id,
        long.change_id,
        stamp.change_id,
    ]
    assert office.rows("SELECT id FROM clients") == [("good",)]
