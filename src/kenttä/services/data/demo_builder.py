"""The demo builder, part 1: the service tray, providers, employers and their visits."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from kenttä.domain import models as m
from kenttä.domain.codes import (
    PlacementKind,
    VisitPurpose,
)
from kenttä.domain.identifiers import municipality_by_name
from kenttä.services.data import synthetic as syn
from kenttä.services.data.demo_data import (
    PROVIDERS,
    REGIONS,
    SERVICES,
    WEIGHTS,
)
from kenttä.store.db import Store
from kenttä.store.schema import SCHEMA

# the demo's occupations (synthetic.OCCUPATIONS) in ammattiluokitus 2010
DEMO_OCCUPATIONS = {
    "siivooja": "911", "varastotyöntekijä": "933", "kokki": "512", "lähihoitaja": "532",
    "hitsaaja": "721", "rakennusmies": "711", "myyjä": "522", "kuljettaja": "833",
    "kiinteistönhoitaja": "515", "hoiva-avustaja": "532", "matkailupalvelujen työntekijä": "511",
    "puuseppä": "752",
}  # fmt: skip


def _weighted(rng: random.Random, weights: dict[Any, int]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _at(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(rng.randrange(8, 16), rng.choice((0, 15, 30, 45))), UTC)


class BuilderBase:
    def __init__(self, store: Store, seed: int, today: date, clients: int) -> None:
        self.store = store
        self.rng = random.Random(seed)
        self.today = today
        self.n_clients = clients
        self.rows: dict[str, list[dict[str, Any]]] = {name: [] for name in SCHEMA.table_names}
        self.used_hetu: set[str] = set()
        self.used_ytunnus: set[str] = set()

    def days_ago(self, low: int, high: int) -> date:
        return self.today - timedelta(days=self.rng.randint(low, high))

    def add(self, table: str, record: m.Record) -> m.Record:
        self.rows[table].append(record.to_row())
        return record

    # -- the service tray, providers, employers -------------------------------------------
    def tray(self) -> list[m.Provider]:
        for code, name, category, cents in SERVICES:
            self.add(
                "services",
                m.Service(
                    code=code,
                    name=name,
                    category=category,
                    default_value_cents=cents,
                    scope="shared",
                ),
            )
        return [
            self.add(
                "providers",
                m.Provider(
                    y_tunnus=self.ytunnus(), name=name, services=list(codes), scope="shared"
                ),
            )
            for name, codes in PROVIDERS
        ]

    def ytunnus(self) -> str:
        while (code := syn.y_tunnus(self.rng)) in self.used_ytunnus:
            pass
        self.used_ytunnus.add(code)
        return code

    def employers(self, count: int) -> list[m.Employer]:
        rng, result = self.rng, []
        towns = list(REGIONS)
        for i in range(count):
            town = towns[i % len(towns)] if i < len(towns) else rng.choices(towns, WEIGHTS)[0]
            name, industry = syn.company_name(rng)
            first, last = syn.person_name(rng, rng.random() < 0.5)
            employer = self.add(
                "employers",
                m.Employer(
                    y_tunnus=self.ytunnus(),
                    name=name,
                    industry=industry,
                    municipality=municipality_by_name(town),
                    contact_name=f"{first} {last}",
                    contact_phone=syn.phone(rng),
                    contact_email=f"{syn.ascii_fold(first)}.{syn.ascii_fold(last)}@example.fi",
                    network_since=self.days_ago(30, 900),
                    sponsor=rng.random() < 0.15,
                    scope=REGIONS[town][0],
                ),
            )
            result.append(employer)
            self.visits(employer)
        return result

    def visits(self, employer: m.Employer) -> None:
        rng = self.rng
        count = rng.randint(1, 3)
        days = sorted((self.days_ago(3, 240) for _ in range(count)), reverse=False)
        for n, day in enumerate(days):
            last = n == count - 1
            needs = rng.sample(syn.OCCUPATIONS, rng.randint(0, 2))
            purpose = VisitPurpose.FIRST_CONTACT if n == 0 else rng.choice(list(VisitPurpose))
            visit = self.add(
                "visits",
                m.Visit(
                    employer_id=employer.id,
                    visited_on=day,
                    purpose=purpose,
                    visitors=[rng.choice(("tiina.mattila", "olli.karjalainen"))],
                    programme=rng.choice(("TOPI", "KUOPIO")),
                    openings=rng.sample(list(PlacementKind), rng.randint(0, 2)),
                    next_contact=self.today + timedelta(days=rng.randint(-3, 21)) if last else None,
                    notes=rng.choice(
                        (
                            "Tarvetta kesätyöntekijöille.",
                            "Kiinnostunut työkokeilijoista.",
                            "Yhteyshenkilö vaihtuu keväällä.",
                            "",
                        )
                    ),
                    scope=employer.scope,
                ),
            )
            self.needs(visit, needs)  # type: ignore[arg-type]

    def needs(self, visit: m.Visit, picked: list[tuple[str, str]]) -> None:
        """The needs of a demo visit as records (issue 16)."""
        rng = self.rng
        licences = {"hygieniapassi": ["hygiene_pass"], "trukkikortti": ["forklift"],
                    "työturvallisuuskortti": ["safety_card"], "C-ajokortti": ["driving_c"],
                    "ensiapukortti": ["first_aid"]}  # fmt: skip
        for occupation, skills in picked:
            self.add(
                "labour_needs",
                m.Need(
                    employer_id=visit.employer_id,
                    occupation=DEMO_OCCUPATIONS[occupation],
                    title=occupation,
                    headcount=rng.randint(1, 4),
                    term="long" if rng.random() < 0.4 else "short",
                    licences=licences.get(skills, []),
                    skills="" if skills in licences else skills,
                    starts_on=visit.visited_on + timedelta(days=rng.randint(14, 300)),
                    status="open" if rng.random() < 0.7 else "filled",
                    recorded_on=visit.visited_on,
                    visit_id=visit.id,
                    programme=visit.programme,
                    scope=visit.scope,
                ),
            )

    # -- clients and what hangs on them ----------------------------------------------------
