"""The ESF+ monitoring report of a programme over a period, every figure traceable to records.

Definitions (what an auditor reads; tests pin every one of them):

Period [from, to] is inclusive. Rows that are tombstoned (`_deleted`) or erased (`_erased`)
are never counted. `--programme P` keeps clients whose `clients.programme` is P (matched
case-insensitively, or by the rule's name: "VÄLKE" is VALKE); without it, every programme is
counted. Employers belong to no programme; their figures follow the programme of the visits,
needs and placements made with them (below).

participants
    Clients who started: status `participating` or `finished` (a `met` client has had a first
    meeting but has not started, a `declined` one never started), with `entry_date` ≤ to and
    (`exit_date` empty or ≥ from). A client who started but has no `entry_date` cannot be
    placed in a period: not counted, and listed by `kenttä report quality`.
entered
    The participants whose `entry_date` is inside the period (the period's starters).
by_gender
    From `clients.gender` (woman, man, non_binary; the ESF+ categories); when empty, from the
    sex in the henkilötunnus (female → woman, male → man); else `unknown`.
at_entry (labour-market status on `entry_date`)
    `unemployed` counts every unemployed participant, long-term included (ESF+ "unemployed,
    including long-term unemployed"). `long_term_unemployed`: `labour_status` is
    long_term_unemployed, or `labour_status` is empty or unemployed and `unemployed_since` is
    12 or more months before `entry_date` (one threshold for every age: the EU's 6 months for
    those under 25 is not applied). With `labour_status` empty, a participant with
    `unemployed_since` on or before `entry_date` is unemployed. `inactive` and `employed`
    come from `labour_status` only; anything else is `unknown`.
age
    Whole years on `entry_date` from `birth_date`: `under_30` (< 30), `aged_30_to_54`,
    `aged_55_or_over` (≥ 55); no birth date or entry date: `unknown`.
education
    `clients.education` (ISCED 0–2, 3–4, 5–8); empty: `unknown`.
finished (the leavers)
    Participants with status `finished` and `exit_date` inside the period. The exit outcome is
    `clients.outcome`, or when empty the latest checked `exit` row of the outcomes table.
on_leaving (ESF+ common result indicators, over the leavers)
    `in_education`: outcome degree_education or other_education. `gained_qualification`:
    kenttä records no certificates, so this is a proxy equal to the leavers whose outcome is
    degree_education or other_education; report it as such. `in_employment`: outcome job or
    wage_subsidised_job. `employed_at_6_months`: leavers whose `months_6` row in the outcomes
    table is checked (`checked_on` set) with outcome job or wage_subsidised_job;
    `checked_at_6_months` counts the leavers with any checked `months_6` row.
positive_path_rate, job_or_degree_rate
    Fractions over `finished` (null when nobody finished): positive paths are job,
    wage_subsidised_job, degree_education, other_service; job or degree is job,
    wage_subsidised_job, degree_education. A leaver without an outcome stays in the
    denominator (and `report quality` lists them).
outcomes
    The leavers by exit outcome; `none` when no outcome is recorded.
funnel
    Clients of the programme not known to be outside the period (entry_date > to, or
    exit_date < from), with or without dates; the stage reached by `to`, cumulative:
    `contacted` every such client, `met` status met, participating or finished;
    `participating` status participating or finished; `finished` status finished with `exit_date` ≤ to (or no exit date); `declined` status
    declined (counted in `contacted` only).
participating_companies
    Distinct live employers that received support in the period: a visit whose `visited_on`
    is in the period, or a placement overlapping it (start ≤ to and end empty or ≥ from).
    With a programme (issue 16), a visit counts only when its `programme` is P, and a
    placement when its `programme` is P, or it has none and its client's programme is P; a
    visit recorded without a programme counts in the report of all programmes only.
network_size
    Employers whose `network_since` is on or before `to`. With a programme, only employers
    the programme has worked with by `to`: a visit, labour need or placement of P (a
    placement without a programme: its client's) dated on or before `to`.
sponsor_employers
    Employers with the sponsor flag and `network_since` empty or on or before `to`; with a
    programme, only those the programme has worked with (as for network_size).
vouchers
    Vouchers with `issued_on` in the period (of the programme's clients, with a programme):
    count and `value_cents` (euros = cents / 100), by `service_code` and by `status`.
group_coaching (participation in group coaching)
    Over live sessions whose `held_on` is in the period, the attendees marked present who
    are live clients (of the programme, with a programme): `attendances` the marks,
    `participants` the distinct clients, `sessions` the sessions with any such mark.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from kenttä.domain.codes import JOB_OR_DEGREE, POSITIVE_PATHS, Outcome
from kenttä.services.context import Workspace
from kenttä.services.reports._base import (
    LIVE,
    ClientRow,
    Period,
    ReportError,
    flatten,
    is_leaver,
    is_participant,
    load_clients,
    to_day,
)
from kenttä.services.reports.figures import (
    Age,
    AtEntry,
    EducationBands,
    EsfReport,
    Funnel,
    Gender,
    GroupCoaching,
    OnLeaving,
)

EMPLOYED = frozenset({Outcome.JOB.value, Outcome.WAGE_SUBSIDISED_JOB.value})
IN_EDUCATION = frozenset({Outcome.DEGREE_EDUCATION.value, Outcome.OTHER_EDUCATION.value})
_POSITIVE = frozenset(o.value for o in POSITIVE_PATHS)
_JOB_OR_DEGREE = frozenset(o.value for o in JOB_OR_DEGREE)


@dataclass(frozen=True)
class Ref:
    """One record behind a figure."""

    table: str
    id: str
    label: str
    cents: int = 0

    def as_dict(self) -> dict[str, str]:
        return {"table": self.table, "id": self.id, "label": self.label}


def _entry_labour(c: ClientRow) -> list[str]:
    months = c.months_unemployed_at_entry
    status = c.labour_status
    if status == "long_term_unemployed":
        return ["unemployed", "long_term_unemployed"]
    if status in (None, "unemployed") and months is not None and months >= 12:
        return ["unemployed", "long_term_unemployed"]
    if status == "unemployed" or (status is None and months is not None):
        return ["unemployed"]
    if status in ("inactive", "employed"):
        return [status]
    return ["unknown"]


def _client_figures(
    clients: list[ClientRow], period: Period, names: bool, figs: Any, words: bool = False
) -> None:
    for c in clients:
        ref = Ref("clients", c.id, c.label(names, words=words))
        if not (c.entry_date and c.entry_date > period.end) and not (
            c.exit_date and c.exit_date < period.start
        ):
            figs["funnel.contacted"].append(ref)
            if c.status in ("met", "participating", "finished"):
                figs["funnel.met"].append(ref)
            if c.status == "declined":
                figs["funnel.declined"].append(ref)
            if c.started:
                figs["funnel.participating"].append(ref)
            if c.status == "finished" and (c.exit_date is None or c.exit_date <= period.end):
                figs["funnel.finished"].append(ref)
        if not is_participant(c, period):
            continue
        figs["participants"].append(ref)
        if period.contains(c.entry_date):
            figs["entered"].append(ref)
        gender = {"woman": "women", "man": "men", "non_binary": "non_binary"}
        figs["by_gender." + gender.get(c.esf_gender or "", "unknown")].append(ref)
        for key in _entry_labour(c):
            figs["at_entry." + key].append(ref)
        age = c.age_at_entry
        if age is None:
            figs["age.unknown"].append(ref)
        elif age < 30:
            figs["age.under_30"].append(ref)
        elif age >= 55:
            figs["age.aged_55_or_over"].append(ref)
        else:
            figs["age.aged_30_to_54"].append(ref)
        band = c.education if c.education in ("isced_0_2", "isced_3_4", "isced_5_8") else None
        figs["education." + (band or "unknown")].append(ref)
        if not is_leaver(c, period):
            continue
        figs["finished"].append(ref)
        figs["outcomes." + (c.outcome or "none")].append(ref)
        if c.outcome in _POSITIVE:
            figs["positive_paths"].append(ref)
        if c.outcome in _JOB_OR_DEGREE:
            figs["job_or_degree"].append(ref)
        if c.outcome in IN_EDUCATION:
            figs["on_leaving.in_education"].append(ref)
            figs["on_leaving.gained_qualification"].append(ref)
        if c.outcome in EMPLOYED:
            figs["on_leaving.in_employment"].append(ref)


def _six_months(ws: Workspace, leavers: dict[str, Ref], figs: Any) -> None:
    rows = ws.store.conn.execute(
        f"SELECT client_id, outcome FROM outcomes WHERE {LIVE} AND checkpoint = 'months_6'"
        " AND checked_on IS NOT NULL ORDER BY checked_on, id"
    ).fetchall()
    latest = {client_id: outcome for client_id, outcome in rows if client_id in leavers}
    for client_id in sorted(latest):
        figs["on_leaving.checked_at_6_months"].append(leavers[client_id])
        if latest[client_id] in EMPLOYED:
            figs["on_leaving.employed_at_6_months"].append(leavers[client_id])


def _employer_figures(
    ws: Workspace, period: Period, programme: str | None, names: bool, figs: Any,
    words: bool = False,
) -> None:  # fmt: skip
    conn = ws.store.conn
    start, end = period.start.isoformat(), period.end.isoformat()
    visit_sql = f"SELECT employer_id FROM visits WHERE {LIVE} AND visited_on BETWEEN ? AND ?"
    visit_args: tuple[Any, ...] = (start, end)
    if programme is not None:
        visit_sql += " AND programme = ?"
        visit_args += (programme,)
    active = {r[0] for r in conn.execute(visit_sql, visit_args)}
    sql = (
        "SELECT p.employer_id FROM placements p JOIN clients c ON c.id = p.client_id"
        " WHERE p._deleted IS NULL AND p._erased IS NULL AND c._deleted IS NULL"
        " AND c._erased IS NULL AND p.start_date <= ? AND (p.end_date IS NULL OR p.end_date >= ?)"
    )
    args: tuple[Any, ...] = (end, start)
    if programme is not None:
        sql += " AND coalesce(p.programme, c.programme) = ?"
        args += (programme,)
    active |= {r[0] for r in conn.execute(sql, args)}
    worked_with = None if programme is None else _worked_with(ws, end, programme)
    for emp_id, name, kind, y_tunnus, since, sponsor in conn.execute(
        f"SELECT id, name, kind, y_tunnus, network_since, sponsor FROM employers WHERE {LIVE}"
        " ORDER BY id"
    ):
        label = name if names else _employer_label(kind, y_tunnus, words)
        ref = Ref("employers", emp_id, label)
        joined = to_day(since)
        if emp_id in active:
            figs["participating_companies"].append(ref)
        if worked_with is not None and emp_id not in worked_with:
            continue
        if joined is not None and joined <= period.end:
            figs["network_size"].append(ref)
        if sponsor and (joined is None or joined <= period.end):
            figs["sponsor_employers"].append(ref)


def _worked_with(ws: Workspace, end: str, programme: str) -> set[str]:
    """Employers a programme has worked with by `end`: a visit, need or placement of it."""
    rows = ws.store.conn.execute(
        f"SELECT employer_id FROM visits WHERE {LIVE} AND programme = ? AND visited_on <= ?"
        f" UNION SELECT employer_id FROM labour_needs WHERE {LIVE} AND programme = ?"
        " AND recorded_on <= ?"
        " UNION SELECT p.employer_id FROM placements p JOIN clients c ON c.id = p.client_id"
        " WHERE p._deleted IS NULL AND p._erased IS NULL AND p.start_date <= ?"
        " AND coalesce(p.programme, c.programme) = ?",
        (programme, end, programme, end, end, programme),
    )
    return {r[0] for r in rows}


def _voucher_figures(ws: Workspace, period: Period, programme: str | None, figs: Any) -> None:
    sql = (
        "SELECT v.id, v.number, v.service_code, v.status, v.value_cents FROM vouchers v"
        " LEFT JOIN clients c ON c.id = v.client_id"
        " WHERE v._deleted IS NULL AND v._erased IS NULL AND v.issued_on BETWEEN ? AND ?"
    )
    args: tuple[Any, ...] = (period.start.isoformat(), period.end.isoformat())
    if programme is not None:
        sql += " AND c.programme = ? AND c._deleted IS NULL AND c._erased IS NULL"
        args += (programme,)
    for vid, number, service, status, cents in ws.store.conn.execute(sql + " ORDER BY v.id", args):
        cents = int(cents or 0)
        ref = Ref("vouchers", vid, f"{number} {service} {status} {cents / 100:.2f} €", cents)
        figs["vouchers"].append(ref)
        figs[f"vouchers.by_service.{service}"].append(ref)
        figs[f"vouchers.by_status.{status}"].append(ref)


def _group_figures(ws: Workspace, period: Period, programme: str | None, figs: Any) -> None:
    sql = (
        "SELECT a.id, a.session_id, a.client_id FROM group_attendance a"
        " JOIN group_sessions s ON s.id = a.session_id AND s._deleted IS NULL"
        " AND s._erased IS NULL JOIN clients c ON c.id = a.client_id AND c._deleted IS NULL"
        " AND c._erased IS NULL WHERE a.present AND a._deleted IS NULL AND a._erased IS NULL"
        " AND s.held_on BETWEEN ? AND ?" + (" AND c.programme = ?" if programme else "")
    )
    args = (period.start.isoformat(), period.end.isoformat(), *([programme] if programme else []))
    sessions: set[str] = set()
    clients: set[str] = set()
    for att_id, session_id, client_id in ws.store.conn.execute(sql + " ORDER BY a.id", args):
        figs["group_coaching.attendances"].append(Ref("group_attendance", att_id, "present"))
        if session_id not in sessions:
            sessions.add(session_id)
            figs["group_coaching.sessions"].append(Ref("group_sessions", session_id, "session"))
        if client_id not in clients:
            clients.add(client_id)
            figs["group_coaching.participants"].append(Ref("clients", client_id, "attendee"))


def _employer_label(kind: str | None, y_tunnus: str | None, words: bool) -> str:
    """An employer without its name: its kind and Y-tunnus (in words for a person)."""
    if not words:
        return f"{kind or 'employer'} {y_tunnus or '(no Y-tunnus)'}"
    from kenttä.i18n import code, t

    return (
        f"{code('employer_kind', kind) if kind else t('record_kind.employers')} {y_tunnus or '–'}"
    )


def collect(
    ws: Workspace, period: Period, programme: str | None = None, *, names: bool = False,
    words: bool = False,
) -> dict[str, list[Ref]]:  # fmt: skip
    """Figure name → the records behind it (the one computation both numbers and explain use);
    `words`: labels without names in the current language (the CLI's table)."""
    figs: dict[str, list[Ref]] = defaultdict(list)
    clients = load_clients(ws, programme)
    _client_figures(clients, period, names, figs, words)
    _six_months(ws, {r.id: r for r in figs["finished"]}, figs)
    _employer_figures(ws, period, programme, names, figs, words)
    _voucher_figures(ws, period, programme, figs)
    _group_figures(ws, period, programme, figs)
    return figs


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _money(refs: list[Ref]) -> dict[str, Any]:
    cents = sum(r.cents for r in refs)
    return {"count": len(refs), "value_cents": cents, "euros": round(cents / 100, 2)}


def from_figures(figs: dict[str, list[Ref]], period: Period, programme: str | None) -> EsfReport:
    n = {key: len(refs) for key, refs in figs.items()}

    def group(prefix: str, model: type[BaseModel]) -> dict[str, int]:
        return {f: n.get(f"{prefix}.{f}", 0) for f in model.model_fields}

    vouchers = _money(figs.get("vouchers", []))
    for kind in ("by_service", "by_status"):
        keys = sorted(k.split(".", 2)[2] for k in figs if k.startswith(f"vouchers.{kind}."))
        vouchers[kind] = {k: _money(figs[f"vouchers.{kind}.{k}"]) for k in keys}
    outcome_keys = [o.value for o in Outcome] + ["none"]
    finished = n.get("finished", 0)
    return EsfReport(
        period=period.as_dict(),
        programme=programme,
        participants=n.get("participants", 0),
        entered=n.get("entered", 0),
        finished=finished,
        positive_paths=n.get("positive_paths", 0),
        positive_path_rate=_rate(n.get("positive_paths", 0), finished),
        job_or_degree=n.get("job_or_degree", 0),
        job_or_degree_rate=_rate(n.get("job_or_degree", 0), finished),
        participating_companies=n.get("participating_companies", 0),
        network_size=n.get("network_size", 0),
        sponsor_employers=n.get("sponsor_employers", 0),
        by_gender=group("by_gender", Gender),
        at_entry=group("at_entry", AtEntry),
        age=group("age", Age),
        education=group("education", EducationBands),
        on_leaving=group("on_leaving", OnLeaving),
        outcomes={k: n.get(f"outcomes.{k}", 0) for k in outcome_keys},
        funnel=group("funnel", Funnel),
        vouchers=vouchers,
        group_coaching=group("group_coaching", GroupCoaching),
    )


def compute(ws: Workspace, period: Period, programme: str | None = None) -> EsfReport:
    """The ESF report of `programme` (None: all) over `period`."""
    from kenttä.services.reports.targets import with_targets  # issue 16: targets.py

    return with_targets(ws, from_figures(collect(ws, period, programme), period, programme), period)


FIGURE_HELP = (
    "use participants, entered, finished, positive_paths, positive_path_rate, job_or_degree,"
    " job_or_degree_rate, participating_companies, network_size, sponsor_employers, vouchers,"
    " or a key of by_gender, at_entry, age, education, on_leaving, outcomes, funnel"
    " or group_coaching"
    " (e.g. funnel.met), or vouchers.by_service.CODE / vouchers.by_status.STATUS"
)

_ALIASES = {
    "positive_path_rate": "positive_paths",
    "job_or_degree_rate": "job_or_degree",
    "vouchers.count": "vouchers",
    "vouchers.value_cents": "vouchers",
    "vouchers.euros": "vouchers",
}


def figure_names(report: EsfReport) -> list[str]:
    """Every figure `explain` accepts: the counts of the JSON, by their dotted keys."""
    names = []
    for key, value in flatten(report.model_dump(mode="json")):
        if key.startswith("period.") or key == "programme":
            continue
        if isinstance(value, int | float) or value is None:
            names.append(key)
    return names


def explain(
    ws: Workspace,
    figure: str,
    period: Period,
    programme: str | None = None,
    *,
    names: bool = False,
    words: bool = False,
) -> list[dict[str, str]]:
    """The records behind a figure: [{table, id, label}], labels free of personal data unless
    `names` (the supervisor's screen). A rate lists its numerator; its denominator is
    `finished`."""
    figs = collect(ws, period, programme, names=names, words=words)
    key = figure.strip()
    for suffix in (".count", ".value_cents", ".euros"):
        if key.startswith("vouchers.by_") and key.endswith(suffix):
            key = key.removesuffix(suffix)
    key = _ALIASES.get(key, key)
    valid = set(figure_names(from_figures(figs, period, programme))) | set(_ALIASES)
    if key not in figs and figure.strip() not in valid:
        raise ReportError(
            f"unknown figure {figure.strip()!r}; {FIGURE_HELP}", code="unknown_figure"
        )
    return [ref.as_dict() for ref in figs.get(key, [])]
