"""Feedback after coaching: counts and means per question, overall and by service or provider.

Definitions (`kenttä report feedback`, the F7 dashboard):
- A response is one live feedback record (given in the period, of a client of the programme,
  when those are given). A record from before the questionnaire (schema < 9) counts as an
  answer to the overall question `satisfaction` only.
- Per question: `count` is the responses that answered it, `mean` the mean of those scores
  rounded half up to two decimals (null when none answered). `all` pools every score of every
  question (count of scores, their mean).
- By service: the feedback's voucher's service code, else the feedback's own. By provider:
  the voucher's provider, else the feedback's own (a voucher's columns follow merges of the
  service tray and of providers; feedback, append-only, keeps what it was given). Feedback
  without one forms a group whose key is null.
- The `total` group is every response, whatever the grouping.

No free text and no client appears: the report is counts and means only, so a coordinator may
run it. CSV and xlsx hold the same numbers as the JSON as rows (group, label, question, count,
mean): `group` is `*` for the total and empty for the null key; `question` is a question
code, `all`, or `responses` (the number of responses; mean empty).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from kenttä.services.clients.feedback import QUESTIONS, scores_of
from kenttä.services.context import Workspace
from kenttä.services.refusal import Refused
from kenttä.services.reports._base import Period
from kenttä.services.roles import require

BY = ("service", "provider")
ROW_COLUMNS = ("group", "label", "question", "count", "mean")
TOTAL = "*"
CENT = Decimal("0.01")


@dataclass
class _Sum:
    count: int = 0
    total: int = 0

    def add(self, score: int) -> None:
        self.count += 1
        self.total += score

    def as_dict(self) -> dict[str, Any]:
        if not self.count:
            return {"count": 0, "mean": None}
        mean = (Decimal(self.total) / Decimal(self.count)).quantize(CENT, ROUND_HALF_UP)
        return {"count": self.count, "mean": float(mean)}


@dataclass
class _Group:
    key: str | None
    label: str
    responses: int = 0
    questions: dict[str, _Sum] = field(default_factory=lambda: {q: _Sum() for q in QUESTIONS})
    every: _Sum = field(default_factory=_Sum)

    def add(self, scores: dict[str, int]) -> None:
        self.responses += 1
        for question, score in scores.items():
            self.questions[question].add(score)
            self.every.add(score)

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "responses": self.responses,
            "questions": {q: s.as_dict() for q, s in self.questions.items()},
            "all": self.every.as_dict(),
        }


def _labels(ws: Workspace, by: str) -> dict[str, str]:
    conn = ws.store.conn
    if by == "service":
        sql = "SELECT code, name FROM services WHERE _deleted IS NULL AND _erased IS NULL"
    else:
        sql = "SELECT id, name FROM providers WHERE _deleted IS NULL AND _erased IS NULL"
    return {str(k): str(v) for k, v in conn.execute(sql + " ORDER BY id")}


def feedback_report(
    ws: Workspace,
    *,
    by: str | None = None,
    period: Period | None = None,
    programme: str | None = None,
) -> dict[str, Any]:
    """The report as JSON-ready data (see the module's definitions)."""
    require(ws, "view_reports")
    if by is not None and by not in BY:
        raise Refused("report_by", f"by: use {' or '.join(BY)}")
    sql = (
        "SELECT f.rating, f.scores, COALESCE(v.service_code, f.service_code),"
        " COALESCE(v.provider_id, f.provider_id) FROM feedback f"
        " LEFT JOIN vouchers v ON v.id = f.voucher_id"
        " LEFT JOIN clients c ON c.id = f.client_id"
        " WHERE f._deleted IS NULL AND f._erased IS NULL"
    )
    args: list[Any] = []
    if period is not None:
        sql += " AND f.given_on >= ? AND f.given_on <= ?"
        args += [period.start.isoformat(), period.end.isoformat()]
    if programme is not None:
        sql += " AND c.programme = ?"
        args.append(programme)
    labels = _labels(ws, by) if by else {}
    total = _Group(TOTAL, "")
    groups: dict[str | None, _Group] = {}
    for rating, stored, service, provider in ws.store.conn.execute(sql + " ORDER BY f.id", args):
        scores = scores_of(stored, rating)
        total.add(scores)
        if by is not None:
            key = service if by == "service" else provider
            if key not in groups:
                groups[key] = _Group(key, labels.get(key, key or "") if key else "")
            groups[key].add(scores)
    ordered = sorted(groups.values(), key=lambda g: (g.key is None, g.key or ""))
    return {
        "by": by,
        "period": period.as_dict() if period else None,
        "programme": programme,
        "questions": list(QUESTIONS),
        "total": total.as_dict(),
        "groups": [g.as_dict() for g in ordered],
    }


def report_rows(report: dict[str, Any]) -> list[list[Any]]:
    """The report as (group, label, question, count, mean) rows: the CSV's and the xlsx's."""
    rows: list[list[Any]] = []
    for group in [report["total"], *report["groups"]]:
        key = group["key"]
        name = TOTAL if key == TOTAL else (key or "")
        rows.append([name, group["label"], "responses", group["responses"], None])
        for question in report["questions"]:
            stat = group["questions"][question]
            rows.append([name, group["label"], question, stat["count"], stat["mean"]])
        rows.append([name, group["label"], "all", group["all"]["count"], group["all"]["mean"]])
    return rows


def mean_text(mean: float | None) -> str:
    """`4,25` (fi, sv) or `4.25` (en) (– when nobody answered)."""
    from kenttä.i18n.numbers import number

    return "–" if mean is None else number(mean, 2)


def report_table(report: dict[str, Any]) -> str:
    """For a person, in the current language: per group, each question's count and mean."""
    from kenttä.i18n import t

    blocks = []
    for group in [report["total"], *report["groups"]]:
        if group["key"] == TOTAL:
            title = t("feedback_report.total")
        else:
            title = group["label"] or group["key"] or t("feedback_report.no_group")
            if group["key"] and group["label"] and group["label"] != group["key"]:
                title += f" ({group['key']})" if report["by"] == "service" else ""
        lines = [f"{title} · {t('feedback_report.responses', count=group['responses'])}"]
        named = [(t(f"feedback_short.{q}"), group["questions"][q]) for q in report["questions"]]
        named.append((t("feedback_report.all_questions"), group["all"]))
        width = max(len(name) for name, _ in named)
        head = t("feedback_report.col_question").ljust(width)
        lines.append(
            f"  {head}  {t('feedback_report.col_count'):>9}  {t('feedback_report.col_mean'):>9}"
        )
        for name, stat in named:
            lines.append(f"  {name.ljust(width)}  {stat['count']:>9}  {mean_text(stat['mean']):>9}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
