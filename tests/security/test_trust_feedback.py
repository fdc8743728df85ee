"""Feedback reaches the office and other laptops by sync; a coordinator's laptop receives
the scores (reports by service and provider) but never what the client wrote, and may not
write feedback (store/schema.py `POLICIES`). Over HTTP and by bundle, on both stores."""

from __future__ import annotations

import json
from datetime import date

from kenttä.services.clients.core import create_client
from kenttä.services.clients.feedback import record_feedback
from kenttä.services.reports.feedback import feedback_report
from tests.security.test_trust_policy import _sync
from tests.security.trust_helpers import Office, local_rejected

WORDS = "Testipalaute luottamuksellinen"
SCORES = {"useful": 4, "goals": 3, "respect": 5, "satisfaction": 4}


def test_feedback_syncs_and_a_coordinator_gets_scores_without_the_text(
    office: Office, via: str
) -> None:
    coach = office.laptop("coach", "coach", ["kuopio"])
    client = create_client(coach, first_name="Testi", last_name="Asiakas", scope="kuopio")
    given = record_feedback(
        coach, client.id, given_on=date(2026, 2, 3), scores=SCORES, comment=WORDS
    )
    office.sync(coach)
    assert office.rows("SELECT comment, rating FROM feedback WHERE id = ?", (given.id,)) == [
        (WORDS, 4)
    ]

    coordinator = office.laptop("coordinator", "coordinator", ["kuopio"])
    _sync(office, coordinator, via)
    conn = coordinator.store.conn
    row = conn.execute("SELECT comment, scores, rating FROM feedback WHERE id = ?", (given.id,))
    comment, scores, rating = row.fetchone()
    assert comment is None and json.loads(scores) == SCORES and rating == 4
    words = conn.execute("SELECT count(*) FROM _changes WHERE value LIKE '%luottamuksellinen%'")
    assert words.fetchone() == (0,)
    report = feedback_report(coordinator)
    assert report["total"]["questions"]["respect"] == {"count": 1, "mean": 5.0}

    # past the services' own check: the office refuses a coordinator's feedback
    with coordinator.store.replica.transaction(coordinator.user) as tx:
        tx.insert(
            "feedback",
            {"scope": "kuopio", "client_id": client.id, "given_on": "2026-02-04",
             "rating": 1, "scores": {"satisfaction": 1}, "comment": ""},
        )  # fmt: skip
    _sync(office, coordinator, via)
    assert "a coordinator's device may not write feedback" in local_rejected(coordinator)
    assert office.rows("SELECT count(*) FROM feedback") == [(1,)]

    other = office.laptop("coach2", "coach", ["kuopio"])
    office.sync(other)
    assert other.store.conn.execute(
        "SELECT comment FROM feedback WHERE id = ?", (given.id,)
    ).fetchone() == (WORDS,)
