"""A coordinator's proposal reaches the coach's Today on another laptop after sync (two
devices and a central store, in process), and the coach's "placed" makes a placement."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from kenttä.config import Config
from kenttä.services.clients import core as clients
from kenttä.services.context import Workspace
from kenttä.services.employers import core as employers
from kenttä.services.employers import matching, needs
from kenttä.store.db import open_store
from kenttä.store.schema import SCHEMA
from tests.ui.conftest import settle
from tests.ui.writes import SIZE, changed, records, tab_to

TODAY = date(2026, 3, 16)
COACH = "testi.valmentaja"


async def test_proposal_reaches_the_coachs_today_and_placed_makes_a_placement(
    tmp_path: Path,
) -> None:
    from kenttä_sync.central.store import open_sqlite
    from kenttä_sync.transport.protocol import in_process, sync

    from kenttä.ui.app import KenttaApp

    central = open_sqlite(str(tmp_path / "central.db"), SCHEMA)
    coach = Workspace(open_store(tmp_path / "coach.db"), Config(user=COACH, scope="kuopio"))
    office = Workspace(
        open_store(tmp_path / "coordinator.db"),
        Config(user="testi.koordinaattori", role="coordinator", scope="kuopio"),
    )
    for ws in (coach, office):
        central.register_device(ws.device_id, ["kuopio"])
    send = in_process(central)

    client = clients.create_client(
        coach, first_name="Aino", last_name="Heikkinen", municipality="297", status="met",
        owner=COACH, programme="TOPI",
    )  # fmt: skip
    matching.save_profile(
        coach, client.id, occupations=["512"], licences=["hygiene_pass"], municipalities=[]
    )
    sync(coach.store.replica, send)
    sync(office.store.replica, send)

    employer = employers.create_employer(office, name="Kuopion Keittiö Oy", municipality="297")
    need = needs.record_need(
        office, employer_id=employer.id, recorded_on=TODAY, occupation="5120", headcount=1,
        licences=["hygiene_pass"], programme="TOPI",
    )  # fmt: skip
    (fit,) = matching.clients_for_need(office, need.id)
    assert fit.client_id == client.id
    assert fit.reasons == ["interest", "licence:hygiene_pass", "municipality"]
    proposal = matching.propose(office, need.id, client.id, on=TODAY)
    sync(office.store.replica, send)
    assert matching.open_proposals(coach, coach=COACH) == []  # not before the sync
    sync(coach.store.replica, send)

    app = KenttaApp(coach, today=TODAY, language="fi")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert type(app.screen).__name__ == "TodayScreen"
        options = app.screen.query_one("#today-list")
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        wanted = next(i for i, o in enumerate(ids) if o and o.startswith("proposal:"))
        assert ids[wanted].split(":")[1] == proposal.id
        options.highlighted = wanted
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "ProposalOutcomeModal"
        before = records(coach)
        await pilot.press("enter", "down", "enter")  # the first outcome: placed
        await tab_to(pilot, "proposal-start")
        await pilot.press("ctrl+u", *"1.4.2026", "ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "TodayScreen"
    after = records(coach)
    touched = changed(before, after)
    (placement_id,) = {k[1] for k in touched if k[0] == "placements"}
    assert {k[0] for k in touched} == {"placements", "proposals", "labour_needs"}
    conn = coach.store.conn
    assert conn.execute(
        "SELECT client_id, employer_id, kind, start_date, programme FROM placements WHERE id = ?",
        (placement_id,),
    ).fetchone() == (client.id, employer.id, "job", "2026-04-01", "TOPI")
    assert conn.execute(
        "SELECT outcome, decided_on, placement_id FROM proposals WHERE id = ?", (proposal.id,)
    ).fetchone() == ("placed", TODAY.isoformat(), placement_id)
    assert conn.execute("SELECT status FROM labour_needs WHERE id = ?", (need.id,)).fetchone() == (
        "filled",
    )  # one asked, one placed
    assert matching.open_proposals(coach, coach=COACH) == []

    sync(coach.store.replica, send)
    sync(office.store.replica, send)
    assert office.store.conn.execute(
        "SELECT client_id, employer_id FROM placements WHERE id = ?", (placement_id,)
    ).fetchone() == (client.id, employer.id)
    for ws in (coach, office):
        ws.close()
    central.close()
