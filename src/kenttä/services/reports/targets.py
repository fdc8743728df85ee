"""A programme's targets (issue 16), set by a supervisor, and the report's actuals beside them.

One `programme_targets` row per programme (its natural key: two laptops setting targets
offline end up with one row). Each figure is optional; an empty one has no target.

In `kenttä report esf` (and F7) `targets` maps every figure with a target to
`{"target": T, "actual": A}` for the report's programme and period; without a programme the
map is empty (targets are a programme's). The actuals are the report's own figures:
participants, positive_path_rate (a fraction, as the target), participating_companies,
network_size, sponsor_employers; and coachings_purchased, counted here: vouchers issued in the
period (of the programme's clients) for a service of the tray's `coaching` category, not
cancelled or expired.
"""

from __future__ import annotations

from typing import Any

from kenttä.services.context import Workspace
from kenttä.services.privacy import audit_in
from kenttä.services.records import LIVE
from kenttä.services.refusal import Refused
from kenttä.services.reports._base import Period, resolve_programme
from kenttä.services.reports.figures import EsfReport
from kenttä.services.roles import require

TARGET_FIGURES = (
    "participants",
    "positive_path_rate",
    "participating_companies",
    "network_size",
    "sponsor_employers",
    "coachings_purchased",
)
_COLUMNS = ("id", "programme", *TARGET_FIGURES)


def list_targets(ws: Workspace) -> list[dict[str, Any]]:
    """Every programme's targets, by programme."""
    require(ws, "view_reports")
    rows = ws.store.conn.execute(
        f"SELECT {', '.join(_COLUMNS)} FROM programme_targets WHERE {LIVE} ORDER BY programme, id"
    ).fetchall()
    return [dict(zip(_COLUMNS, r, strict=True)) for r in rows]


def targets_of(ws: Workspace, programme: str) -> dict[str, Any] | None:
    row = ws.store.conn.execute(
        f"SELECT {', '.join(_COLUMNS)} FROM programme_targets WHERE programme = ? AND {LIVE}"
        " ORDER BY id LIMIT 1",
        (programme,),
    ).fetchone()
    return None if row is None else dict(zip(_COLUMNS, row, strict=True))


def set_targets(
    ws: Workspace, programme: str, values: dict[str, Any], clear: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Set (or with `clear`, remove) targets of a programme; other figures keep theirs.

    `positive_path_rate` is a fraction (0.6 for 60 %). Supervisor only; audited."""
    from kenttä.domain.models import ProgrammeTarget

    require(ws, "set_targets")
    unknown = sorted(set(values) - set(TARGET_FIGURES)) + sorted(set(clear) - set(TARGET_FIGURES))
    if unknown:
        raise Refused(
            "unknown_target", f"unknown target {unknown[0]!r}; use {', '.join(TARGET_FIGURES)}"
        )
    name = resolve_programme(ws, programme)
    assert name is not None
    current = targets_of(ws, name)
    merged = {k: v for k, v in (current or {}).items() if k in TARGET_FIGURES}
    merged |= {k: v for k, v in values.items() if v is not None}
    merged |= dict.fromkeys(clear)
    model = ProgrammeTarget(programme=name, scope=ws.config.scope, **merged)  # validates
    row = model.to_row()
    with ws.store.replica.transaction(ws.user) as tx:
        if current is None:
            tx.insert("programme_targets", row)
            audit_in(tx, ws, "create", "programme_targets", model.id, scope=model.scope)
            target_id = model.id
        else:
            target_id = current["id"]
            diff = {k: row[k] for k in TARGET_FIGURES if row[k] != current[k]}
            if diff:
                tx.update("programme_targets", target_id, diff)
                audit_in(tx, ws, "change", "programme_targets", target_id, ",".join(diff))
    result = targets_of(ws, name)
    assert result is not None and result["id"] == target_id
    return result


def coachings_purchased(ws: Workspace, period: Period, programme: str | None) -> int:
    sql = (
        "SELECT count(*) FROM vouchers v JOIN clients c ON c.id = v.client_id"
        " WHERE v._deleted IS NULL AND v._erased IS NULL AND v.issued_on BETWEEN ? AND ?"
        " AND v.status NOT IN ('cancelled', 'expired')"
        " AND v.service_code IN (SELECT code FROM services WHERE category = 'coaching'"
        "  AND _deleted IS NULL AND _erased IS NULL)"
        " AND c._deleted IS NULL AND c._erased IS NULL"
    )
    args: tuple[Any, ...] = (period.start.isoformat(), period.end.isoformat())
    if programme is not None:
        sql += " AND c.programme = ?"
        args += (programme,)
    return int(ws.store.conn.execute(sql, args).fetchone()[0])


def against(ws: Workspace, report: EsfReport, period: Period) -> dict[str, dict[str, Any]]:
    """{figure: {"target", "actual"}} for the report's programme (empty without one)."""
    if report.programme is None:
        return {}
    targets = targets_of(ws, report.programme)
    if targets is None:
        return {}
    out: dict[str, dict[str, Any]] = {}
    for figure in TARGET_FIGURES:
        if targets[figure] is None:
            continue
        if figure == "coachings_purchased":
            actual: Any = coachings_purchased(ws, period, report.programme)
        else:
            actual = getattr(report, figure)
        out[figure] = {"target": targets[figure], "actual": actual}
    return out


def with_targets(ws: Workspace, report: EsfReport, period: Period) -> EsfReport:
    """The report with its programme's targets beside the actuals (`targets`)."""
    return report.model_copy(update={"targets": against(ws, report, period)})
