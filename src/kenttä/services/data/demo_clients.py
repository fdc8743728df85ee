"""The demo builder, part 2: clients and everything that hangs on them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from kenttä.domain import models as m
from kenttä.domain.codes import (
    AssessmentArea,
    ClientStatus,
    Disclosure,
    Education,
    LabourStatus,
    Language,
    NoteKind,
    Outcome,
    PlacementKind,
    ReferralSource,
    StepStatus,
    VoucherStatus,
)
from kenttä.domain.identifiers import municipality_by_name
from kenttä.services.data import synthetic as syn
from kenttä.services.data.demo_builder import BuilderBase, _at, _weighted
from kenttä.services.data.demo_data import (
    DEMO_USER,
    EXIT_CHECKPOINTS,
    FUNNEL_WEIGHTS,
    OUTCOME_WEIGHTS,
    REGIONS,
    SERVICES,
    WEIGHTS,
)
from kenttä.services.vouchers import device_code, format_number, programme_prefix


class DemoBuilder(BuilderBase):
    def person(self, town: str) -> dict[str, Any]:
        rng = self.rng
        female = rng.random() < 0.45
        first, last = syn.person_name(rng, female)
        birth = self.today - timedelta(days=rng.randint(20 * 365, 62 * 365))
        fields: dict[str, Any] = {"first_name": first, "last_name": last}
        if rng.random() < 0.9:
            while True:
                number = rng.randrange(900, 1000, 2) + (0 if female else 1)
                code = syn.henkilotunnus(birth, min(number, 999))
                if code not in self.used_hetu:
                    break
                birth -= timedelta(days=1)
            self.used_hetu.add(code)
            fields["henkilotunnus"] = code
        else:
            fields["birth_date"] = birth
        scope, postcodes, _, _ = REGIONS[town]
        fields.update(
            municipality=municipality_by_name(town),
            postal_code=rng.choice(postcodes),
            scope=scope,
            phone=syn.phone(rng),
            email=f"{syn.ascii_fold(first)}.{syn.ascii_fold(last)}{rng.randrange(10, 99)}@example.fi",
            language=Language.SV if rng.random() < 0.04 else Language.FI,
        )
        return fields

    def clients(self, employers: list[m.Employer], providers: list[m.Provider]) -> None:
        rng = self.rng
        towns = list(REGIONS)
        seq: dict[str, int] = {}
        device = device_code(self.store.conn)
        for _ in range(self.n_clients):
            town = rng.choices(towns, WEIGHTS)[0]
            _, _, programmes, coaches = REGIONS[town]
            status = _weighted(rng, FUNNEL_WEIGHTS)
            entry = self.days_ago(10, 420)
            unemployed = entry - timedelta(days=rng.randint(60, 2000))
            outcome = exit_day = None
            if status == ClientStatus.FINISHED:
                exit_day = min(entry + timedelta(days=rng.randint(60, 400)), self.days_ago(1, 5))
                if rng.random() < 0.2:  # a 28-day check due about now
                    exit_day = self.today - timedelta(days=rng.randint(24, 30))
                outcome = _weighted(rng, OUTCOME_WEIGHTS)
            client = self.add(
                "clients",
                m.Client(
                    **self.person(town),
                    education=rng.choice(list(Education)),
                    labour_status=LabourStatus.LONG_TERM_UNEMPLOYED
                    if rng.random() < 0.7
                    else LabourStatus.UNEMPLOYED,
                    unemployed_since=unemployed,
                    benefit_days=rng.randint(0, 900),
                    referral_source=rng.choice(list(ReferralSource)),
                    programme=rng.choice(programmes),
                    status=status,
                    owner=rng.choice(coaches),
                    consent=True,
                    entry_date=entry,
                    exit_date=exit_day,
                    outcome=outcome,
                    disability=rng.choice((None, Disclosure.NO, Disclosure.PREFER_NOT_TO_ANSWER)),
                    foreign_background=Disclosure.YES if rng.random() < 0.1 else Disclosure.NO,
                ),
            )
            assert isinstance(client, m.Client)
            self.notes(client, status)
            if status in (ClientStatus.PARTICIPATING, ClientStatus.FINISHED):
                self.assessment(client)
                self.plan(client, status)
                if rng.random() < 0.45:
                    self.placement(client, rng.choice(employers), outcome)
                if rng.random() < 0.25:
                    self.voucher(client, providers, seq, device)
            if status == ClientStatus.FINISHED:
                self.outcomes(client)
                if rng.random() < 0.5:
                    service = rng.choice(("coaching", "career_coaching", "digital_job_search"))
                    rating = rng.choices((2, 3, 4, 5), (1, 3, 6, 5))[0]
                    self.add(
                        "feedback",
                        m.Feedback(
                            client_id=client.id,
                            given_on=client.exit_date,
                            scope=client.scope,
                            service_code=service,
                            rating=rating,
                            scores=demo_scores(rating),
                            source="coach",
                            comment=rng.choice(syn.FEEDBACK_COMMENTS),
                        ),
                    )

    def notes(self, client: m.Client, status: ClientStatus) -> None:
        rng = self.rng
        count = {ClientStatus.CONTACTED: 1, ClientStatus.DECLINED: 1}.get(status, 0)
        count = count or rng.randint(2, 7)
        last = client.exit_date or self.today
        start = client.entry_date or last
        span = max((last - start).days, 1)
        days = sorted(start + timedelta(days=rng.randint(0, span)) for _ in range(count))
        for day in days:
            self.add(
                "notes",
                m.Note(
                    client_id=client.id,
                    author=client.owner or DEMO_USER,
                    written_at=_at(day, rng),
                    kind=rng.choices(list(NoteKind), (6, 3, 1, 1, 1))[0],
                    body=syn.note_text(rng),
                    scope=client.scope,
                ),
            )

    def assessment(self, client: m.Client) -> None:
        rng = self.rng
        assert client.entry_date is not None
        self.add(
            "assessments",
            m.Assessment(
                client_id=client.id,
                assessed_on=client.entry_date + timedelta(days=rng.randint(3, 30)),
                assessors=rng.sample(
                    ["coach", "psychologist", "nurse", "planner"], rng.randint(1, 3)
                ),
                ratings={area: rng.randint(1, 5) for area in AssessmentArea},
                strengths=rng.choice(syn.STRENGTHS),
                obstacles=rng.choice(syn.OBSTACLES),
                recommended_services=rng.sample([s[0] for s in SERVICES], 2),
                scope=client.scope,
            ),
        )

    def plan(self, client: m.Client, status: ClientStatus) -> None:
        rng = self.rng
        assert client.entry_date is not None
        plan = self.add(
            "plans",
            m.Plan(
                client_id=client.id,
                goal=rng.choice(syn.PLAN_GOALS),
                scope=client.scope,
                created_on=client.entry_date + timedelta(days=rng.randint(5, 40)),
                reviewed_on=self.days_ago(0, 60) if rng.random() < 0.5 else None,
            ),
        )
        for text, service in rng.sample(syn.STEP_TEXTS, rng.randint(2, 4)):
            if status == ClientStatus.FINISHED:
                step_status, due = StepStatus.DONE, self.days_ago(20, 200)
            else:
                step_status = rng.choice(
                    (
                        StepStatus.PLANNED,
                        StepStatus.IN_PROGRESS,
                        StepStatus.PLANNED,
                        StepStatus.DONE,
                    )
                )
                due = self.today + timedelta(days=rng.randint(-10, 45))
            self.add(
                "plan_steps",
                m.PlanStep(
                    plan_id=plan.id,
                    client_id=client.id,
                    description=text,
                    service_code=service,
                    due_date=due,
                    status=step_status,
                    scope=client.scope,
                ),
            )

    def placement(self, client: m.Client, employer: m.Employer, outcome: str | None) -> None:
        rng = self.rng
        kind = {
            Outcome.JOB: PlacementKind.JOB,
            Outcome.WAGE_SUBSIDISED_JOB: PlacementKind.WAGE_SUBSIDISED_JOB,
        }.get(
            outcome,
            rng.choice(
                (
                    PlacementKind.WORK_TRIAL,
                    PlacementKind.COACHING_UNIT,
                    PlacementKind.APPRENTICESHIP,
                )
            ),
        )
        start = self.days_ago(5, 200)
        end = start + timedelta(days=rng.choice((30, 60, 90, 180)))
        follow = [d.isoformat() for d in (start + timedelta(days=14),) if d <= self.today]
        self.add(
            "placements",
            m.Placement(
                client_id=client.id,
                employer_id=employer.id,
                kind=kind,
                start_date=start,
                end_date=end,
                follow_ups=follow,
                scope=client.scope,
            ),
        )

    def voucher(
        self, client: m.Client, providers: list[m.Provider], seq: dict[str, int], device: str
    ) -> None:
        rng = self.rng
        code, _, _, cents = rng.choice(SERVICES)
        issued = self.days_ago(1, 120)
        stem = (programme_prefix(client.programme or "KENTTA"), issued.year, device)
        key = "-".join(map(str, stem))
        seq[key] = seq.get(key, 0) + 1
        status = rng.choice(
            (
                VoucherStatus.ISSUED,
                VoucherStatus.PROVIDER_CHOSEN,
                VoucherStatus.USED,
                VoucherStatus.INVOICED,
                VoucherStatus.PAID,
            )
        )
        able = [p for p in providers if code in p.services]
        chosen = rng.choice(able).id if able and status != VoucherStatus.ISSUED else None
        self.add(
            "vouchers",
            m.Voucher(
                number=format_number(*stem, seq[key]),
                client_id=client.id,
                service_code=code,
                provider_id=chosen,
                value_cents=cents,
                issued_on=issued,
                valid_until=issued + timedelta(days=rng.choice((60, 90, 120))),
                status=status,
                issued_by=client.owner or DEMO_USER,
                scope=client.scope,
            ),
        )

    def outcomes(self, client: m.Client) -> None:
        assert client.exit_date is not None
        for checkpoint, days in EXIT_CHECKPOINTS:
            due = client.exit_date + timedelta(days=days)
            checked = days == 0 or (
                due < self.today - timedelta(days=2) and self.rng.random() < 0.8
            )
            self.add(
                "outcomes",
                m.OutcomeRecord(
                    client_id=client.id,
                    checkpoint=checkpoint,
                    due_on=due,
                    checked_on=due if checked else None,
                    outcome=(client.outcome if days == 0 else _weighted(self.rng, OUTCOME_WEIGHTS))
                    if checked
                    else None,
                    scope=client.scope,
                ),
            )


def demo_scores(overall: int) -> dict[str, int]:
    """The questionnaire's answers around the overall score (no random draws: the demo's
    other records stay as they were before the questionnaire)."""
    return {
        "useful": overall,
        "goals": max(1, overall - 1),
        "respect": min(5, overall + 1),
        "next_steps": max(1, overall - 1),
        "satisfaction": overall,
    }
