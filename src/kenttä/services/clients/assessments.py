"""The service-need assessment (palvelutarvearvio): ratings 1–5 per area and findings."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from kenttä.domain.codes import AssessmentArea
from kenttä.domain.models import Assessment
from kenttä.services.context import Workspace
from kenttä.services.privacy import audit_in
from kenttä.services.records import live_scope
from kenttä.services.refusal import Refused
from kenttä.services.roles import require

AREAS = [a.value for a in AssessmentArea]
COLUMNS = (
    "id",
    "client_id",
    "assessed_on",
    "assessors",
    "ratings",
    "strengths",
    "obstacles",
    "recommended_services",
)


def save_assessment(
    ws: Workspace,
    client_id: str,
    *,
    assessed_on: date,
    ratings: dict[str, int],
    assessors: list[str] | None = None,
    strengths: str = "",
    obstacles: str = "",
    recommended_services: list[str] | None = None,
) -> Assessment:
    """Validate (ratings 1–5) and store a new assessment; audited."""
    require(ws, "write_note")
    scope = live_scope(ws, "clients", client_id, Refused("no_client", "no such client"))
    assessment = Assessment(
        client_id=client_id,
        assessed_on=assessed_on,
        assessors=assessors or [],
        ratings=ratings,
        strengths=strengths,
        obstacles=obstacles,
        recommended_services=recommended_services or [],
        scope=scope or ws.config.scope,
    )
    with ws.store.replica.transaction(ws.user) as tx:
        tx.insert("assessments", assessment.to_row())
        audit_in(tx, ws, "create", "assessments", assessment.id, scope=assessment.scope)
    return assessment


def latest(ws: Workspace, client_id: str) -> dict[str, Any] | None:
    """The newest assessment, with JSON columns decoded and the areas sorted into highlights."""
    require(ws, "view_notes")
    row = ws.store.conn.execute(
        f"SELECT {', '.join(COLUMNS)} FROM assessments WHERE client_id = ?"
        " AND _deleted IS NULL AND _erased IS NULL ORDER BY assessed_on DESC, id DESC LIMIT 1",
        (client_id,),
    ).fetchone()
    if row is None:
        return None
    data = dict(zip(COLUMNS, row, strict=True))
    for key in ("assessors", "ratings", "recommended_services"):
        data[key] = json.loads(data[key]) if data[key] else ([] if key != "ratings" else {})
    ratings: dict[str, int] = data["ratings"]
    data["strong_areas"] = sorted((a for a, r in ratings.items() if r >= 4), key=AREAS.index)
    data["weak_areas"] = sorted((a for a, r in ratings.items() if r <= 2), key=AREAS.index)
    return data
