"""`kenttä report segments`: the ESF figures by client segment (Polku), for people and scripts.

JSON, CSV and xlsx keep the segment codes (null: no segment); the table names the segments
in the configured language.
"""

from __future__ import annotations

from typing import Any

from kenttä.cli.report_cmds import _emit, _emit_list, _period_report
from kenttä.services.context import Workspace
from kenttä.services.reports import Period


@_period_report("segments", "Only this programme's clients (default: all).")
def segments_cmd(
    ws: Workspace, period: Period, programme: str | None, fmt: str, out: str | None
) -> None:
    """Participants, starters, leavers and results by client segment over a period."""
    from kenttä.services.reports.segments import COLUMNS, by_segment

    result = by_segment(ws, period, programme)
    if fmt == "table":
        from kenttä.services.clients.segments import segment_names

        _emit(_table(result["segments"], segment_names(ws)), out)
        return
    _emit_list(fmt, out, result["segments"], COLUMNS, result, "segments")


def _table(rows: list[dict[str, Any]], names: dict[str, str]) -> str:
    from kenttä.cli.words import table
    from kenttä.i18n import t

    def rate(value: float | None) -> str:
        return "–" if value is None else f"{round(value * 100)} %"

    headers = [
        t("report_segments.segment"),
        t("report_segments.participants"),
        t("report_segments.entered"),
        t("report_segments.finished"),
        t("report_segments.positive_paths"),
        t("report_segments.positive_path_rate"),
        t("report_segments.job_or_degree"),
        t("report_segments.job_or_degree_rate"),
    ]
    out = [
        [
            names.get(r["segment"], r["segment"]) if r["segment"] else t("report_segments.none"),
            r["participants"],
            r["entered"],
            r["finished"],
            r["positive_paths"],
            rate(r["positive_path_rate"]),
            r["job_or_degree"],
            rate(r["job_or_degree_rate"]),
        ]
        for r in rows
    ]
    return table(headers, out)
