"""Clients: the keyset-paged list, search as you type, the card, and changes to a client.

Lists are ordered by (last_name, first_name, id) and paged by keyset (`after` is the last
row's key), so a page costs the same at row 50 and at row 100 000. Search: a henkilötunnus
prefix uses its index; words look up name prefixes in clients_fts and, from three letters on,
the text of notes in notes_fts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from kenttä.domain.codes import ClientStatus, Outcome, OutcomeCheck
from kenttä.domain.eligibility import Eligibility, age_on, client_eligibility, months_between
from kenttä.domain.models import Client
from kenttä.services.clients.names import names_of as names_of  # client_service.names_of
from kenttä.services.clients.rules import ClientError, check_phone, merged_for_update, validated
from kenttä.services.context import Workspace
from kenttä.services.privacy.audit import audit, audit_in
from kenttä.services.records import LIVE, whose_sql
from kenttä.services.roles import may, require, require_scope
from kenttä.services.search import (
    NOTE_MATCH_LIMIT,
    fts_prefix_query,
    looks_like_henkilotunnus,
    note_query,
    prefix_range,
)

# fmt: off
LIST_COLUMNS = ("id", "first_name", "last_name", "henkilotunnus", "status", "programme", "owner",
                "municipality")
# fmt: on
BROAD_MATCH = 3000  # name matches above which the list walks the name index instead


@dataclass(frozen=True)
class ClientFilters:
    status: str | None = None
    programme: str | None = None
    owner: str | None = None
    municipality: str | None = None


@dataclass(frozen=True)
class ClientRow:
    id: str
    first_name: str
    last_name: str
    henkilotunnus: str | None
    status: str | None
    programme: str | None
    owner: str | None
    municipality: str | None

    @property
    def key(self) -> tuple[str, str, str]:
        """The keyset position of this row: pass as `after` for the next page."""
        return (self.last_name or "", self.first_name or "", self.id)

    @property
    def full_name(self) -> str:
        return f"{self.last_name} {self.first_name}"


def _filter_sql(filters: ClientFilters | None) -> tuple[list[str], list[Any]]:
    where, params = [], []
    if filters is not None:
        for column in ("status", "programme", "owner", "municipality"):
            value = getattr(filters, column)
            if value and column == "owner":  # "my clients": responsible, or on the team
                where.append(whose_sql("c"))
                params += [value, value]
            elif value:
                where.append(f"c.{column} = ?")
                params.append(value)
    return where, params


def list_clients(
    ws: Workspace,
    *,
    query: str = "",
    filters: ClientFilters | None = None,
    after: tuple[str, str, str] | None = None,
    limit: int = 50,
    screening: Any = None,
) -> list[ClientRow]:
    """One page of clients matching the search, filters and screening (screening.py), in
    name order. Words match note text only for a role that may read notes (a coordinator's
    search must not reveal what the notes say)."""
    require(ws, "view_client")
    where, params = _filter_sql(filters)
    where.insert(0, "c._deleted IS NULL AND c._erased IS NULL")
    if screening is not None:
        from kenttä.services.clients.screening import screening_sql

        more, more_params = screening_sql(ws, screening)
        where, params = where + more, params + more_params
    text = query.strip()
    if text:
        if looks_like_henkilotunnus(text):
            lo, hi = prefix_range(text.upper())
            where.append("c.henkilotunnus >= ? AND c.henkilotunnus < ?")
            params += [lo, hi]
        else:
            fts = fts_prefix_query(text)
            if fts is None:
                return []
            matches = "SELECT rowid FROM clients_fts WHERE clients_fts MATCH ?"
            match_params: list[Any] = [fts]
            notes_fts = note_query(text) if may(ws, "view_notes") else None
            if notes_fts is not None:
                matches += (
                    " UNION SELECT c2.rowid FROM clients c2 WHERE c2.id IN ("
                    "SELECT n.client_id FROM notes n WHERE n.rowid IN ("
                    "SELECT rowid FROM notes_fts WHERE notes_fts MATCH ? LIMIT ?))"
                )
                match_params += [notes_fts, NOTE_MATCH_LIMIT]
            # A broad prefix ("v") matches thousands: walk the name index in order and keep
            # the matches (the first page comes at once); a narrow one: sort the few matches.
            broad = _name_matches(ws, fts) > BROAD_MATCH
            where.append(f"{'+' if broad else ''}c.rowid IN ({matches})")
            params += match_params
    if after is not None:
        where.append("(c.last_name, c.first_name, c.id) > (?, ?, ?)")
        params += list(after)
    sql = (
        f"SELECT {', '.join('c.' + col for col in LIST_COLUMNS)} FROM clients c"
        f" WHERE {' AND '.join(where)}"
        " ORDER BY c.last_name, c.first_name, c.id LIMIT ?"
    )
    rows = ws.store.conn.execute(sql, (*params, limit)).fetchall()
    return [ClientRow(*row) for row in rows]


def _name_matches(ws: Workspace, fts: str) -> int:
    """How many clients' names match, counted up to BROAD_MATCH + 1 (cheap to stop early)."""
    return ws.store.conn.execute(
        "SELECT count(*) FROM (SELECT rowid FROM clients_fts WHERE clients_fts MATCH ? LIMIT ?)",
        (fts, BROAD_MATCH + 1),
    ).fetchone()[0]


