"""Issue 15, point 2: a coach's eligibility exception is a synced, audited change of the
client, counts for the programme it was granted for only, and leaves quality clean."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from kenttä.config import Config
from kenttä.services.clients import core as clients
from kenttä.services.clients import intake
from kenttä.services.clients.core import ClientError
from kenttä.services.context import Workspace
from kenttä.services.reports.quality import quality_findings
from kenttä.services.roles import PermissionDenied
from kenttä.store.db import open_store
from tests.ui.caseload import build_caseload

TODAY = date(2026, 3, 16)
WHY = "nuori, pitkittynyt työttömyys"


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    store = open_store(tmp_path / "exception.db")
    workspace = Workspace(store, Config(user="testi.valmentaja", scope="kuopio", role="coach"))
    workspace.ids = build_caseload(workspace, clients_count=4)  # type: ignore[attr-defined]
    yield workspace
    store.close()


def young_topi_client(ws: Workspace) -> str:
    client_id = ws.ids["clients"][1]  # type: ignore[attr-defined]
    clients.update_client(
        ws,
        client_id,
        henkilotunnus=None,
        birth_date=date(2001, 5, 5),
        programme="TOPI",
        status="participating",
        entry_date=date(2026, 1, 15),
    )
    return client_id


def test_an_exception_is_recorded_synced_and_audited(ws: Workspace) -> None:
    client_id = young_topi_client(ws)
    before = intake.eligibility_of(clients.get_client(ws, client_id), TODAY)
    assert before.state == "not_eligible" and before.reason_code == "age_outside"
    seq = ws.store.conn.execute("SELECT max(seq) FROM _changes").fetchone()[0]

    intake.record_exception(ws, client_id, f"  {WHY} ", today=TODAY)

    client = clients.get_client(ws, client_id)
    assert (client.eligibility_exception, client.eligibility_exception_programme) == (WHY, "TOPI")
    assert client.eligibility_exception_on == TODAY
    verdict = intake.eligibility_of(client, TODAY)
    assert verdict.state == "exception" and verdict.params["why"] == WHY
    logged = ws.store.conn.execute(
        "SELECT DISTINCT col FROM _changes WHERE seq > ? AND tbl = 'clients' ORDER BY col", (seq,)
    ).fetchall()
    assert [r[0] for r in logged] == [
        "eligibility_exception",
        "eligibility_exception_on",
        "eligibility_exception_programme",
    ]
    detail = ws.store.conn.execute(
        "SELECT detail FROM audit_events WHERE record_id = ? AND action = 'change'"
        " ORDER BY at DESC, id DESC",
        (client_id,),
    ).fetchone()[0]
    assert "eligibility_exception" in detail and WHY not in detail  # names, never values


def test_quality_no_longer_flags_a_participant_with_an_exception(ws: Workspace) -> None:
    client_id = young_topi_client(ws)

    def outside() -> set[str]:
        return {f.id for f in quality_findings(ws) if f.code == "outside_target_group"}

    assert client_id in outside()
    intake.record_exception(ws, client_id, WHY, today=TODAY)
    assert client_id not in outside()


def test_the_exception_counts_only_for_the_programme_it_was_granted_for(ws: Workspace) -> None:
    client_id = young_topi_client(ws)
    intake.record_exception(ws, client_id, WHY, today=TODAY)
    clients.update_client(ws, client_id, programme="KUOPIO")
    moved = intake.eligibility_of(clients.get_client(ws, client_id), TODAY)
    assert moved.state == "not_eligible"


def test_an_empty_reason_removes_the_exception(ws: Workspace) -> None:
    client_id = young_topi_client(ws)
    intake.record_exception(ws, client_id, WHY, today=TODAY)
    intake.record_exception(ws, client_id, "   ", today=TODAY)
    client = clients.get_client(ws, client_id)
    assert client.eligibility_exception is None
    assert client.eligibility_exception_programme is None
    assert intake.eligibility_of(client, TODAY).state == "not_eligible"


def test_bad_exceptions_are_refused_in_one_line_and_nothing_is_written(ws: Workspace) -> None:
    client_id = young_topi_client(ws)
    seq = ws.store.conn.execute("SELECT max(seq) FROM _changes").fetchone()[0]
    for reason, code in (("a" * 501, "reason_too_long"), ("one\ntwo", "reason_lines")):
        with pytest.raises(ClientError) as info:
            intake.record_exception(ws, client_id, reason, today=TODAY)
        assert info.value.code == code and "\n" not in str(info.value)
    assert ws.store.conn.execute("SELECT max(seq) FROM _changes").fetchone()[0] == seq
    clients.update_client(ws, client_id, programme="NO-RULE")
    seq = ws.store.conn.execute("SELECT max(seq) FROM _changes").fetchone()[0]
    with pytest.raises(ClientError) as info:
        intake.record_exception(ws, client_id, WHY, today=TODAY)
    assert info.value.code == "no_rule"
    coordinator = Workspace(ws.store, Config(user="k", scope="kuopio", role="coordinator"))
    with pytest.raises(PermissionDenied):
        intake.record_exception(coordinator, client_id, WHY, today=TODAY)
    assert ws.store.conn.execute("SELECT max(seq) FROM _changes").fetchone()[0] == seq


def test_erasure_blanks_the_reason_and_keeps_no_copy_in_the_change_log(ws: Workspace) -> None:
    """The reason is a coach's free text about a person: a personal column."""
    from kenttä.services.privacy import erasure

    client_id = young_topi_client(ws)
    intake.record_exception(ws, client_id, WHY, today=TODAY)
    supervisor = Workspace(ws.store, Config(user="s", scope="kuopio", role="supervisor"))
    erasure.erase_client(supervisor, client_id)
    stored = ws.store.conn.execute(
        "SELECT eligibility_exception FROM clients WHERE id = ?", (client_id,)
    ).fetchone()
    assert stored == (None,)
    logged = ws.store.conn.execute(
        "SELECT count(*) FROM _changes WHERE row_id = ? AND value LIKE ?",
        (client_id, f"%{WHY}%"),
    ).fetchone()[0]
    assert logged == 0
