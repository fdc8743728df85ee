"""Feedback and roles: coaches and supervisors write it; a coordinator neither writes it nor
reads what the client wrote, but may see the scores in the report."""

from __future__ import annotations

import json
from datetime import date

import pytest

from kenttä.config import Config
from kenttä.services.clients.core import create_client
from kenttä.services.clients.feedback import feedback_of, record_feedback
from kenttä.services.context import Workspace
from kenttä.services.reports.feedback import feedback_report
from kenttä.services.roles import PermissionDenied

WORDS = "Testipalaute luottamuksellinen"


def _ws(store, role: str) -> Workspace:  # type: ignore[no-untyped-def]
    return Workspace(store, Config(user=f"testi.{role}", role=role, scope="kuopio"))


@pytest.mark.parametrize("role", ["coach", "supervisor"])
def test_coaches_and_supervisors_record_and_read_feedback(store, role: str) -> None:  # type: ignore[no-untyped-def]
    ws = _ws(store, role)
    client = create_client(ws, first_name="Testi", last_name="Asiakas", scope="kuopio")
    record_feedback(ws, client.id, given_on=date(2026, 2, 3), scores={"satisfaction": 5},
                    comment=WORDS)  # fmt: skip
    (row,) = feedback_of(ws, client.id)
    assert row["comment"] == WORDS and row["scores"] == {"satisfaction": 5}


def test_a_coordinator_neither_writes_feedback_nor_reads_its_text(store) -> None:  # type: ignore[no-untyped-def]
    coach = _ws(store, "coach")
    client = create_client(coach, first_name="Testi", last_name="Asiakas", scope="kuopio")
    record_feedback(coach, client.id, given_on=date(2026, 2, 3),
                    scores={"useful": 2, "satisfaction": 4}, comment=WORDS)  # fmt: skip
    coordinator = _ws(store, "coordinator")
    with pytest.raises(PermissionDenied) as denied:
        record_feedback(coordinator, client.id, given_on=date(2026, 2, 4),
                        scores={"satisfaction": 1})  # fmt: skip
    assert "record feedback" in str(denied.value)
    with pytest.raises(PermissionDenied):
        feedback_of(coordinator, client.id)
    report = feedback_report(coordinator, by="provider")
    assert report["total"]["questions"]["useful"] == {"count": 1, "mean": 2.0}
    assert "luottamuksellinen" not in json.dumps(report)
    assert store.conn.execute("SELECT count(*) FROM feedback").fetchone() == (1,)
