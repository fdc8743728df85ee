"""`kenttä report sectors`: labour needs by industry (TOL 2008) and occupation (issue 16).

JSON, CSV and xlsx keep the codes (section letters, occupation codes; null: unknown); the
table names them in the configured language.
"""

from __future__ import annotations

from typing import Any

from kenttä.cli.report_cmds import _emit, _emit_list, _period_report
from kenttä.services.context import Workspace
from kenttä.services.reports import Period


@_period_report("sectors", "Only this programme's needs (default: all).")
def sectors_cmd(
    ws: Workspace, period: Period, programme: str | None, fmt: str, out: str | None
) -> None:
    """Labour needs recorded in a period: open, filled and withdrawn, by industry and occupation."""
    from kenttä.services.reports.sectors import COLUMNS, sector_view

    result = sector_view(ws, period, programme)
    if fmt == "table":
        _emit(_table(result["rows"]), out)
        return
    _emit_list(fmt, out, result["rows"], COLUMNS, result, "sectors")


def _table(rows: list[dict[str, Any]]) -> str:
    from kenttä.cli.words import table
    from kenttä.domain.occupations import occupation_name
    from kenttä.i18n import t

    headers = [t(f"sectors.col_{c}") for c in ("section", "occupation", "open", "filled",
                                                "withdrawn", "open_headcount", "filled_headcount")]  # fmt: skip
    out = [
        [
            t(f"industry.{r['section']}") if r["section"] else t("sectors.unknown"),
            f"{r['occupation']} {occupation_name(r['occupation'])}"
            if r["occupation"]
            else t("sectors.unknown"),
            r["open"],
            r["filled"],
            r["withdrawn"],
            r["open_headcount"],
            r["filled_headcount"],
        ]
        for r in rows
    ]
    return table(headers, out)
