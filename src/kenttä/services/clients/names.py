"""Clients' names by id, for lists that show whose record a row is (a module of its own, so
that the Today screen's path reads names without importing the client service)."""

from __future__ import annotations

from kenttä.services.context import Workspace


def names_of(ws: Workspace, client_ids: list[str]) -> dict[str, str]:
    """'Last First' for each id (ids that name no client are left out)."""
    ids = sorted(set(client_ids))
    names: dict[str, str] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for cid, first, last in ws.store.conn.execute(
            f"SELECT id, first_name, last_name FROM clients WHERE id IN ({marks})", chunk
        ):
            names[cid] = f"{last or ''} {first or ''}".strip()
    return names
