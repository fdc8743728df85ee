"""When a placement's follow-up is due (Today): the next date a follow-up set, else 30 days
after the last contact; a follow-up's bad input is one line and writes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kenttä.services.employers import follow_ups, placements
from tests.ui.caseload import TODAY


def _due_ids(ws, day) -> list[str]:
    return [p["id"] for p in placements.follow_ups_due(ws, today=day)]


def test_the_next_date_decides_when_a_follow_up_is_due(ws) -> None:
    (placement_id,) = _due_ids(ws, TODAY)
    follow_ups.record_follow_up(
        ws, placement_id, contacted_on=TODAY, contacted="Työnjohtaja",
        how_it_goes="Alku sujunut", next_date=TODAY + timedelta(days=45),
    )  # fmt: skip
    assert _due_ids(ws, TODAY + timedelta(days=40)) == []  # past 30 days, before the next date
    assert _due_ids(ws, TODAY + timedelta(days=45)) == [placement_id]
    # without a next date, 30 days after the last contact
    follow_ups.record_follow_up(
        ws, placement_id, contacted_on=TODAY + timedelta(days=46), contacted="Asiakas"
    )
    assert _due_ids(ws, TODAY + timedelta(days=75)) == []
    assert _due_ids(ws, TODAY + timedelta(days=76)) == [placement_id]


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"contacted": "   "}, "contacted"),
        ({"contacted": "Asiakas", "next_date": TODAY - timedelta(days=1)}, "next date is before"),
    ],
)
def test_bad_follow_ups_are_refused_whole(ws, kwargs, reason) -> None:
    (placement_id,) = _due_ids(ws, TODAY)
    before = ws.store.conn.execute("SELECT count(*) FROM _changes").fetchone()
    with pytest.raises(follow_ups.FollowUpError, match=reason):
        follow_ups.record_follow_up(ws, placement_id, contacted_on=TODAY, **kwargs)
    assert ws.store.conn.execute("SELECT count(*) FROM _changes").fetchone() == before
    with pytest.raises(follow_ups.FollowUpError, match="no such placement"):
        follow_ups.record_follow_up(ws, "nope", contacted_on=TODAY, contacted="Asiakas")
