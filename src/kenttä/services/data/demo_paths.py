"""Demo records of issue 16: a path into work, sponsors' start dates, a school and its
information event, and programme targets. Drawn from their own random stream, after the
rest of the demo is built, so the other demo records stay as they were."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from kenttä.domain import models as m

TARGETS = {
    # TOPI's goals (DESIGN §1): a 650-employer network, 15 sponsors, 60 % positive paths
    "TOPI": dict(participants=938, positive_path_rate=0.6, participating_companies=96,
                 network_size=650, sponsor_employers=15),
    "VIRTAA": dict(participants=120, coachings_purchased=75),
}  # fmt: skip


def add_paths_targets_events(builder: Any) -> None:
    """Add to the builder's rows (in place): see the module docstring."""
    rng = random.Random(16)
    rows = builder.rows
    today = builder.today
    for employer in rows["employers"]:
        if employer["sponsor"]:
            employer["sponsor_since"] = employer["network_since"]
    for programme, figures in TARGETS.items():
        builder.add("programme_targets", m.ProgrammeTarget(programme=programme, **figures))
    # a finished client whose job came after a work trial and a wage-subsidised job
    jobs = [p for p in rows["placements"] if p["kind"] == "job"]
    if jobs:
        job = rng.choice(jobs)
        start = job["start_date"]
        day = today.fromisoformat(start)
        trial = builder.add(
            "placements",
            m.Placement(client_id=job["client_id"], employer_id=job["employer_id"],
                        kind="work_trial", start_date=day - timedelta(days=240),
                        end_date=day - timedelta(days=181), scope=job["scope"]),
        )  # fmt: skip
        subsidy = builder.add(
            "placements",
            m.Placement(client_id=job["client_id"], employer_id=job["employer_id"],
                        kind="wage_subsidised_job", start_date=day - timedelta(days=180),
                        end_date=day - timedelta(days=1), follows=trial.id,
                        scope=job["scope"]),
        )  # fmt: skip
        job["follows"] = subsidy.id
    school = builder.add(
        "employers",
        m.Employer(name="Savon ammattiopisto (demo)", kind="school", municipality="297",
                   y_tunnus=builder.ytunnus(),
                   network_since=today - timedelta(days=400), scope="kuopio"),
    )  # fmt: skip
    event = builder.add(
        "info_events",
        m.InfoEvent(held_on=today - timedelta(days=21), place="Auditorio", attended=48,
                    organisers=["demo"], employer_id=school.id, scope="kuopio"),
    )  # fmt: skip
    kuopio = [c for c in rows["clients"] if c["scope"] == "kuopio"]
    for client in rng.sample(kuopio, min(3, len(kuopio))):
        builder.add(
            "event_attendees",
            m.EventAttendee(event_id=event.id, client_id=client["id"], scope="kuopio"),
        )
