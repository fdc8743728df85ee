"""A small deterministic caseload for UI and service tests (synthetic; henkilötunnus 900–999).

Names are unique, dates are fixed relative to TODAY, so lists and snapshots do not move.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from kenttä.domain.identifiers import CHECK_CHARACTERS
from kenttä.domain.models import Provider, Service
from kenttä.services.clients import assessments, notes, plans
from kenttä.services.clients import core as clients
from kenttä.services.context import Workspace
from kenttä.services.employers import core as employers
from kenttä.services.employers import placements, visits

TODAY = date(2026, 3, 16)

FIRST = ["Aino", "Eero", "Helmi", "Ilkka", "Kaisa", "Lauri", "Minna", "Oskari", "Pirjo", "Sami"]
LAST = ["Heikkinen", "Korhonen", "Laitinen", "Mäkelä", "Nieminen", "Ojala", "Pesonen", "Rantanen"]


def synthetic_hetu(day: date, individual: int) -> str:
    """A henkilötunnus with a temporary individual number (900–999) and a correct check."""
    assert 900 <= individual <= 999
    sign = "-" if day.year < 2000 else "A"
    base = f"{day:%d%m}{day.year % 100:02d}"
    check = CHECK_CHARACTERS[int(f"{base}{individual:03d}") % 31]
    return f"{base}{sign}{individual:03d}{check}"


def build_caseload(ws: Workspace, *, today: date = TODAY, clients_count: int = 24) -> dict:
    """Clients with notes, plans, an assessment; employers with visits; a service tray."""
    ids: dict = {"clients": [], "employers": []}
    with ws.store.replica.transaction(ws.user) as tx:
        for code, name, cents in (
            ("VALM", "Yksilövalmennus", 120_000),
            ("KOUL", "Työhönvalmennus", 80_000),
        ):
            tx.insert(
                "services",
                Service(
                    code=code,
                    name=name,
                    category="valmennus",
                    default_value_cents=cents,
                    scope="shared",
                ).to_row(),
            )
        tx.insert(
            "providers",
            Provider(
                y_tunnus="0171450-7", name="Valmennus Oy", services=["VALM", "KOUL"], scope="shared"
            ).to_row(),
        )
    for i in range(clients_count):
        first, last = FIRST[i % len(FIRST)], LAST[i % len(LAST)]
        if i >= len(LAST):
            last = f"{last}-{LAST[(i // len(LAST)) % len(LAST)]}"
        birth = date(1970 + i % 25, 1 + i % 12, 1 + i % 27)
        client = clients.create_client(
            ws,
            first_name=first,
            last_name=last,
            henkilotunnus=synthetic_hetu(birth, 900 + i),
            municipality="297" if i % 3 else "749",
            programme="TOPI" if i % 2 else "KUOPIO",
            status=["contacted", "met", "participating", "participating"][i % 4],
            owner="testi.valmentaja" if i % 3 else "toinen.valmentaja",
            unemployed_since=today - timedelta(days=400 + 10 * i),
            benefit_days=300 + 20 * i,
            entry_date=today - timedelta(days=60),
            phone=f"040 000 {i:04d}",
        )
        ids["clients"].append(client.id)
        for n in range(3):
            notes.add_note(
                ws,
                client.id,
                f"Tapaaminen {n + 1}: keskusteltiin työnhausta ja hitsauskurssista {i}.",
                now=datetime(2026, 3, 1 + n * 4, 9, 30, tzinfo=UTC),
            )
        if i % 2 == 0:
            plans.save_plan(ws, client.id, goal="Palkkatuettu työ kevään aikana", today=today)
            plans.add_step(
                ws,
                client.id,
                description="Ansioluettelon päivitys",
                due_date=today + timedelta(days=i % 5),
                today=today,
            )
        if i % 4 == 0:
            assessments.save_assessment(
                ws,
                client.id,
                assessed_on=today - timedelta(days=30),
                ratings={"work_ability": 2, "motivation": 5, "skills": 4},
                assessors=["valmentaja"],
            )
    for j, (name, yt) in enumerate(
        [
            ("Kuopion Konepaja Oy", "0174666-4"),
            ("Savon Siivous Oy", None),
            ("Tervon Puutyö Ky", None),
            ("Vesannon Vihannes Oy", None),
        ]
    ):
        employer = employers.create_employer(
            ws,
            name=name,
            y_tunnus=yt,
            municipality="297",
            sponsor=j == 0,
            contact_name="Yhteyshenkilö Testi",
            network_since=date(2025, 1, 1),
        )
        ids["employers"].append(employer.id)
        visits.log_visit(
            ws,
            employer_id=employer.id,
            visited_on=today - timedelta(days=40 + j),
            purpose="needs_analysis",
            labour_needs=visits.parse_needs("hitsaaja 2", long_term=False),
            next_contact=today + timedelta(days=j * 5 - 2),
        )
    if clients_count < 4:
        return ids
    placements.add_placement(
        ws,
        client_id=ids["clients"][2],
        employer_id=ids["employers"][0],
        kind="work_trial",
        start_date=today - timedelta(days=45),
    )
    clients.record_exit(ws, ids["clients"][3], exit_date=today - timedelta(days=30), outcome="job")
    return ids


def grant_budget(ws: Workspace, programme: str = "TOPI") -> None:
    """Voucher money for a programme (the voucher service charges issues to it)."""
    from kenttä.services.vouchers.budgets import share as voucher_budget

    voucher_budget.apply_grant(
        ws,
        grant_id=f"grant-{programme}",
        budget_id=f"budget-{programme}",
        programme=programme,
        period_start="2026-01-01",
        period_end="2026-12-31",
        granted_cents=10_000_000,
    )
