"""Issue 12, seen 1 / build 1: every check on a push is made against the stored row.

An insert that claims an existing row of another scope grants nothing: the updates, delete
or erasure of that id that follow it in the transaction are judged against the stored
row's scope and refused; the rest of the push applies. An insert of an existing row in the
device's own scope is a no-op. Erase and resolve only by the roles allowed, for rows in
scope. Over HTTP and in a bundle, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from kenttä.services.clients.core import create_client
from tests.security.trust_helpers import Office, client_row, reasons

NAME_COLUMNS = "SELECT first_name, last_name, scope, _deleted, _erased FROM clients WHERE id = ?"


def _victim(office: Office) -> tuple[str, tuple]:
    """A client of lappi at the office; returns its id and its stored columns."""
    boss = office.laptop("boss", "supervisor", ["lappi"])
    client_id = create_client(boss, first_name="Testi", last_name="Lappilainen", scope="lappi").id
    office.sync(boss)
    stored = office.rows(NAME_COLUMNS, (client_id,))
    assert stored == [("Testi", "Lappilainen", "lappi", None, None)]
    return client_id, stored[0]


def test_an_insert_claiming_another_scopes_row_grants_nothing(office: Office, via: str) -> None:
    client_id, stored = _victim(office)
    coach = office.tampered("coach", "coach", ["kuopio"])
    claim = client_row("kuopio", "Kaappaaja")
    tx = "tx-claim"
    attack = [
        coach.change("clients", client_id, "insert", value=claim, tx=tx),
        coach.change("clients", client_id, "update", "last_name", "Muutettu", tx=tx),
        coach.change("clients", client_id, "delete", tx=tx),
    ]
    own = coach.change("clients", "own-client", "insert", value=client_row("kuopio", "Oma"))
    result = coach.push([*attack, own], via)

    assert [r["change_id"] for r in result["rejected"]] == [c.change_id for c in attack]
    assert all("outside this device's scopes" in r for r in reasons(result))
    assert office.rows(NAME_COLUMNS, (client_id,)) == [stored]  # untouched
    assert office.rows("SELECT last_name FROM clients WHERE id = 'own-client'") == [("Oma",)]


def test_the_office_command_importing_a_bundle_checks_the_same(office: Office) -> None:
    client_id, stored = _victim(office)
    coach = office.tampered("coach", "coach", ["kuopio"])
    tx = "tx-claim"
    result = coach.push(
        [
            coach.change("clients", client_id, "insert", value=client_row("kuopio", "X"), tx=tx),
            coach.change("clients", client_id, "update", "last_name", "Muutettu", tx=tx),
        ],
        "cli",
    )
    assert len(result["rejected"]) == 2 and result["applied"] == 0
    assert office.rows(NAME_COLUMNS, (client_id,)) == [stored]


def test_a_supervisor_of_another_scope_cannot_erase_through_a_claimed_insert(
    office: Office, via: str
) -> None:
    client_id, stored = _victim(office)
    boss = office.tampered("boss2", "supervisor", ["kuopio"])
    claim = client_row("kuopio", "Kaappaaja")
    result = boss.push(
        [
            boss.change("clients", client_id, "insert", value=claim, tx="tx-erase"),
            boss.change("clients", client_id, "erase", tx="tx-erase"),
        ],
        via,
    )
    assert len(result["rejected"]) == 2
    assert office.rows(NAME_COLUMNS, (client_id,)) == [stored]


def test_an_insert_of_an_existing_row_in_scope_is_a_no_op(office: Office, via: str) -> None:
    client_id, _ = _victim(office)
    coach = office.tampered("coach", "coach", ["lappi"])
    again = client_row("lappi", "Nimi", first_name="Toinen")
    result = coach.push(
        [
            coach.change("clients", client_id, "insert", value=again, tx="tx-1"),
            coach.change("clients", client_id, "update", "phone", "0401234567", tx="tx-1"),
        ],
        via,
    )
    assert result["rejected"] == []
    assert office.rows(
        "SELECT first_name, last_name, phone FROM clients WHERE id = ?", (client_id,)
    ) == [
        ("Testi", "Lappilainen", "0401234567")
    ]  # the insert changed nothing; the update of a row in scope applied


def test_erase_only_by_a_supervisor_and_only_in_scope(office: Office, via: str) -> None:
    client_id, stored = _victim(office)
    coach = office.tampered("coach", "coach", ["lappi"])
    result = coach.push([coach.change("clients", client_id, "erase")], via)
    assert any("may not push erase" in r for r in reasons(result))
    other = office.tampered("boss2", "supervisor", ["kuopio"])
    result = other.push([other.change("clients", client_id, "erase")], via)
    assert any("outside this device's scopes" in r for r in reasons(result))
    assert office.rows(NAME_COLUMNS, (client_id,)) == [stored]


def test_a_merge_from_a_device_is_refused(office: Office, via: str) -> None:
    client_id, stored = _victim(office)
    boss = office.tampered("boss2", "supervisor", ["lappi"])
    result = boss.push([boss.change("clients", client_id, "merge", value={"into": "x"})], via)
    assert reasons(result) == ["merges are made only by the central store"]
    assert office.rows(NAME_COLUMNS, (client_id,)) == [stored]


def test_a_resolve_settles_only_conflicts_of_its_own_row(office: Office, via: str) -> None:
    a = office.laptop("a", "coach", ["lappi"])
    b = office.laptop("b", "coach", ["lappi"])
    client_id = create_client(a, first_name="Testi", last_name="Ristiriita", scope="lappi").id
    office.sync(a, b)
    for ws, phone in ((a, "0401"), (b, "0402")):
        with ws.store.replica.transaction(ws.user) as tx:
            tx.update("clients", client_id, {"phone": phone})
    office.sync(a, b, a)
    ((conflict_id,),) = office.rows("SELECT id FROM _conflicts")

    boss = office.tampered("boss2", "supervisor", ["kuopio"])
    own = boss.change("clients", "own", "insert", value=client_row("kuopio", "Oma"), tx="t1")
    resolve = boss.change(
        "clients", "own", "resolve", "phone", {"conflicts": [conflict_id], "value": "0409"}, tx="t1"
    )
    result = boss.push([own, resolve], via)

    assert result["rejected"] == []  # its own row may be resolved …
    assert office.rows("SELECT resolved_stamp FROM _conflicts") == [(None,)]  # … not lappi's
