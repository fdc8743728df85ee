"""Clients, notes and drafts: keyset paging, search, the card, corrections, exit."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from kenttä.services import search
from kenttä.services.clients import core as clients
from kenttä.services.clients import drafts, notes
from kenttä.services.clients.core import ClientError, ClientFilters
from tests.ui.caseload import TODAY, synthetic_hetu


def all_pages(ws, **kwargs) -> list:
    rows, after = [], None
    while True:
        page = clients.list_clients(ws, after=after, limit=5, **kwargs)
        rows += page
        if len(page) < 5:
            return rows
        after = page[-1].key


def test_keyset_pages_cover_every_client_once_in_name_order(ws) -> None:
    rows = all_pages(ws)
    assert len(rows) == 24
    assert len({r.id for r in rows}) == 24
    keys = [r.key for r in rows]
    assert keys == sorted(keys)


def test_filters_narrow_the_list(ws) -> None:
    rows = all_pages(ws, filters=ClientFilters(programme="TOPI", status="met"))
    assert rows and all(r.programme == "TOPI" and r.status == "met" for r in rows)
    assert all_pages(ws, filters=ClientFilters(municipality="749"))


def test_search_by_name_prefix_henkilotunnus_and_note_text(ws) -> None:
    by_name = clients.list_clients(ws, query="oja lau")
    assert [r.full_name for r in by_name] == ["Ojala Lauri"]
    by_hetu = clients.list_clients(ws, query=by_name[0].henkilotunnus[:8])
    assert [r.id for r in by_hetu] == [by_name[0].id]
    by_note = clients.list_clients(ws, query="hitsauskurssista 13")
    assert len(by_note) == 1
    assert clients.list_clients(ws, query='"; DROP') == []


def test_search_helpers() -> None:
    assert search.fts_prefix_query('matti "vir') == '"matti"* AND "vir"*'
    assert search.fts_prefix_query("  ") is None
    assert search.looks_like_henkilotunnus("010190-9")
    assert not search.looks_like_henkilotunnus("virtanen")
    assert search.prefix_range("0101") == ("0101", "0102")


def test_card_summarises_and_audits_a_view(ws) -> None:
    client_id = ws.ids["clients"][0]
    card = clients.client_card(ws, client_id, today=TODAY)
    assert card.client.id == client_id
    assert card.eligibility.reason_code
    assert len(card.notes) == 3
    assert card.plan is not None and card.steps
    assert card.assessment is not None and "motivation" in card.assessment["strong_areas"]
    views = ws.store.conn.execute(
        "SELECT count(*) FROM audit_events WHERE action = 'view' AND record_id = ?",
        (client_id,),
    ).fetchone()[0]
    assert views == 1


def test_create_client_validates_henkilotunnus_and_uniqueness(ws) -> None:
    with pytest.raises(ValidationError):
        clients.create_client(ws, first_name="A", last_name="B", henkilotunnus="010190-900X")
    hetu = synthetic_hetu(date(1980, 5, 5), 950)
    clients.create_client(ws, first_name="Uusi", last_name="Asiakas", henkilotunnus=hetu)
    with pytest.raises(ClientError) as caught:
        clients.create_client(ws, first_name="Toinen", last_name="Asiakas", henkilotunnus=hetu)
    assert caught.value.code == "duplicate_hetu"


def test_a_correction_is_a_new_note_and_marks_the_old_one(ws) -> None:
    client_id = ws.ids["clients"][1]
    original = notes.list_notes(ws, client_id)[0]
    correction = notes.correct_note(ws, original["id"], "Korjattu teksti")
    listed = notes.list_notes(ws, client_id)
    assert len(listed) == 4
    marked = next(n for n in listed if n["id"] == original["id"])
    assert marked["corrected_by"] == correction.id
    assert marked["body"] == original["body"]  # append-only: the original is kept


def test_notes_page_newest_first(ws) -> None:
    client_id = ws.ids["clients"][1]
    first = notes.list_notes(ws, client_id, limit=2)
    rest = notes.list_notes(
        ws, client_id, before=(first[-1]["written_at"], first[-1]["id"]), limit=2
    )
    assert len(first) == 2 and len(rest) == 1
    assert first[0]["written_at"] > first[1]["written_at"] > rest[0]["written_at"]


def test_draft_autosave_is_cleared_by_saving_the_note(ws) -> None:
    client_id = ws.ids["clients"][2]
    key = drafts.note_key(client_id)
    drafts.save_draft(ws, key, "Kesken")
    assert drafts.load_draft(ws, key) == "Kesken"
    notes.add_note(ws, client_id, "Valmis")
    assert drafts.load_draft(ws, key) is None
    drafts.save_draft(ws, key, "x")
    drafts.save_draft(ws, key, "   ")
    assert drafts.load_draft(ws, key) is None


def test_empty_note_is_refused(ws) -> None:
    with pytest.raises(notes.NoteError):
        notes.add_note(ws, ws.ids["clients"][0], "  ")


def test_exit_makes_follow_up_checks(ws) -> None:
    client_id = ws.ids["clients"][5]
    client = clients.record_exit(ws, client_id, exit_date=date(2026, 3, 1), outcome="job")
    assert client.status == "finished" and client.outcome == "job"
    checks = {o["checkpoint"]: o for o in clients.outcomes_of(ws, client_id)}
    assert checks["days_28"]["due_on"] == "2026-03-29"
    assert checks["months_6"]["due_on"] == "2026-09-01"
    clients.record_outcome_check(
        ws, checks["days_28"]["id"], outcome="wage_subsidised_job", checked_on=date(2026, 3, 30)
    )
    again = {o["checkpoint"]: o for o in clients.outcomes_of(ws, client_id)}
    assert again["days_28"]["outcome"] == "wage_subsidised_job"


def test_add_months_clamps_to_month_end() -> None:
    assert clients.add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert clients.add_months(date(2026, 1, 15), 6) == date(2026, 7, 15)


def test_changes_are_recorded_for_sync(ws) -> None:
    client_id = ws.ids["clients"][0]
    before = ws.store.conn.execute("SELECT count(*) FROM _changes").fetchone()[0]
    clients.update_client(ws, client_id, phone="040 123 4567")
    after = ws.store.conn.execute("SELECT count(*) FROM _changes").fetchone()[0]
    assert after == before + 2  # the phone column and its audit event
