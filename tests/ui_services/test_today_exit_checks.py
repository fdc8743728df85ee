"""Today lists the 28-day and 6-month outcome checks, also those derived from an exit date."""

from __future__ import annotations

from datetime import date, timedelta

from kenttä.domain.models import Client
from kenttä.services.context import Workspace
from kenttä.services.today import today_summary

TODAY = date(2026, 3, 16)


def _finished(ws: Workspace, exit_date: date) -> str:
    client = Client(
        first_name="Testi",
        last_name="Poistunut",
        status="finished",
        entry_date=exit_date - timedelta(days=200),
        exit_date=exit_date,
        outcome="job",
        programme="TOPI",
        owner=ws.user,
        scope="kuopio",
    )
    with ws.store.replica.transaction(ws.user) as tx:
        return tx.insert("clients", client.to_row())


def test_a_check_due_from_the_exit_date_is_on_today(workspace: Workspace) -> None:
    client_id = _finished(workspace, TODAY - timedelta(days=27))  # 28-day check due tomorrow
    items = today_summary(workspace, today=TODAY).exit_checks
    assert [(i["client_id"], i["checkpoint"], i["derived"]) for i in items] == [
        (client_id, "days_28", True)
    ]


def test_no_check_before_it_falls_due(workspace: Workspace) -> None:
    _finished(workspace, TODAY - timedelta(days=3))  # 28-day check in 25 days: not this week
    assert today_summary(workspace, today=TODAY).exit_checks == []
