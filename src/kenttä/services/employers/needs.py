"""Labour needs as records (issue 16): recorded at a visit or alone, listed on the board.

A need names an occupation of ammattiluokitus 2010, how many people, short- or long-term,
the licences asked, from when, its status (open, filled, withdrawn), the visit it came from
and the programme. The board lists needs across employers, filtered by municipality,
occupation (a code and every code under it) and term, soonest first.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import TYPE_CHECKING, Any

from kenttä.services.context import Workspace
from kenttä.services.privacy import audit_in
from kenttä.services.records import LIVE, live_scope
from kenttä.services.roles import require, require_scope

if TYPE_CHECKING:
    from kenttä_sync.device.replica import Transaction

    from kenttä.domain.models import Need


class NeedError(ValueError):
    """A need that cannot be recorded: a stable code, the text at fault, a one-line reason."""

    def __init__(self, code: str, message: str, part: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.part = part


_COLUMNS = (
    "n.id", "n.employer_id", "e.name", "e.municipality", "n.occupation", "n.title",
    "n.headcount", "n.term", "n.licences", "n.skills", "n.starts_on", "n.status",
    "n.recorded_on", "n.visit_id", "n.programme",
)  # fmt: skip
KEYS = tuple(c.split(".")[1] if c != "e.name" else "employer" for c in _COLUMNS)


def licence_code(word: str) -> str:
    """A licence code from a word typed after `+` (its code or the start of it)."""
    from kenttä.domain.codes import Licence

    text = word.strip().casefold().replace("-", "_")
    codes = [lic.value for lic in Licence]
    if text in codes:
        return text
    found = [c for c in codes if c.startswith(text)]
    if len(found) == 1:
        return found[0]
    raise NeedError(
        "licence", f"unknown licence {word.strip()!r}; use one of {', '.join(codes)}", word
    )


def parse_need_line(text: str, *, term: str) -> dict[str, Any]:
    """`512 kokki 2 +hygiene` → occupation 512, title "kokki", 2 people, hygiene pass.

    The occupation is a code of ammattiluokitus 2010 or words that start an occupation's name
    (`siivo` → 911); a trailing number is the headcount; `+word` names a licence.
    """
    from kenttä.domain.occupations import find_occupation, validate_occupation

    words = text.split()
    licences = [licence_code(w[1:]) for w in words if w.startswith("+") and len(w) > 1]
    words = [w for w in words if not w.startswith("+")]
    headcount = 1
    if len(words) > 1 and re.fullmatch(r"[x×]?\d+", words[-1]):
        headcount = int(words.pop().lstrip("x×"))
    if not words:
        raise NeedError("occupation", "a need names an occupation (a code or a name)", text)
    if words[0].isdigit():
        try:
            occupation = validate_occupation(words[0])
        except ValueError as exc:
            raise NeedError("occupation", str(exc), words[0]) from None
        title = " ".join(words[1:])
    else:
        title = " ".join(words)
        found = find_occupation(title)
        if found is None:
            raise NeedError(
                "occupation", f"no occupation of ammattiluokitus 2010 starts with {title!r}", title
            )
        occupation = found
    if headcount < 1:
        raise NeedError("headcount", "a need is for one person or more", text)
    return {
        "occupation": occupation,
        "title": title,
        "headcount": headcount,
        "term": term,
        "licences": sorted(set(licences)),
    }


def parse_need_lines(text: str, *, term: str) -> list[dict[str, Any]]:
    """Needs separated by commas, semicolons or new lines (see `parse_need_line`)."""
    return [parse_need_line(p, term=term) for p in re.split(r"[;,\n]", text) if p.strip()]


def need_record(ws: Workspace, fields: dict[str, Any], **context: Any) -> Need:
    """A validated Need (raises pydantic's ValidationError on bad values)."""
    from kenttä.domain.models import Need

    return Need.model_validate({**fields, **context})


def insert_needs(tx: Transaction, ws: Workspace, needs: list[Need]) -> None:
    for need in needs:
        if need.occupation is None:
            raise NeedError("occupation", "a need names an occupation")
        tx.insert("labour_needs", need.to_row())
        audit_in(tx, ws, "create", "labour_needs", need.id, scope=need.scope)


def record_need(ws: Workspace, *, employer_id: str, recorded_on: date, **fields: Any) -> Need:
    """A need of its own (not at a visit); the employer must exist; audited."""
    require(ws, "edit_employer")
    scope = live_scope(ws, "employers", employer_id, NeedError("not_found", "no such employer"))
    need = need_record(
        ws,
        fields,
        employer_id=employer_id,
        recorded_on=recorded_on,
        scope=scope or ws.config.scope,
    )
    with ws.store.replica.transaction(ws.user) as tx:
        insert_needs(tx, ws, [need])
    return need


def set_status(ws: Workspace, need_id: str, status: str) -> None:
    """Open, filled or withdrawn."""
    from kenttä.domain.codes import NeedStatus

    require(ws, "edit_employer")
    if status not in {s.value for s in NeedStatus}:
        raise NeedError("status", f"status is one of {', '.join(s.value for s in NeedStatus)}")
    scope = live_scope(ws, "labour_needs", need_id, NeedError("not_found", "no such need"))
    with ws.store.replica.transaction(ws.user) as tx:
        if tx.update("labour_needs", need_id, {"status": status}):
            audit_in(tx, ws, "change", "labour_needs", need_id, "status", scope)


def _rows(ws: Workspace, where: list[str], params: list[Any], limit: int) -> list[dict]:
    sql = (
        f"SELECT {', '.join(_COLUMNS)} FROM labour_needs n"
        " JOIN employers e ON e.id = n.employer_id AND e._deleted IS NULL AND e._erased IS NULL"
        f" WHERE n._deleted IS NULL AND n._erased IS NULL AND {' AND '.join(where or ['1'])}"
        " ORDER BY coalesce(n.starts_on, n.recorded_on), n.recorded_on, e.name, n.id LIMIT ?"
    )
    out = []
    for row in ws.store.conn.execute(sql, (*params, limit)):
        item = dict(zip(KEYS, row, strict=True))
        item["licences"] = json.loads(item["licences"]) if item["licences"] else []
        out.append(item)
    return out


def list_needs(
    ws: Workspace,
    *,
    open_only: bool = False,
    municipality: str | None = None,
    occupation: str | None = None,
    term: str | None = None,
    employer_id: str | None = None,
    programme: str | None = None,
    limit: int = 500,
) -> list[dict[str, Any]]:
    """Needs across employers, soonest first (from when, else recorded on); `occupation`
    keeps that code and every code under it; `municipality` is the employer's."""
    where: list[str] = []
    params: list[Any] = []
    if open_only:
        where.append("n.status = 'open'")
    if municipality:
        where.append("e.municipality = ?")
        params.append(municipality)
    if occupation:
        where.append("substr(n.occupation, 1, ?) = ?")
        params += [len(occupation), occupation]
    if term:
        where.append("n.term = ?")
        params.append(term)
    if employer_id:
        where.append("n.employer_id = ?")
        params.append(employer_id)
    if programme:
        where.append("n.programme = ?")
        params.append(programme)
    return _rows(ws, where, params, limit)


def get_need(ws: Workspace, need_id: str) -> dict[str, Any]:
    rows = _rows(ws, ["n.id = ?"], [need_id], 1)
    if not rows:
        raise NeedError("not_found", "no such need")
    require_scope(ws, _scope(ws, need_id))
    return rows[0]


def _scope(ws: Workspace, need_id: str) -> str | None:
    row = ws.store.conn.execute(
        f"SELECT scope FROM labour_needs WHERE id = ? AND {LIVE}", (need_id,)
    ).fetchone()
    return row[0] if row else None


def of_visits(ws: Workspace, visit_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """The needs recorded at each visit (for the employer card's visit list)."""
    if not visit_ids:
        return {}
    marks = ",".join("?" * len(visit_ids))
    out: dict[str, list[dict[str, Any]]] = {}
    for item in _rows(ws, [f"n.visit_id IN ({marks})"], list(visit_ids), 10_000):
        out.setdefault(item["visit_id"], []).append(item)
    return out
