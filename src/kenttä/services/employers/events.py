"""Information events (TOPI: at schools, fairs and companies): when, where, who organised
them, how many attended, and which of the attendees are clients (issue 16).

An event is one `info_events` row; each client who attended is one `event_attendees` row in
the client's scope, erased with the client. `attended` counts everyone who came, clients or
not, so it is never less than the clients listed.
"""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Any

from kenttä.services.context import Workspace
from kenttä.services.privacy import audit_in
from kenttä.services.records import LIVE, live_scope
from kenttä.services.refusal import Refused
from kenttä.services.roles import require

if TYPE_CHECKING:
    from kenttä.domain.models import InfoEvent

_COLUMNS = ("id", "held_on", "place", "organisers", "attended", "employer_id", "notes")


def add_event(
    ws: Workspace,
    *,
    held_on: date,
    place: str,
    organisers: list[str] | None = None,
    attended: int = 0,
    client_ids: list[str] | None = None,
    employer_id: str | None = None,
    notes: str = "",
) -> InfoEvent:
    """Store an event and its client attendees in one transaction; audited."""
    from kenttä.domain.models import EventAttendee, InfoEvent

    require(ws, "record_event")
    if not place.strip():
        raise Refused("event_place", "the place is required")
    clients = list(dict.fromkeys(client_ids or []))
    scopes = {
        c: live_scope(ws, "clients", c, Refused("no_client", "no such client")) for c in clients
    }
    if employer_id:
        live_scope(ws, "employers", employer_id, Refused("no_employer", "no such employer"))
    if attended < len(clients):
        raise Refused(
            "event_attended",
            f"{attended} attended, but {len(clients)} clients are listed as attendees",
        )
    event = InfoEvent(
        held_on=held_on,
        place=place,
        organisers=[o.strip() for o in organisers or [] if o.strip()],
        attended=attended,
        employer_id=employer_id or None,
        notes=notes,
        scope=ws.config.scope,
    )
    with ws.store.replica.transaction(ws.user) as tx:
        tx.insert("info_events", event.to_row())
        audit_in(tx, ws, "create", "info_events", event.id, scope=event.scope)
        for client_id in clients:
            scope = scopes[client_id] or ws.config.scope
            row = EventAttendee(event_id=event.id, client_id=client_id, scope=scope)
            tx.insert("event_attendees", row.to_row())
            audit_in(tx, ws, "change", "clients", client_id, "event_attendees", scope)
    return event


def list_events(ws: Workspace, *, limit: int = 200) -> list[dict[str, Any]]:
    """The latest events first, with the host's name and how many clients attended."""
    rows = ws.store.conn.execute(
        "SELECT v.id, v.held_on, v.place, v.organisers, v.attended, v.employer_id, v.notes,"
        " e.name, (SELECT count(*) FROM event_attendees a JOIN clients c ON c.id = a.client_id"
        "  WHERE a.event_id = v.id AND a._deleted IS NULL AND a._erased IS NULL"
        "  AND c._deleted IS NULL AND c._erased IS NULL)"
        " FROM info_events v LEFT JOIN employers e ON e.id = v.employer_id"
        " WHERE v._deleted IS NULL AND v._erased IS NULL"
        " ORDER BY v.held_on DESC, v.id DESC LIMIT ?",
        (limit,),
    ).fetchall()
    out = []
    for row in rows:
        item = dict(zip(_COLUMNS, row[:7], strict=True))
        item["organisers"] = json.loads(item["organisers"]) if item["organisers"] else []
        item["host"] = row[7]
        item["clients"] = row[8]
        out.append(item)
    return out


def event_detail(ws: Workspace, event_id: str) -> dict[str, Any]:
    """One event, with its client attendees (id, last name, first name)."""
    cur = ws.store.conn.execute(
        f"SELECT {', '.join(_COLUMNS)} FROM info_events WHERE id = ? AND {LIVE}", (event_id,)
    )
    row = cur.fetchone()
    if row is None:
        raise Refused("no_event", "no such event")
    item = dict(zip(_COLUMNS, row, strict=True))
    item["organisers"] = json.loads(item["organisers"]) if item["organisers"] else []
    item["attendees"] = [
        {"client_id": r[0], "last_name": r[1], "first_name": r[2]}
        for r in ws.store.conn.execute(
            "SELECT c.id, c.last_name, c.first_name FROM event_attendees a"
            " JOIN clients c ON c.id = a.client_id AND c._deleted IS NULL AND c._erased IS NULL"
            " WHERE a.event_id = ? AND a._deleted IS NULL AND a._erased IS NULL"
            " ORDER BY c.last_name, c.first_name, c.id",
            (event_id,),
        )
    ]
    return item


def schools(ws: Workspace, limit: int = 500) -> list[tuple[str, str]]:
    """(id, name) of the schools in the employer register (kind school), by name."""
    rows = ws.store.conn.execute(
        f"SELECT id, name FROM employers WHERE kind = 'school' AND {LIVE}"
        " ORDER BY name, id LIMIT ?",
        (limit,),
    ).fetchall()
    return [(r[0], r[1]) for r in rows]
