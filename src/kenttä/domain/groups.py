"""Group coaching and client teams (issue 15 points 4 and 7) as records: a coaching group,
its sessions and attendance, and the co-workers on a client's team."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from kenttä.domain.codes import TeamRole
from kenttä.domain.record import NonEmpty, Record


class CoachingGroup(Record):
    """A coaching group: a series of sessions (VÄLKE's group model, Kuopio's coaching unit)."""

    name: NonEmpty
    programme: str | None = None
    place: str | None = None
    coaches: list[str] = Field(default_factory=list)
    started_on: date | None = None


class GroupSession(Record):
    group_id: str
    held_on: date
    place: str | None = None
    coaches: list[str] = Field(default_factory=list)
    topic: NonEmpty


class GroupAttendance(Record):
    """One attendee of a session; `present` marked, `note_id` the group note it wrote."""

    session_id: str
    client_id: str
    present: bool = False
    note_id: str | None = None


class TeamMember(Record):
    """A co-worker on a client's team besides the responsible coach (`clients.owner`)."""

    client_id: str
    member: NonEmpty  # the co-worker's user name ("user" is a reserved word in PostgreSQL)
    role: TeamRole = TeamRole.COACH
