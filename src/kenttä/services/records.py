"""What every service asks of a stored record: is it live, and may this person touch it."""

from __future__ import annotations

from kenttä.services.context import Workspace
from kenttä.services.roles import require_scope

LIVE = "_deleted IS NULL AND _erased IS NULL"
"""SQL condition for rows neither tombstoned nor erased."""


def live_scope(ws: Workspace, table: str, row_id: str, missing: Exception) -> str | None:
    """The scope of a live row, after checking this person may work in it.

    Raises `missing` (the caller's own error, in its words) when there is no such live row.
    """
    row = ws.store.conn.execute(
        f"SELECT scope FROM {table} WHERE id = ? AND {LIVE}", (row_id,)
    ).fetchone()
    if row is None:
        raise missing
    require_scope(ws, row[0])
    return row[0]


def whose_sql(alias: str = "c") -> str:
    """SQL true when the client row `alias` is one person's: they are its responsible coach
    (`owner`) or a live co-worker on its team (`client_team`). Takes the person twice."""
    return (
        f"({alias}.owner = ? OR {alias}.id IN (SELECT t.client_id FROM client_team t"
        " WHERE t.member = ? AND t._deleted IS NULL AND t._erased IS NULL))"
    )
