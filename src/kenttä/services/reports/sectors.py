"""The sector view (Polku's skills-needs survey): labour needs by industry and occupation.

Over a period, the needs recorded in it (`labour_needs.recorded_on`), grouped by the
employer's industry section (TOL 2008, `domain.industries`; employers without an industry
are section null) and the need's occupation (ammattiluokitus 2010, as recorded; a need moved
from an old visit has no code: occupation null). Per group: needs open, filled and
withdrawn, and the people asked for (headcount) of the open and the filled ones. With a
programme: only its needs. Codes only; a person's table names them (cli/report_sector_cmds).
"""

from __future__ import annotations

from typing import Any

from kenttä.domain.industries import SECTIONS, section_of
from kenttä.services.context import Workspace
from kenttä.services.reports._base import Period
from kenttä.services.roles import require

COLUMNS = (
    "section", "occupation", "needs", "open", "filled", "withdrawn",
    "open_headcount", "filled_headcount",
)  # fmt: skip


def sector_view(ws: Workspace, period: Period, programme: str | None = None) -> dict[str, Any]:
    """{period, programme, rows: [{section, occupation, needs, open, …}], sections: [...]}."""
    require(ws, "view_reports")
    sql = (
        "SELECT e.industry, n.occupation, n.status, n.headcount FROM labour_needs n"
        " LEFT JOIN employers e ON e.id = n.employer_id"
        " WHERE n._deleted IS NULL AND n._erased IS NULL AND n.recorded_on BETWEEN ? AND ?"
    )
    args: list[Any] = [period.start.isoformat(), period.end.isoformat()]
    if programme:
        sql += " AND n.programme = ?"
        args.append(programme)
    groups: dict[tuple[str | None, str | None], dict[str, int]] = {}
    for industry, occupation, status, headcount in ws.store.conn.execute(sql, args):
        key = (section_of(industry), occupation or None)
        row = groups.setdefault(key, dict.fromkeys(COLUMNS[2:], 0))
        row["needs"] += 1
        if status in ("open", "filled", "withdrawn"):
            row[status] += 1
        if status in ("open", "filled"):
            row[f"{status}_headcount"] += int(headcount or 0)
    order = {section: i for i, section in enumerate(SECTIONS)}

    def sort_key(key: tuple[str | None, str | None]) -> tuple[int, str]:
        section, occupation = key
        return (order.get(section or "", len(order)), occupation or "~")

    rows = [
        {"section": s, "occupation": o, **groups[(s, o)]} for s, o in sorted(groups, key=sort_key)
    ]
    sections: dict[str | None, dict[str, int]] = {}
    for row in rows:
        total = sections.setdefault(row["section"], dict.fromkeys(COLUMNS[2:], 0))
        for column in COLUMNS[2:]:
            total[column] += row[column]
    return {
        "period": period.as_dict(),
        "programme": programme,
        "rows": rows,
        "sections": [{"section": s, **figures} for s, figures in sections.items()],
    }
