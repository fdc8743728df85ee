"""The demo's group coaching (issue 15 point 4): two groups of DEMO_USER's scope, a session a
week for the last four weeks, five attendees each, the present ones with their group note;
and a psychologist on the team of two of DEMO_USER's clients (point 7). Small on purpose."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from kenttä.domain import models as m
from kenttä.domain.codes import NoteKind
from kenttä.services.data.demo_data import DEMO_USER
from kenttä.services.groups.attendance import note_body

GROUPS = (
    ("Tiistain työnhakuryhmä", "VALKE", "Kuopion pääkirjasto", "Työnhaku verkossa"),
    ("Valmennusyksikön aamuryhmä", "KUOPIO", "Valmennusyksikkö, Kuopio", "Arjen rytmi"),
)
PSYCHOLOGIST = "liisa.psykologi"


def add_groups(builder: Any) -> None:
    """Append the groups, sessions, attendance, group notes and team rows to builder.rows."""
    rng = builder.rng
    mine = [
        c
        for c in builder.rows["clients"]
        if c["owner"] == DEMO_USER and c["status"] == "participating"
    ]
    if len(mine) < 5:
        return
    scope = mine[0]["scope"]
    for name, programme, place, topic in GROUPS:
        group = builder.add(
            "coaching_groups",
            m.CoachingGroup(
                name=name,
                programme=programme,
                place=place,
                coaches=[DEMO_USER],
                started_on=builder.today - timedelta(days=28),
                scope=scope,
            ),
        )
        attendees = rng.sample(mine, 5)
        for week in range(4):
            held_on = builder.today - timedelta(days=7 * (week + 1))
            session = builder.add(
                "group_sessions",
                m.GroupSession(
                    group_id=group.id,
                    held_on=held_on,
                    place=place,
                    coaches=[DEMO_USER],
                    topic=f"{topic} {4 - week}",
                    scope=scope,
                ),
            )
            body = note_body({**session.model_dump(), "group_name": name})
            for client in attendees:
                note_id = None
                if rng.random() < 0.8:
                    note_id = builder.add(
                        "notes",
                        m.Note(
                            client_id=client["id"],
                            author=DEMO_USER,
                            written_at=datetime.combine(held_on, time(10), UTC),
                            kind=NoteKind.GROUP,
                            body=body,
                            scope=client["scope"],
                        ),
                    ).id
                builder.add(
                    "group_attendance",
                    m.GroupAttendance(
                        session_id=session.id,
                        client_id=client["id"],
                        present=note_id is not None,
                        note_id=note_id,
                        scope=client["scope"],
                    ),
                )
    for client in mine[:2]:
        builder.add(
            "client_team",
            m.TeamMember(
                client_id=client["id"], member=PSYCHOLOGIST, role="psychologist", scope=scope
            ),
        )
