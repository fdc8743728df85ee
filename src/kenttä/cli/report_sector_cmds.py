"""`kenttä report sectors`: labour needs by industry (TOL 2008) and occupation (issue 16).

JSON, CSV and xlsx keep the codes (section letters, occupation codes; null: unknown); the
table names them in the configured language.
"""

from __future__ import annotations

from typing import Any

import click

from kenttä.cli.common import CliContext
from kenttä.cli.report_cmds import (
    _emit,
    _emit_list,
    _fmt,
    _format_options,
    _period,
    _programme,
    _required_period,
    report,
)


@report.command("sectors")
@_required_period
@click.option("--programme", help="Only this programme's needs (default: all).")
@_format_options
@click.pass_obj
def sectors_cmd(
    obj: CliContext,
    start: str,
    end: str,
    programme: str | None,
    fmt: str,
    as_json: bool,
    out: str | None,
) -> None:
    """Labour needs recorded in a period: open, filled and withdrawn, by industry and occupation."""
    from kenttä.services.reports.sectors import COLUMNS, sector_view

    fmt = _fmt(fmt, as_json, out)
    period = _period(start, end, required=True)
    assert period is not None
    ws = obj.workspace()
    try:
        result = sector_view(ws, period, _programme(ws, programme))
    finally:
        ws.close()
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
