"""Group coaching counted as participation in the ESF report (issue 15 point 4):
`group_coaching.sessions / attendances / participants` over sessions held in the period,
only marks of present attendees, per programme; and `explain` lists the records."""

from __future__ import annotations

from datetime import date

from kenttä.services import groups
from kenttä.services.reports.esf import compute, explain


def test_group_participation_counts_present_marks_in_the_period(workspace, cohort, period):
    a, b, c = (cohort.client(n) for n in ("a", "b", "c"))
    other = cohort.client("other", programme="KUOPIO")
    group = groups.create_group(workspace, name="Ryhmä")
    first = groups.create_session(workspace, group.id, held_on=date(2024, 4, 2), topic="CV")
    second = groups.create_session(workspace, group.id, held_on=date(2024, 5, 7), topic="Haku")
    before = groups.create_session(workspace, group.id, held_on=date(2023, 12, 5), topic="Alku")
    present = {
        first.id: [a, b, other],  # three marks, one of them another programme's client
        second.id: [a],  # a again: two attendances, still one participant
        before.id: [c],  # held before the period: not counted
    }
    for session_id, people in present.items():
        for person in people:
            row = groups.add_attendee(workspace, session_id, person)
            groups.set_present(workspace, row.id, True)
    groups.add_attendee(workspace, second.id, c)  # on the list, never marked: not counted
    unmarked = groups.add_attendee(workspace, second.id, b)
    groups.set_present(workspace, unmarked.id, True)
    groups.set_present(workspace, unmarked.id, False)  # marked, then undone: not counted

    every = compute(workspace, period).group_coaching
    assert every.model_dump() == {"sessions": 2, "attendances": 4, "participants": 3}
    topi = compute(workspace, period, "TOPI").group_coaching
    assert topi.model_dump() == {"sessions": 2, "attendances": 3, "participants": 2}
    ids = {r["id"] for r in explain(workspace, "group_coaching.participants", period, "TOPI")}
    assert ids == {a, b}
    sessions = explain(workspace, "group_coaching.sessions", period)
    assert {r["id"] for r in sessions} == {first.id, second.id}
    assert all(r["label"] == "session" for r in sessions)  # no personal data in labels