def filter_options(ws: Workspace) -> dict[str, list[str]]:
    """The values present for each filter (programmes, owners, municipalities, statuses)."""
    conn = ws.store.conn
    out: dict[str, list[str]] = {"status": [s.value for s in ClientStatus]}
    for column in ("programme", "owner", "municipality"):
        rows = conn.execute(
            f"SELECT DISTINCT {column} FROM clients WHERE {column} IS NOT NULL"
            f" AND {LIVE} ORDER BY {column}"
        ).fetchall()
        out[column] = [r[0] for r in rows]
    team = {r[0] for r in conn.execute(f"SELECT DISTINCT member FROM client_team WHERE {LIVE}")}
    out["owner"] = sorted(set(out["owner"]) | team)  # a co-worker picks "my clients" too
    return out


def count_clients(ws: Workspace) -> int:
    return ws.store.conn.execute(f"SELECT count(*) FROM clients WHERE {LIVE}").fetchone()[0]


def _row_dict(ws: Workspace, table: str, row_id: str) -> dict[str, Any] | None:
    cur = ws.store.conn.execute(f"SELECT * FROM {table} WHERE id = ? AND {LIVE}", (row_id,))
    row = cur.fetchone()
    if row is None:
        return None
    names = [d[0] for d in cur.description]
    return {k: v for k, v in zip(names, row, strict=True) if not k.startswith("_")}


def get_client(ws: Workspace, client_id: str) -> Client:
    """One client (view_client, and the client's scope must be the device's)."""
    require(ws, "view_client")
    row = _row_dict(ws, "clients", client_id)
    if row is None:
        raise ClientError("not_found", "no such client")
    require_scope(ws, row.get("scope"))
    row["consent"] = bool(row.get("consent"))
    return Client.model_validate(row)


def find_by_henkilotunnus(ws: Workspace, henkilotunnus: str) -> str | None:
    row = ws.store.conn.execute(
        f"SELECT id FROM clients WHERE henkilotunnus = ? AND {LIVE}", (henkilotunnus.upper(),)
    ).fetchone()
    return None if row is None else row[0]


def create_client(ws: Workspace, **fields: Any) -> Client:
    """Validate and insert a client (a henkilötunnus must be unique); audited."""
    require(ws, "edit_client")
    fields.setdefault("scope", ws.config.scope)
    check_phone(fields)
    client = Client.model_validate(fields)
    require_scope(ws, client.scope)
    if client.henkilotunnus and find_by_henkilotunnus(ws, client.henkilotunnus):
        raise ClientError("duplicate_hetu", "a client with this henkilötunnus exists")
    with ws.store.replica.transaction(ws.user) as tx:
        tx.insert("clients", client.to_row())
        audit_in(tx, ws, "create", "clients", client.id, scope=client.scope)
    return client


def update_client(ws: Workspace, client_id: str, **changes: Any) -> Client:
    """Correct a client's fields: the whole record is validated again as on creation, a
    henkilötunnus stays unique among live clients, and only the columns that change are
    written, in one transaction with an audit event naming them (no values).

    Raises ClientError (one line, no personal data) or PermissionDenied; an erased, deleted
    or unknown client is "not_found"."""
    require(ws, "edit_client")
    current = get_client(ws, client_id)  # a live row, in this person's scopes
    updated = validated(merged_for_update(current, changes))
    if updated.henkilotunnus and updated.henkilotunnus != current.henkilotunnus:
        other = find_by_henkilotunnus(ws, updated.henkilotunnus)
        if other and other != client_id:
            raise ClientError(
                "duplicate_hetu", "a client with this henkilötunnus exists", "henkilotunnus"
            )
    new_row, old_row = updated.to_row(), current.to_row()
    diff = {k: v for k, v in new_row.items() if v != old_row.get(k)}
    if not diff:
        return updated
    with ws.store.replica.transaction(ws.user) as tx:
        changed = tx.update("clients", client_id, diff)
        if changed:
            audit_in(tx, ws, "change", "clients", client_id, ",".join(changed), current.scope)
    return updated


def set_status(ws: Workspace, client_id: str, status: str) -> Client:
    return update_client(ws, client_id, status=ClientStatus(status).value)


