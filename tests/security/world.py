"""The world the malicious-device suite attacks: a central store, a real `kenttä server run`
process, honest laptops in two scopes with data made through kenttä's services, and one
attacker credential per role enrolled in scope A.

Written from the issue (12), DESIGN.md §4 point 12 and `kenttä.services.roles`, never from the
server's checks: what a role may write is decided here (`may_write`), what the server does is
only observed through the central store's rows (`Snapshot`).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx

from tests.security.judge import (
    ROLES,
    SCOPE_A,
    SCOPE_B,
    Snapshot,
    _rollback,
    exists,
    schema,
    snapshot,
)
from tests.transport.helpers import Server, workspace

TODAY = date(2026, 3, 2)
STATUS_TIMEOUT = 1.0  # the issue: the server answers /v1/status within a second
REQUEST_TIMEOUT = 10.0  # an attack request that takes longer holds a worker (a finding)


# -- laptops -------------------------------------------------------------------------------
@dataclass
class Laptop:
    """A real kenttä replica on disk, enrolled with the office through kenttä's services."""

    name: str
    path: Path
    scope: str
    role: str
    ws: Any = None
    device_id: str = ""
    secret: str = field(default="", repr=False)
    made: dict[str, list[str]] = field(default_factory=dict)

    def __repr__(self) -> str:  # never the secret (hypothesis prints its arguments)
        return f"<laptop {self.name} {self.role} in {self.scope}>"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))

    def open(self) -> Laptop:
        self.ws = workspace(self.path, user=f"testi.{self.name}", scope=self.scope)
        self.ws.config.role = self.role  # before enrolment; the enrolled role counts after
        return self

    def enroll(self, url: str, code: str) -> None:
        from kenttä.services.sync import client as sync_client

        done = sync_client.enroll(self.ws, url, code)
        self.device_id, self.secret = done.device_id, done.secret

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.device_id}.{self.secret}"}

    def sync(self) -> Any:
        from kenttä.services.sync import client as sync_client

        # verify=False: plain http on loopback; spares loading the CA bundle on every sync
        return sync_client.sync(self.ws, retries=0, timeout=REQUEST_TIMEOUT, verify=False)

    def refused(self) -> list[dict[str, Any]]:
        from kenttä.services.sync import client as sync_client

        return sync_client.refused(self.ws)

    def write_client_and_note(self, n: int) -> tuple[str, str]:
        """A new client and a note on it, through the services (the everyday write)."""
        from kenttä.services.clients.core import create_client
        from kenttä.services.clients.notes import add_note

        client = create_client(self.ws, first_name=f"Testi{n}", last_name="Rehellinen")
        note = add_note(self.ws, client.id, f"tapaaminen {n}")
        self.made.setdefault("clients", []).append(client.id)
        return client.id, note.id

    def last_seq(self) -> int:
        row = self.ws.store.conn.execute(
            "SELECT COALESCE(MAX(device_seq), 0) FROM _changes WHERE device_id = ?",
            (self.device_id,),
        ).fetchone()
        return int(row[0])

    def read_every_client(self) -> int:
        """Open every live client of the laptop as the app does (get_client); returns how many."""
        from kenttä.services.clients.core import get_client

        ids = [
            r[0]
            for r in self.ws.store.conn.execute(
                "SELECT id FROM clients WHERE _deleted IS NULL AND _erased IS NULL"
            )
        ]
        for client_id in ids:
            get_client(self.ws, client_id)
        return len(ids)

    def close(self) -> None:
        if self.ws is not None:
            self.ws.close()
            self.ws = None


def seed_scope(laptop: Laptop, n: int) -> None:
    """Clients (one with a synthetic henkilötunnus), a note, an assessment, a plan-free
    employer with a visit and a placement, and a voucher, all through kenttä's services."""
    from kenttä.services.clients.assessments import save_assessment
    from kenttä.services.clients.core import create_client
    from kenttä.services.clients.notes import add_note
    from kenttä.services.data.seed import seeded_henkilotunnus
    from kenttä.services.employers.core import create_employer
    from kenttä.services.employers.placements import add_placement
    from kenttä.services.employers.visits import log_visit
    from kenttä.services.vouchers.budgets.share import apply_grant
    from kenttä.services.vouchers.core import issue_voucher
    from kenttä.services.vouchers.tray import ensure_service_tray

    ws = laptop.ws
    hetu, _, _ = seeded_henkilotunnus(n)
    programme = "TOPI" if laptop.scope == SCOPE_A else "POLKU"
    first = create_client(ws, first_name="Testi", last_name=f"Asiakas{n}", henkilotunnus=hetu,
                          phone="040 0000000", programme=programme, status="met")  # fmt: skip
    second = create_client(ws, first_name="Toinen", last_name=f"Asiakas{n}", benefit_days=12,
                           programme=programme)  # fmt: skip
    add_note(ws, first.id, f"ensimmäinen tapaaminen {n}")
    save_assessment(ws, first.id, assessed_on=TODAY, ratings={"skills": 3}, strengths="ahkera")
    employer = create_employer(ws, name=f"Testi Oy {n}")
    log_visit(ws, employer_id=employer.id, visited_on=TODAY, purpose="first_contact")
    add_placement(ws, client_id=second.id, employer_id=employer.id, kind="work_trial",
                  start_date=TODAY)  # fmt: skip
    ensure_service_tray(ws)
    apply_grant(ws, grant_id=f"g-{laptop.name}", budget_id=f"budget-{programme}",
                programme=programme, period_start=date(2026, 1, 1),
                period_end=date(2026, 12, 31), granted_cents=1_000_000, source="rule")  # fmt: skip
    issue_voucher(ws, client_id=first.id, service_code="digital_job_search", today=TODAY)
    laptop.made["clients"] = [first.id, second.id]


