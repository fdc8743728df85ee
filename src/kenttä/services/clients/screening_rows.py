"""A screening list's rows: the clients a `Screening` keeps, a page at a time, each with its
latest activity and plan state (definitions in kenttä.services.clients.screening)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kenttä.services.clients.core import list_clients
from kenttä.services.clients.screening import ClientActivity, Screening, activity_of
from kenttä.services.context import Workspace
from kenttä.services.roles import may


@dataclass(frozen=True)
class ScreenedClient:
    """One row of a screening list (codes and ISO dates in `as_dict`, for scripts)."""

    id: str
    first_name: str
    last_name: str
    henkilotunnus: str | None
    status: str | None
    programme: str | None
    owner: str | None
    municipality: str | None
    segment: str | None
    benefit_days: int | None
    unemployed_since: str | None
    activity: ClientActivity

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.last_name or "", self.first_name or "", self.id)

    @property
    def full_name(self) -> str:
        return f"{self.last_name} {self.first_name}"

    def as_dict(self) -> dict[str, Any]:
        a = self.activity
        return {
            "id": self.id,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "status": self.status,
            "programme": self.programme,
            "owner": self.owner,
            "municipality": self.municipality,
            "segment": self.segment,
            "benefit_days": self.benefit_days,
            "unemployed_since": self.unemployed_since,
            "last_activity": a.last_activity.isoformat() if a.last_activity else None,
            "plan": a.plan,
            "plan_written": a.plan_written.isoformat() if a.plan_written else None,
        }


def screen_clients(
    ws: Workspace,
    screening: Screening,
    filters: Any = None,
    *,
    query: str = "",
    after: tuple[str, str, str] | None = None,
    limit: int = 500,
) -> list[ScreenedClient]:
    """One page of the screening list in name order, each client with activity and plan
    (pass the last row's `key` as `after` for the next page)."""
    rows = list_clients(
        ws, query=query, filters=filters, screening=screening, after=after, limit=limit
    )
    if not rows:
        return []
    ids = [r.id for r in rows]
    extra: dict[str, tuple[Any, ...]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for cid, *values in ws.store.conn.execute(
            "SELECT id, segment, benefit_days, unemployed_since FROM clients"
            f" WHERE id IN ({','.join('?' * len(chunk))})",
            chunk,
        ):
            extra[cid] = tuple(values)
    activity = activity_of(ws, ids, screening.day) if may(ws, "view_notes") else {}
    unknown = ClientActivity(None, "unknown", None)
    out = []
    for r in rows:
        segment, days, since = extra.get(r.id, (None, None, None))
        out.append(
            ScreenedClient(
                r.id, r.first_name, r.last_name, r.henkilotunnus, r.status, r.programme, r.owner,
                r.municipality, segment, days, since, activity.get(r.id, unknown),
            )
        )  # fmt: skip
    return out
