"""Data quality: what an auditor would question before trusting the ESF figures.

Each finding names a record (table and id), a code and a detail without personal data:
- `missing_entry_date`: a client who started (participating or finished) has no entry date,
  so no period can count them as a participant;
- `missing_start_data`: a client who started lacks ESF+ start data; the detail lists which of
  birth_date, gender, education, labour_status (labour status or unemployed_since) is missing;
- `finished_without_exit_date`: status finished with no exit date (not a leaver of any period);
- `exit_before_entry`: the exit date is before the entry date;
- `exit_without_outcome`: a finished client (or one with an exit date) has no exit outcome
  (neither `clients.outcome` nor a checked `exit` row of the outcomes table);
- `outside_target_group`: the programme's eligibility rule, evaluated on the entry date, says
  the participant is outside the target group (the detail is the rule's reason code);
  clients the rule cannot judge for lack of data are covered by `missing_start_data`;
- `company_without_activity`: an employer counted in the network or as a sponsor employer has
  no visit and no placement at all.
With a period, client findings cover clients not known to be outside it (entry after `to` or
exit before `from`), and employer findings the employers in the network by `to`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from kenttä.domain.eligibility import Eligibility, RecordedException, evaluate
from kenttä.services.context import Workspace
from kenttä.services.reports._base import LIVE, ClientRow, Period, load_clients, to_day

CODES = (
    "missing_entry_date",
    "missing_start_data",
    "finished_without_exit_date",
    "exit_before_entry",
    "exit_without_outcome",
    "outside_target_group",
    "company_without_activity",
)


@dataclass(frozen=True)
class Finding:
    code: str
    table: str
    id: str
    label: str
    detail: str = ""

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def _in_scope(c: ClientRow, period: Period | None) -> bool:
    if period is None:
        return True
    if c.entry_date is not None and c.entry_date > period.end:
        return False
    return not (c.exit_date is not None and c.exit_date < period.start)


def _client_findings(c: ClientRow, names: bool) -> list[Finding]:
    found: list[Finding] = []

    def add(code: str, detail: str = "") -> None:
        found.append(Finding(code, "clients", c.id, c.label(names), detail))

    if c.started:
        if c.entry_date is None:
            add("missing_entry_date")
        missing = []
        if c.birth_date is None:
            missing.append("birth_date")
        if c.esf_gender is None:
            missing.append("gender")
        if c.education is None:
            missing.append("education")
        if c.labour_status is None and c.unemployed_since is None:
            missing.append("labour_status")
        if missing:
            add("missing_start_data", ", ".join(missing))
    if c.status == "finished" and c.exit_date is None:
        add("finished_without_exit_date")
    if c.entry_date and c.exit_date and c.exit_date < c.entry_date:
        add("exit_before_entry")
    if (c.status == "finished" or c.exit_date is not None) and c.started and not c.outcome:
        add("exit_without_outcome")
    if c.started and c.entry_date is not None:
        verdict = _verdict(c)
        if verdict.eligible is False:
            add("outside_target_group", verdict.reason_code)
    return found


def _verdict(c: ClientRow) -> Eligibility:
    """The programme's rule on the entry day, with the start data it reads and the exception
    a coach recorded (an exception is not a finding: it is a decision with a reason)."""
    answers = (c.foreign_background, c.third_country_national)
    immigrant = True if "yes" in answers else (False if "no" in answers else None)
    exception = None
    if c.eligibility_exception and c.eligibility_exception_programme:
        exception = RecordedException(c.eligibility_exception_programme, c.eligibility_exception)
    return evaluate(
        c.programme,
        birth_date=c.birth_date,
        unemployed_since=c.unemployed_since,
        benefit_days=c.benefit_days,
        on=c.entry_date or date.today(),
        months_unemployed_in_window=c.months_unemployed_last_16,
        earnings_related_allowance=(
            None if c.earnings_related_allowance is None else bool(c.earnings_related_allowance)
        ),
        immigrant=immigrant,
        referral_source=c.referral_source,
        exception=exception,
    )


def _employer_findings(ws: Workspace, period: Period | None, names: bool) -> list[Finding]:
    conn = ws.store.conn
    active = {r[0] for r in conn.execute(f"SELECT DISTINCT employer_id FROM visits WHERE {LIVE}")}
    active |= {
        r[0] for r in conn.execute(f"SELECT DISTINCT employer_id FROM placements WHERE {LIVE}")
    }
    found = []
    for emp_id, name, kind, y_tunnus, since, sponsor in conn.execute(
        f"SELECT id, name, kind, y_tunnus, network_since, sponsor FROM employers WHERE {LIVE}"
        " ORDER BY id"
    ):
        joined = to_day(since)
        counted = joined is not None or bool(sponsor)
        if period is not None and joined is not None and joined > period.end:
            counted = False
        if counted and emp_id not in active:
            label = name if names else f"{kind or 'employer'} {y_tunnus or '(no Y-tunnus)'}"
            detail = "sponsor" if sponsor else "network"
            found.append(Finding("company_without_activity", "employers", emp_id, label, detail))
    return found


def quality_findings(
    ws: Workspace,
    period: Period | None = None,
    programme: str | None = None,
    *,
    names: bool = False,
) -> list[Finding]:
    """Every finding, ordered by code (as in CODES) and then by record id."""
    found: list[Finding] = []
    for c in load_clients(ws, programme):
        if _in_scope(c, period):
            found.extend(_client_findings(c, names))
    found.extend(_employer_findings(ws, period, names))
    order = {code: i for i, code in enumerate(CODES)}
    found.sort(key=lambda f: (order[f.code], f.id))
    return found


def summary(findings: list[Finding]) -> dict[str, int]:
    """How many findings of each code (every code present, zero included)."""
    return {code: sum(1 for f in findings if f.code == code) for code in CODES}