# -- the world -------------------------------------------------------------------------------
@dataclass
class World:
    backend: str
    store_url: str
    folder: Path
    server: Server
    central: Any
    honest: dict[str, Laptop]
    attackers: dict[str, Laptop]
    aux: list[Laptop]
    written: int = 0
    broken: str | None = None
    http: httpx.Client = field(default_factory=lambda: httpx.Client(verify=False))
    findings: dict[str, str] = field(default_factory=dict)  # test id -> its first finding

    def __repr__(self) -> str:
        return f"<world {self.backend}>"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))

    @property
    def url(self) -> str:
        return self.server.url

    def status(self, laptop: Laptop) -> dict[str, Any]:
        """GET /v1/status with a one-second client timeout (raises on a timeout)."""
        answer = self.http.get(f"{self.url}/v1/status", headers=laptop.auth, timeout=STATUS_TIMEOUT)
        assert answer.status_code == 200, f"/v1/status answered {answer.status_code}"
        return answer.json()

    def snapshot(self, attacker: Laptop) -> Snapshot:
        return snapshot(self.central, attacker.device_id)

    def honest_round(self) -> list[str]:
        """Every honest laptop writes a client and a note, syncs (pushing them, pulling what
        came in), opens every client it holds and writes again after the pull (a pulled change
        that poisons the log fails here). Returns what went wrong (one line each)."""
        problems: list[str] = []
        for laptop in self.honest.values():
            step = "write"
            try:
                refused = len(laptop.refused())
                self.written += 1
                client_id, note_id = laptop.write_client_and_note(self.written)
                step = "sync"
                laptop.sync()
                for table, row_id in (("clients", client_id), ("notes", note_id)):
                    if not exists(self.central, table, row_id):
                        problems.append(f"{laptop.name}: its new {table} row never reached "
                                        "the office")  # fmt: skip
                step = "open every client"
                laptop.read_every_client()
                step = "write after the pull"
                self.written += 1
                laptop.write_client_and_note(self.written)
                if len(laptop.refused()) != refused:
                    problems.append(f"{laptop.name}: the office refused an honest write")
            except Exception as exc:
                problems.append(f"{laptop.name}: {step} failed: {type(exc).__name__}: "
                                f"{str(exc).splitlines()[0][:160] if str(exc) else ''}")  # fmt: skip
        return problems

    def check_alive(self) -> list[str]:
        problems = []
        for laptop in self.honest.values():
            try:
                self.status(laptop)
            except Exception as exc:
                problems.append(f"/v1/status for {laptop.name}: {type(exc).__name__}")
        return problems

    def close(self) -> None:
        for laptop in [*self.honest.values(), *self.attackers.values(), *self.aux]:
            laptop.close()
        with contextlib.suppress(Exception):
            self.central.close()
        self.http.close()
        self.server.stop()


def _new_code(central: Any, scopes: list[str], role: str) -> str:
    from kenttä_sync.transport.server import enrolment

    return enrolment.new_code(central, scopes, role)


def build_world(backend: str, store_url: str, folder: Path) -> World:
    from kenttä_sync.transport.server.stores import open_central

    folder.mkdir(parents=True, exist_ok=True)
    central = open_central(store_url, schema(), install=True)
    server = Server(store_url, log=folder / "server.log").start()
    laptops: list[Laptop] = []
    try:
        honest = {
            "a": Laptop("honest_a", folder / "honest_a.db", SCOPE_A, "coach").open(),
            "b": Laptop("honest_b", folder / "honest_b.db", SCOPE_B, "coach").open(),
        }
        attackers = {
            role: Laptop(f"attacker_{role}", folder / f"attacker_{role}.db", SCOPE_A, role).open()
            for role in ROLES
        }
        laptops = [*honest.values(), *attackers.values()]
        for laptop in laptops:
            laptop.enroll(server.url, _new_code(central, [laptop.scope], laptop.role))
        _rollback(central)
        for n, laptop in enumerate(honest.values()):
            seed_scope(laptop, 10 + n)
        for laptop in laptops:
            laptop.sync()
        world = World(backend, store_url, folder, server, central, honest, attackers, [])
        problems = world.honest_round() + world.check_alive()
        assert not problems, f"the world does not work before any attack: {problems}"
        return world
    except BaseException:
        for laptop in laptops:
            laptop.close()
        central.close()
        server.stop()
        raise
