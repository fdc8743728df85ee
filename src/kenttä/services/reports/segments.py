"""The ESF figures by client segment (Polku): who the programme reaches, and with what result.

The figures are those of the ESF report (`esf.collect`, definitions in esf.py) over the same
period and programme, split by each client's segment now (`clients.segment`; the segment a
client had earlier is not kept). Clients without a segment are one row (`segment` null).
The rows add up to the ESF report's figures.
"""

from __future__ import annotations

from typing import Any

from kenttä.services.context import Workspace
from kenttä.services.records import LIVE
from kenttä.services.reports._base import Period

FIGURES = ("participants", "entered", "finished", "positive_paths", "job_or_degree")
COLUMNS = ("segment", *FIGURES, "positive_path_rate", "job_or_degree_rate")


def by_segment(ws: Workspace, period: Period, programme: str | None = None) -> dict[str, Any]:
    """{period, programme, segments: [{segment, participants, …, rates}]}; codes only."""
    from kenttä.services.clients.segments import list_segments
    from kenttä.services.reports import esf

    figs = esf.collect(ws, period, programme)
    segment_of = dict(
        ws.store.conn.execute(f"SELECT id, segment FROM clients WHERE {LIVE}").fetchall()
    )
    counts: dict[str | None, dict[str, int]] = {}
    for figure in FIGURES:
        for ref in figs.get(figure, []):
            segment = segment_of.get(ref.id) or None
            counts.setdefault(segment, dict.fromkeys(FIGURES, 0))[figure] += 1
    order = [s.code for s in list_segments(ws, include_retired=True)]
    order += sorted(code for code in counts if code is not None and code not in order)
    rows = []
    for code in [*order, None]:
        if code not in counts and (code is None or code not in order):
            continue
        n = counts.get(code, dict.fromkeys(FIGURES, 0))
        finished = n["finished"]
        rows.append(
            {
                "segment": code,
                **n,
                "positive_path_rate": n["positive_paths"] / finished if finished else None,
                "job_or_degree_rate": n["job_or_degree"] / finished if finished else None,
            }
        )
    return {"period": period.as_dict(), "programme": programme, "segments": rows}
