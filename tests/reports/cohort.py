"""Synthetic cohorts with known answers, written through the models and a Transaction.

Henkilötunnus, when used, carry individual numbers 900–999 only (synthetic).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from kenttä.domain import models as m
from kenttä.services.context import Workspace

PERIOD_START = date(2024, 1, 1)
PERIOD_END = date(2024, 12, 31)


def hetu(birth: date, individual: int, female: bool) -> str:
    """A synthetic henkilötunnus (individual number 900–999; parity gives the sex)."""
    assert 900 <= individual <= 999
    if (individual % 2 == 0) != female:
        individual += 1 if individual < 999 else -1
    century = {18: "+", 19: "-", 20: "A"}[birth.year // 100]
    digits = f"{birth:%d%m}{birth.year % 100:02d}{individual:03d}"
    check = "0123456789ABCDEFHJKLMNPRSTUVWXY"[int(digits) % 31]
    return f"{digits[:6]}{century}{digits[6:]}{check}"


class Cohort:
    """Writes records and remembers their ids by a test's own names."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.ids: dict[str, str] = {}
        self._n = 0

    def _insert(self, table: str, name: str, record: m.Record) -> str:
        with self.ws.store.replica.transaction(self.ws.user) as tx:
            tx.insert(table, record.to_row())
        self.ids[name] = record.id
        return record.id

    def client(self, name: str, **fields: Any) -> str:
        self._n += 1
        values: dict[str, Any] = {
            "first_name": "Testi",
            "last_name": f"Asiakas{self._n}",
            "programme": "TOPI",
            "status": "participating",
            "entry_date": date(2024, 3, 1),
            "birth_date": date(1980, 6, 15),
            "gender": "woman",
            "education": "isced_3_4",
            "labour_status": "unemployed",
        }
        values.update(fields)
        return self._insert("clients", name, m.Client(**values))

    def finished(self, name: str, outcome: str | None, **fields: Any) -> str:
        fields.setdefault("exit_date", date(2024, 9, 30))
        return self.client(name, status="finished", outcome=outcome, **fields)

    def employer(self, name: str, **fields: Any) -> str:
        values: dict[str, Any] = {"name": f"Testiyritys {name} Oy"}
        values.update(fields)
        return self._insert("employers", name, m.Employer(**values))

    def visit(self, name: str, employer: str, on: date, programme: str | None = None) -> str:
        record = m.Visit(employer_id=self.ids[employer], visited_on=on, programme=programme)
        return self._insert("visits", name, record)

    def placement(
        self,
        name: str,
        client: str,
        employer: str,
        start: date,
        end: date | None = None,
        programme: str | None = None,
    ) -> str:
        record = m.Placement(
            client_id=self.ids[client],
            employer_id=self.ids[employer],
            kind="work_trial",
            start_date=start,
            end_date=end,
            programme=programme,
        )
        return self._insert("placements", name, record)

    def voucher(
        self, name: str, client: str, service: str, cents: int, on: date, status: str = "issued"
    ) -> str:
        record = m.Voucher(
            number=f"TEST-{name}",
            client_id=self.ids[client],
            service_code=service,
            value_cents=cents,
            issued_on=on,
            valid_until=date(on.year + 1, 1, 31),
            status=status,
            issued_by="testi.valmentaja",
        )
        return self._insert("vouchers", name, record)

    def outcome(
        self,
        name: str,
        client: str,
        checkpoint: str,
        due_on: date,
        checked_on: date | None = None,
        outcome: str | None = None,
    ) -> str:
        record = m.OutcomeRecord(
            client_id=self.ids[client],
            checkpoint=checkpoint,
            due_on=due_on,
            checked_on=checked_on,
            outcome=outcome,
        )
        return self._insert("outcomes", name, record)

    def tombstone(self, table: str, name: str) -> None:
        with self.ws.store.replica.transaction(self.ws.user) as tx:
            tx.delete(table, self.ids[name])

    def erase(self, table: str, name: str) -> None:
        """Mark a row erased, as the erasure service leaves it."""
        self.ws.store.conn.execute(
            f"UPDATE {table} SET _erased = '2025-01-01T00:00:00Z' WHERE id = ?",
            (self.ids[name],),
        )

    def need(self, name: str, employer: str, on: date, programme: str | None = None) -> str:
        record = m.Need(
            employer_id=self.ids[employer], occupation="512", recorded_on=on, programme=programme
        )
        return self._insert("labour_needs", name, record)
