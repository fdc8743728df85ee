"""Finnish full-text search: ä and ö are letters of their own."""

from __future__ import annotations

import pytest

from kenttä.store import fts
from kenttä.store.db import Store, open_store


def add_notes(store: Store, *bodies: str) -> list[str]:
    with store.replica.transaction("testi") as tx:
        client = tx.insert("clients", {"first_name": "Säde", "last_name": "Hyvönen"})
        return [
            tx.insert(
                "notes",
                {"client_id": client, "author": "t", "written_at": "2026-11-20T10:00", "body": b},
            )
            for b in bodies
        ]


def test_a_and_ä_are_different_letters(store: Store) -> None:
    ids = add_notes(store, "Tämä on tärkeä asia.", "Tama on eri sana.")
    assert fts.search_notes(store.conn, "tämä") == [ids[0]]
    assert fts.search_notes(store.conn, "tama") == [ids[1]]
    assert fts.search_notes(store.conn, "TÄMÄ") == [ids[0]]


def test_ö_and_words_with_both(store: Store) -> None:
    ids = add_notes(store, "Työkokeilu alkaa maanantaina.", "Tyokokeilu ilman pisteitä.")
    assert fts.search_notes(store.conn, "työkokeilu") == [ids[0]]
    assert fts.search_notes(store.conn, "työ") == [ids[0]]  # the last word is a prefix


def test_all_words_must_match(store: Store) -> None:
    ids = add_notes(store, "Hygieniapassi suoritettu.", "Hygieniapassin koe varattu.")
    assert fts.search_notes(store.conn, "hygieniapassi suoritettu") == [ids[0]]
    assert set(fts.search_notes(store.conn, "hygieniapass")) == set(ids)


def test_fts_syntax_in_typed_text_is_harmless(store: Store) -> None:
    add_notes(store, "Asiakas: ei saapunut.")
    assert fts.search_notes(store.conn, 'asiakas" : -') != []
    assert fts.search_notes(store.conn, "   ") == []
    assert fts.match_query('a"b c') == '"a" "b" "c"*'


def test_client_names_are_searchable(store: Store) -> None:
    add_notes(store, "x")
    rows = store.conn.execute(
        "SELECT rowid FROM clients_fts WHERE clients_fts MATCH ?", (fts.match_query("hyvö"),)
    ).fetchall()
    assert len(rows) == 1


def test_suspended_triggers_rebuild_at_the_end(store: Store) -> None:
    with fts.suspended_triggers(store.conn, ["notes_fts"]):
        assert fts.missing_triggers(store.conn) == ["notes_fts"]
        ids = add_notes(store, "Ladattu ilman liipaisimia.")
        assert fts.search_notes(store.conn, "ladattu") == []
    assert fts.missing_triggers(store.conn) == []
    assert fts.search_notes(store.conn, "ladattu") == ids


def test_suspended_triggers_come_back_after_a_failure(store: Store) -> None:
    with pytest.raises(RuntimeError), fts.suspended_triggers(store.conn):
        add_notes(store, "Ehti tallentua ennen virhettä.")
        raise RuntimeError("boom")
    assert fts.missing_triggers(store.conn) == []
    assert len(fts.search_notes(store.conn, "virhettä")) == 1


def test_open_store_repairs_triggers_a_dead_load_left_dropped(tmp_path) -> None:
    path = tmp_path / "k.db"
    store = open_store(path)
    store.conn.execute("BEGIN")
    fts.drop_triggers(store.conn, ["notes_fts"])
    store.conn.execute("COMMIT")
    ids = add_notes(store, "Kirjoitettu kun liipaisin puuttui.")
    store.close()
    reopened = open_store(path)
    assert fts.missing_triggers(reopened.conn) == []
    assert fts.search_notes(reopened.conn, "liipaisin") == ids
    reopened.close()