def add_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def record_exit(ws: Workspace, client_id: str, *, exit_date: date, outcome: str) -> Client:
    """Exit with an outcome: the client is finished; checks at 28 days and 6 months are due."""
    require(ws, "edit_client")
    require(ws, "record_outcome")
    outcome = Outcome(outcome).value
    current = get_client(ws, client_id)
    if current.entry_date and exit_date < current.entry_date:
        raise ClientError("exit_before_entry", "exit date is before the entry date")
    checks = [
        (OutcomeCheck.EXIT, exit_date, exit_date, outcome),
        (OutcomeCheck.DAYS_28, exit_date.fromordinal(exit_date.toordinal() + 28), None, None),
        (OutcomeCheck.MONTHS_6, add_months(exit_date, 6), None, None),
    ]
    with ws.store.replica.transaction(ws.user) as tx:
        changed = tx.update(
            "clients",
            client_id,
            {"status": ClientStatus.FINISHED.value, "exit_date": exit_date, "outcome": outcome},
        )
        existing = {
            r[0]: r[1]
            for r in tx.conn.execute(
                f"SELECT checkpoint, id FROM outcomes WHERE client_id = ? AND {LIVE}",
                (client_id,),
            )
        }
        for checkpoint, due, checked, value in checks:
            values = {
                "client_id": client_id,
                "checkpoint": checkpoint.value,
                "due_on": due,
                "checked_on": checked,
                "outcome": value,
                "scope": current.scope,
            }
            if checkpoint.value in existing:
                values.pop("client_id")
                tx.update("outcomes", existing[checkpoint.value], values)
            else:
                tx.insert("outcomes", values)
        audit_in(tx, ws, "change", "clients", client_id, ",".join(changed) or "exit", current.scope)
    return get_client(ws, client_id)


def record_outcome_check(ws: Workspace, outcome_id: str, *, outcome: str, checked_on: date) -> None:
    """The outcome found at a follow-up check (28 days or 6 months after exit)."""
    require(ws, "record_outcome")
    outcome = Outcome(outcome).value
    row = _row_dict(ws, "outcomes", outcome_id)
    if row is None:
        raise ClientError("not_found", "no such outcome check")
    require_scope(ws, row.get("scope"))
    with ws.store.replica.transaction(ws.user) as tx:
        tx.update("outcomes", outcome_id, {"outcome": outcome, "checked_on": checked_on})
        audit_in(tx, ws, "change", "clients", row["client_id"], "outcome", row["scope"])


def outcomes_of(ws: Workspace, client_id: str) -> list[dict[str, Any]]:
    require(ws, "view_client")
    rows = ws.store.conn.execute(
        f"SELECT id, checkpoint, due_on, checked_on, outcome FROM outcomes"
        f" WHERE client_id = ? AND {LIVE} ORDER BY due_on",
        (client_id,),
    ).fetchall()
    keys = ("id", "checkpoint", "due_on", "checked_on", "outcome")
    return [dict(zip(keys, r, strict=True)) for r in rows]


@dataclass
class ClientCard:
    """Everything the one-screen summary shows."""

    client: Client
    eligibility: Eligibility
    age: int | None
    months_unemployed: int | None
    plan: dict[str, Any] | None
    steps: list[dict[str, Any]] = field(default_factory=list)
    vouchers: list[dict[str, Any]] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)
    assessment: dict[str, Any] | None = None
    placements: list[dict[str, Any]] = field(default_factory=list)
    outcomes: list[dict[str, Any]] = field(default_factory=list)
    has_draft: bool = False  # an unsaved note is waiting (autosaved draft)


def vouchers_of(ws: Workspace, client_id: str) -> list[dict[str, Any]]:
    """A client's vouchers with the service's name, newest first."""
    rows = ws.store.conn.execute(
        "SELECT v.number, v.service_code, s.name, v.value_cents, v.valid_until, v.status,"
        " v.provider_id FROM vouchers v LEFT JOIN services s ON s.code = v.service_code"
        " AND s._deleted IS NULL WHERE v.client_id = ? AND v._deleted IS NULL"
        " AND v._erased IS NULL ORDER BY v.issued_on DESC, v.number DESC",
        (client_id,),
    ).fetchall()
    keys = (
        "number",
        "service_code",
        "service",
        "value_cents",
        "valid_until",
        "status",
        "provider_id",
    )
    return [dict(zip(keys, r, strict=True)) for r in rows]


def client_card(ws: Workspace, client_id: str, *, today: date, view: bool = True) -> ClientCard:
    """The card's data; a view is audited (the card shows personal data).

    A role that may not read notes (a coordinator) gets the card without notes, plan,
    assessment or draft: the summary and placements are what a placement follow-up needs."""
    from kenttä.services.clients import assessments, drafts, notes, plans
    from kenttä.services.employers import placements

    client = get_client(ws, client_id)
    casework = may(ws, "view_notes")
    eligibility = client_eligibility(client, today)
    plan, steps = plans.plan_of(ws, client_id) if casework else (None, [])
    card = ClientCard(
        client=client,
        eligibility=eligibility,
        age=age_on(client.birth_date, today) if client.birth_date else None,
        months_unemployed=(
            months_between(client.unemployed_since, today) if client.unemployed_since else None
        ),
        plan=plan,
        steps=steps,
        vouchers=vouchers_of(ws, client_id),
        notes=notes.list_notes(ws, client_id, limit=3) if casework else [],
        assessment=assessments.latest(ws, client_id) if casework else None,
        placements=placements.for_client(ws, client_id),
        outcomes=outcomes_of(ws, client_id),
        has_draft=casework and drafts.load_draft(ws, drafts.note_key(client_id)) is not None,
    )
    if view:
        audit(ws, "view", "clients", client_id, "card", client.scope)
    return card
