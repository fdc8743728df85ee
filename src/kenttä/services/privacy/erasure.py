"""Erasure of a person and the retention rule that applies it (issue 8, §5–6).

`erase_client` asks the sync module to erase the client row (`Transaction.erase`): it blanks
the personal columns of the client and of every row erased with it (notes, assessments,
plans, placements, vouchers, outcomes, feedback), scrubs the payloads in the change log and
logs an erase change that reaches every replica at the next sync. This module then makes
sure no byte of the old values survives on this device: drafts about the person are dropped,
the FTS indexes are optimised (old tokens otherwise linger in older segments), the WAL is
checkpointed and truncated, and the file is vacuumed so freed pages are gone.

The audit event of an erasure names only the client's id, the actor and the time.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from kenttä.services.context import Workspace
from kenttä.services.privacy.audit import audit_in
from kenttä.services.roles import require
from kenttä.store.db import StoreError

FTS_INDEXES = ("notes_fts", "clients_fts")  # the ones that index personal columns


class ErasureError(ValueError):
    """An erasure that cannot be made; the message never names the person, `code` names the
    reason for the screens' catalogue."""

    def __init__(self, message: str, *, code: str = "erase_refused") -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class RetentionCandidate:
    """A client whose relationship ended longer ago than the retention rule allows."""

    client_id: str
    scope: str | None
    exit_date: str


def erasure_available(ws: Workspace) -> bool:
    """Whether the sync module in use can erase (Transaction.erase)."""
    from kenttä_sync.device import Transaction

    return hasattr(Transaction, "erase")


def _client_state(ws: Workspace, client_id: str) -> tuple[str | None, str | None] | None:
    row = ws.store.conn.execute(
        "SELECT scope, _erased FROM clients WHERE id = ?", (client_id,)
    ).fetchone()
    return None if row is None else (row[0], row[1])


def erase_client(ws: Workspace, client_id: str, *, compact: bool = True) -> bool:
    """Erase one client everywhere (supervisors only). False when already erased.

    With compact=False the caller runs `compact(ws)` once after a batch (see `purge`).
    """
    require(ws, "erase_client")
    if not erasure_available(ws):
        raise ErasureError(
            "this version of the sync module cannot erase yet", code="erase_unsupported"
        )
    state = _client_state(ws, client_id)
    if state is None:
        raise ErasureError("no client with that id", code="no_client")
    scope, erased = state
    if erased is not None:
        return False
    ws.store.conn.execute("PRAGMA secure_delete = ON")
    with ws.store.replica.transaction(ws.user) as tx:
        tx.erase("clients", client_id)  # type: ignore[attr-defined]
        audit_in(tx, ws, "erase", "clients", client_id, scope=scope)
    drop_drafts(ws, client_id)
    if compact:
        compact_store(ws.store.conn)
    return True


def drop_drafts(ws: Workspace, client_id: str) -> int:
    """Remove local drafts written about the client (keys `note:<client id>…`)."""
    cur = ws.store.conn.execute(
        "DELETE FROM drafts WHERE key = ? OR key LIKE ?", (f"note:{client_id}", f"%:{client_id}%")
    )
    return cur.rowcount


def compact_store(conn: sqlite3.Connection) -> bool:
    """Leave no freed page, WAL frame or FTS segment holding erased values.

    Returns False when another connection keeps the database busy (VACUUM needs it alone):
    the erasure itself is done and synced; `compaction_pending()` then says so until a later
    compaction (the next erase, purge, or the app closing) succeeds.
    """
    if conn.in_transaction:
        raise StoreError("cannot compact the database inside a transaction")
    for index in FTS_INDEXES:
        exists = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (index,)
        ).fetchone()
        if exists:
            conn.execute(f"INSERT INTO {index} ({index}) VALUES ('optimize')")
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("VACUUM")
        busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    except sqlite3.OperationalError:
        busy = 1
    _set_pending(conn, bool(busy))
    return not busy


def _set_pending(conn: sqlite3.Connection, pending: bool) -> None:
    if pending:
        conn.execute(
            "INSERT OR REPLACE INTO _sync_state (key, value) VALUES ('compact_pending', '1')"
        )
    else:
        conn.execute("DELETE FROM _sync_state WHERE key = 'compact_pending'")


def compaction_pending(ws: Workspace) -> bool:
    """True when an erasure's compaction could not finish (run compact_store again)."""
    return ws.store.replica.state("compact_pending") is not None


@contextmanager
def compact_after_erasures(ws: Workspace) -> Iterator[list[tuple[str, str]]]:
    """Around a sync pull or a reply-bundle import: erasures that arrive are finished here.

    While the block runs, the replica's `on_erase` hook collects every erased row (and drops
    local drafts about erased clients); afterwards, if anything was erased, the store is
    compacted (`compact_store`), even when the sync failed after committing some batches.
    Yields the list of (table, row id) erased so far.
    """
    replica = ws.store.replica
    previous = replica.on_erase
    erased: list[tuple[str, str]] = []

    def hook(table: str, row_id: str) -> None:
        erased.append((table, row_id))
        if table == "clients":
            drop_drafts(ws, row_id)
        if previous is not None:
            previous(table, row_id)

    replica.on_erase = hook
    try:
        yield erased
    finally:
        replica.on_erase = previous
        if erased and not ws.store.conn.in_transaction:
            compact_store(ws.store.conn)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def retention_cutoff(ws: Workspace, today: date) -> date:
    """Relationships that ended before this day are past the retention rule."""
    return _years_before(today, ws.config.retention_years)


def retention_candidates(ws: Workspace, today: date) -> list[RetentionCandidate]:
    """Clients not yet erased whose exit date is older than `retention_years` before today.

    A client with no exit date has not ended the relationship and is never a candidate.
    """
    cutoff = retention_cutoff(ws, today).isoformat()
    rows = ws.store.conn.execute(
        "SELECT id, scope, exit_date FROM clients"
        " WHERE _erased IS NULL AND exit_date IS NOT NULL AND exit_date < ?"
        " ORDER BY exit_date, id",
        (cutoff,),
    ).fetchall()
    return [RetentionCandidate(r[0], r[1], r[2]) for r in rows]


def purge(ws: Workspace, today: date, *, dry_run: bool = True) -> list[RetentionCandidate]:
    """Apply the retention rule: erase every candidate (or only list them with dry_run)."""
    require(ws, "purge")
    candidates = retention_candidates(ws, today)
    if dry_run or not candidates:
        return candidates
    require(ws, "erase_client")
    for candidate in candidates:
        erase_client(ws, candidate.client_id, compact=False)
    compact_store(ws.store.conn)
    return candidates