def test_suspended_in_transaction_rolls_back_with_it(store: Store) -> None:
    with (
        pytest.raises(RuntimeError),
        store.replica.transaction("testi") as tx,
        fts.suspended_in_transaction(tx.conn, ["notes_fts"]),
    ):
        assert fts.missing_triggers(tx.conn) == ["notes_fts"]
        raise RuntimeError("boom")
    assert fts.missing_triggers(store.conn) == []
    with (
        store.replica.transaction("testi") as tx,
        fts.suspended_in_transaction(tx.conn, ["clients_fts"]),
    ):
        tx.insert("clients", {"first_name": "Jääkiekko", "last_name": "Öljynen"})
    assert fts.missing_triggers(store.conn) == []
    found = store.conn.execute(
        "SELECT count(*) FROM clients_fts WHERE clients_fts MATCH 'öljynen'"
    ).fetchone()
    assert found == (1,)
    with pytest.raises(RuntimeError), fts.suspended_in_transaction(store.conn, ["clients_fts"]):
        pass  # outside a transaction it refuses


def test_opening_during_a_live_bulk_load_leaves_it_alone(tmp_path) -> None:
    path = tmp_path / "k.db"
    loader = open_store(path)
    with fts.suspended_triggers(loader.conn, ["notes_fts"]):
        other = open_store(path)  # e.g. the app opened while `kenttä seed` runs
        assert fts.missing_triggers(other.conn) == ["notes_fts"]
        other.close()
        ids = add_notes(loader, "Ladataan isoa määrää.")
    assert fts.missing_triggers(loader.conn) == []
    assert fts.search_notes(loader.conn, "määrää") == ids
    assert loader.conn.execute("SELECT count(*) FROM _fts_bulk").fetchone() == (0,)
    loader.close()


def test_long_prefixes_are_checked_against_the_text(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = add_notes(
        store,
        "Työkokeilu alkaa.",  # matches työko…
        "Työnhaku jatkuu.",  # shares only the indexed prefix työ…
        "Asiakas_työkokeilusta kertoi.",  # an underscore splits words, as FTS5 does
    )
    assert set(fts.search_notes(store.conn, "työko")) == {ids[0], ids[2]}
    assert fts.search_notes(store.conn, "työn") == [ids[1]]
    monkeypatch.setattr(fts, "PREFIX_CANDIDATES", 1)  # too many candidates: the slow path
    assert set(fts.search_notes(store.conn, "työko")) == {ids[0], ids[2]}


def test_a_first_sync_by_snapshot_leaves_the_note_index_whole(tmp_path) -> None:
    """kenttä_sync loads a snapshot in bulk around `fts.SnapshotHook`: the triggers are
    back and the indexes find what the snapshot brought."""
    from kenttä_sync.central.store import open_sqlite
    from kenttä_sync.device.snapshot import apply_snapshot
    from kenttä_sync.transport.protocol import in_process, sync

    from kenttä.store.schema import SCHEMA

    writer = open_store(tmp_path / "writer.db")
    scope = "kuopio"
    note = {"author": "t", "scope": scope, "kind": "meeting", "written_at": "2026-11-20T10:00"}
    with writer.replica.transaction("testi") as tx:
        client = tx.insert(
            "clients",
            {
                "first_name": "Säde",
                "last_name": "Hyvönen",
                "scope": scope,
                "status": "met",
                "language": "fi",
                "consent": True,
                "municipality": "297",
                "owner": "t",
            },
        )
        ids = [
            tx.insert("notes", {**note, "client_id": client, "body": body})
            for body in ("työkokeilu sovittiin", "tämä on toinen")
        ]  # fmt: skip
    central = open_sqlite(str(tmp_path / "central.db"), SCHEMA)
    fresh = open_store(tmp_path / "fresh.db")
    for store in (writer, fresh):
        central.register_device(store.replica.device_id, [scope])
    sync(writer.replica, in_process(central))
    hook = fts.SnapshotHook()
    assert apply_snapshot(fresh.replica, central.snapshot(fresh.replica.device_id), hook) == 3
    assert fts.search_notes(fresh.conn, "työkokeilu") == [ids[0]]
    assert fts.missing_triggers(fresh.conn) == []
    with fresh.replica.transaction("testi") as tx:  # and the triggers keep it current
        new = tx.insert("notes", {**note, "client_id": client, "body": "kuntoutus alkaa"})
    assert fts.search_notes(fresh.conn, "kuntoutus") == [new]
    central.close()
