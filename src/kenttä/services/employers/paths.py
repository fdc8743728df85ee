"""Paths into work (issue 16): placements that follow one another, and where a path ends.

A placement may follow another of the same client (`placements.follows`): a work trial, then
a wage-subsidised job, then an apprenticeship or a job. A path is such a chain, first step to
last, possibly across employers. Placements that follow none start a path; two placements
that follow the same one (made on two laptops offline) make two paths sharing their start.

Where a path ends feeds the client's outcome (DESIGN §2, `Outcome`): the last step's kind,
while that step is ongoing on the day asked about (no end date, or ending on or after it):

    job                  → job
    wage_subsidised_job  → wage_subsidised_job
    apprenticeship       → degree_education (an apprenticeship leads to a vocational degree)
    work_trial           → other_service (an employment-promoting service)
    coaching_unit        → other_service

A path whose last step ended before the day suggests nothing: what happened after it is not
recorded. The exit form offers this outcome first (`outcome_from_paths`); a person decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from kenttä.domain.codes import EmployerKind, Outcome, PlacementKind
from kenttä.services.context import Workspace
from kenttä.services.employers import placements
from kenttä.services.records import LIVE

if TYPE_CHECKING:
    pass

PATH_OUTCOME: dict[str, str] = {
    PlacementKind.JOB.value: Outcome.JOB.value,
    PlacementKind.WAGE_SUBSIDISED_JOB.value: Outcome.WAGE_SUBSIDISED_JOB.value,
    PlacementKind.APPRENTICESHIP.value: Outcome.DEGREE_EDUCATION.value,
    PlacementKind.WORK_TRIAL.value: Outcome.OTHER_SERVICE.value,
    PlacementKind.COACHING_UNIT.value: Outcome.OTHER_SERVICE.value,
}


@dataclass(frozen=True)
class PlacementPath:
    """One path: its placements (as `placements.for_client` gives them), first to last."""

    steps: tuple[dict[str, Any], ...]

    @property
    def first(self) -> dict[str, Any]:
        return self.steps[0]

    @property
    def last(self) -> dict[str, Any]:
        return self.steps[-1]

    @property
    def kinds(self) -> list[str]:
        return [s["kind"] for s in self.steps]

    def ongoing_on(self, day: date) -> bool:
        end = self.last["end_date"]
        return self.last["start_date"] <= day.isoformat() and (
            end is None or end >= day.isoformat()
        )

    def outcome(self, day: date | None = None) -> str | None:
        """The outcome the path's end gives (module docstring); None when it gives none."""
        if day is not None and not self.ongoing_on(day):
            return None
        return PATH_OUTCOME.get(self.last["kind"])


def group_paths(rows: list[dict[str, Any]]) -> list[PlacementPath]:
    """Chain placements by `follows`; the latest path (by its last step's start) first."""
    by_id = {r["id"]: r for r in rows}
    children: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        if r.get("follows") in by_id and r["follows"] != r["id"]:
            children.setdefault(r["follows"], []).append(r)
    for kids in children.values():
        kids.sort(key=lambda r: (r["start_date"], r["id"]))
    roots = [r for r in rows if r.get("follows") not in by_id or r["follows"] == r["id"]]
    paths: list[PlacementPath] = []
    seen: set[str] = set()

    def walk(node: dict[str, Any], chain: tuple[dict[str, Any], ...]) -> None:
        seen.add(node["id"])
        chain = (*chain, node)
        kids = [k for k in children.get(node["id"], []) if k["id"] not in seen]
        if not kids:
            paths.append(PlacementPath(chain))
        for kid in kids:
            walk(kid, chain)

    for root in sorted(roots, key=lambda r: (r["start_date"], r["id"])):
        walk(root, ())
    for r in sorted(rows, key=lambda r: (r["start_date"], r["id"])):  # a cycle: never a root
        if r["id"] not in seen:
            walk(r, ())
    paths.sort(key=lambda p: (p.last["start_date"], p.last["id"]), reverse=True)
    return paths


def paths_for_client(ws: Workspace, client_id: str) -> list[PlacementPath]:
    return group_paths(placements.for_client(ws, client_id))


def paths_for_employer(ws: Workspace, employer_id: str) -> list[PlacementPath]:
    """Every path with a step at this employer, whole (its other employers' steps too)."""
    here = placements.for_employer(ws, employer_id)
    out: list[PlacementPath] = []
    for client_id in dict.fromkeys(p["client_id"] for p in here):
        for path in paths_for_client(ws, client_id):
            if any(s["employer_id"] == employer_id for s in path.steps):
                out.append(path)
    out.sort(key=lambda p: (p.last["start_date"], p.last["id"]), reverse=True)
    return out


def outcome_from_paths(ws: Workspace, client_id: str, on: date) -> str | None:
    """The outcome the client's latest path ongoing on `on` ends in (None: no such path)."""
    for path in paths_for_client(ws, client_id):
        outcome = path.outcome(on)
        if outcome is not None:
            return outcome
    return None


def associations(ws: Workspace, limit: int = 500) -> list[tuple[str, str]]:
    """(id, name) of the associations (employers of kind association), by name: who may
    employ a supported apprentice."""
    rows = ws.store.conn.execute(
        f"SELECT id, name FROM employers WHERE kind = ? AND {LIVE} ORDER BY name, id LIMIT ?",
        (EmployerKind.ASSOCIATION.value, limit),
    ).fetchall()
    return [(r[0], r[1]) for r in rows]
