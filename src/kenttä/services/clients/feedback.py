"""A client's feedback after a coaching or a used voucher: the fixed questionnaire, 1–5 each.

The coach enters it with the client (the card's form, or the form offered when a voucher is
marked used), or it comes from a survey's answers (`kenttä import feedback`,
services/transfer/feedback_import.py). Feedback is append-only; every one written is audited.
A voucher's feedback takes the voucher's client, service and provider. Coaches and
supervisors write it (`record_feedback`); what the client wrote is read only by a role that
reads notes (`view_notes`): a coordinator sees scores in reports, never the free text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import ValidationError

from kenttä.domain.codes import FeedbackQuestion, FeedbackSource
from kenttä.domain.models import Feedback
from kenttä.services.context import Workspace
from kenttä.services.privacy import audit_in
from kenttä.services.records import LIVE, live_scope
from kenttä.services.refusal import Refused
from kenttä.services.roles import require

QUESTIONS: tuple[str, ...] = tuple(q.value for q in FeedbackQuestion)
"""The questionnaire's question codes, in the order they are asked (texts: `feedback_question`
in the catalogue)."""
OVERALL = FeedbackQuestion.SATISFACTION.value


class FeedbackError(ValueError):
    """Feedback that cannot be stored; the message is one line without personal data, `code`
    names the reason for the screens' catalogue (a file's import keeps the default)."""

    def __init__(self, message: str, *, code: str = "feedback_invalid") -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class VoucherRef:
    id: str
    number: str
    client_id: str
    service_code: str
    provider_id: str | None
    status: str
    scope: str | None


def voucher_ref(
    ws: Workspace, *, number: str | None = None, voucher_id: str | None = None
) -> VoucherRef:
    """A live voucher by number or id, or FeedbackError."""
    column, value = ("number", number) if number else ("id", voucher_id)
    row = ws.store.conn.execute(
        "SELECT id, number, client_id, service_code, provider_id, status, scope FROM vouchers"
        f" WHERE {column} = ? AND {LIVE}",
        (value,),
    ).fetchone()
    if row is None:
        raise FeedbackError("no such voucher", code="unknown_voucher")
    return VoucherRef(*row)


def build_feedback(
    ws: Workspace,
    client_id: str | None,
    *,
    given_on: date,
    scores: dict[str, int],
    comment: str = "",
    voucher: VoucherRef | None = None,
    service_code: str | None = None,
    provider_id: str | None = None,
    source: str = FeedbackSource.COACH.value,
) -> Feedback:
    """Validated feedback (not stored): the overall question must be answered, scores 1–5."""
    if voucher is not None:
        if client_id is not None and client_id != voucher.client_id:
            raise FeedbackError("the voucher is another client's", code="feedback_voucher_client")
        client_id = voucher.client_id
        service_code = service_code or voucher.service_code
        provider_id = provider_id or voucher.provider_id
    if client_id is None:
        raise FeedbackError("no client", code="feedback_no_client")
    unknown = sorted(set(scores) - set(QUESTIONS))
    if unknown:
        raise FeedbackError(
            f"unknown question {unknown[0]!r} (use {'|'.join(QUESTIONS)})", code="feedback_question"
        )
    for question, score in scores.items():
        if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
            raise FeedbackError(f"{question}: a score is a whole number 1–5", code="score_range")
    if OVERALL not in scores:
        raise FeedbackError(
            f"{OVERALL}: the overall question needs an answer", code="feedback_overall"
        )
    scope = live_scope(ws, "clients", client_id, FeedbackError("no such client", code="no_client"))
    try:
        return Feedback(
            client_id=client_id,
            given_on=given_on,
            scores=dict(scores),
            comment=comment.strip(),
            voucher_id=voucher.id if voucher else None,
            service_code=service_code or None,
            provider_id=provider_id or None,
            source=source,
            entered_by=ws.user,
            scope=scope or ws.config.scope,
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        inner = first.get("ctx", {}).get("error")
        raise FeedbackError(
            f"{where}: {first['msg'].removeprefix('Value error, ')}",
            code=inner.code if isinstance(inner, Refused) else "feedback_invalid",
        ) from None


def record_feedback(
    ws: Workspace,
    client_id: str | None,
    *,
    given_on: date,
    scores: dict[str, int],
    comment: str = "",
    voucher_number: str | None = None,
    voucher_id: str | None = None,
    service_code: str | None = None,
) -> Feedback:
    """Store one feedback (the coach with the client); audited in the same transaction."""
    require(ws, "record_feedback")
    voucher = None
    if voucher_number or voucher_id:
        voucher = voucher_ref(ws, number=voucher_number, voucher_id=voucher_id)
    feedback = build_feedback(
        ws, client_id, given_on=given_on, scores=scores, comment=comment, voucher=voucher,
        service_code=service_code,
    )  # fmt: skip
    store_feedback(ws, [feedback], detail="form")
    return feedback


def store_feedback(ws: Workspace, rows: list[Feedback], detail: str) -> None:
    """Insert validated feedback and an audit event for each, all in one transaction."""
    require(ws, "record_feedback")
    with ws.store.replica.transaction(ws.user) as tx:
        for feedback in rows:
            tx.insert("feedback", feedback.to_row())
            audit_in(tx, ws, "create", "feedback", feedback.id, detail, scope=feedback.scope)


def feedback_of(ws: Workspace, client_id: str) -> list[dict[str, Any]]:
    """The client's feedback, newest first, with scores decoded and the comment (casework)."""
    require(ws, "view_notes")
    live_scope(ws, "clients", client_id, FeedbackError("no such client", code="no_client"))
    cols = ("id", "given_on", "service_code", "rating", "scores", "comment", "voucher_id", "source")
    rows = ws.store.conn.execute(
        f"SELECT {', '.join(cols)} FROM feedback WHERE client_id = ? AND {LIVE}"
        " ORDER BY given_on DESC, id DESC",
        (client_id,),
    ).fetchall()
    out = []
    for row in rows:
        item = dict(zip(cols, row, strict=True))
        item["scores"] = scores_of(item["scores"], item["rating"])
        out.append(item)
    return out


def scores_of(stored: Any, rating: Any) -> dict[str, int]:
    """A stored row's answers: its scores, or for a row from before the questionnaire
    (schema < 9: a single rating) that rating as the overall question's answer."""
    scores: dict[str, int] = {}
    if isinstance(stored, str) and stored:
        try:
            decoded = json.loads(stored)
        except ValueError:
            decoded = {}
        if isinstance(decoded, dict):
            scores = {
                str(q): int(s)
                for q, s in decoded.items()
                if q in QUESTIONS and isinstance(s, int) and 1 <= s <= 5
            }
    elif isinstance(stored, dict):
        scores = dict(stored)
    if OVERALL not in scores and isinstance(rating, int) and 1 <= rating <= 5:
        scores[OVERALL] = rating
    return scores
