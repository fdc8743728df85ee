"""Client segments (Polku): a supervisor's short list of segments, one segment per client.

The list is the replicated `segments` table: a code (its natural key: the same code added on
two laptops offline becomes one row at sync), a name in Finnish and optionally Swedish and
English, and the day it was retired. A supervisor adds and retires segments
(`manage_segments`); a retired segment stays readable (clients keep it, reports name it)
but is no longer offered for a client. A coach sets a client's segment (`edit_client`):
`clients.segment` holds the code, written through `update_client` (validated, audited).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from kenttä.domain.models import Client, Segment
from kenttä.i18n import get_language
from kenttä.services.clients.core import get_client, update_client
from kenttä.services.clients.rules import ClientError
from kenttä.services.context import Workspace
from kenttä.services.records import LIVE
from kenttä.services.roles import require

CODE = re.compile(r"^[a-z0-9_]{1,40}$")
_COLUMNS = ("id", "scope", "code", "name_fi", "name_sv", "name_en", "retired_on")


class SegmentError(ValueError):
    """A segment operation refused; the one-line reason names no person."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def segment_name(segment: Segment, language: str | None = None) -> str:
    """The segment's name in `language` (default: the current one), else in Finnish."""
    language = language or get_language()
    return getattr(segment, f"name_{language}", None) or segment.name_fi


def list_segments(ws: Workspace, *, include_retired: bool = False) -> list[Segment]:
    """The segments in code order; retired ones only when asked."""
    sql = f"SELECT {', '.join(_COLUMNS)} FROM segments WHERE {LIVE}"
    if not include_retired:
        sql += " AND retired_on IS NULL"
    rows = ws.store.conn.execute(sql + " ORDER BY code, id").fetchall()
    out: dict[str, Segment] = {}
    for row in rows:  # two rows of one code (before sync merges them): the first counts
        segment = Segment.model_validate(dict(zip(_COLUMNS, row, strict=True)))
        out.setdefault(segment.code, segment)
    return list(out.values())


def segment_names(ws: Workspace) -> dict[str, str]:
    """code → name in the current language, retired segments included (for lists, reports)."""
    return {s.code: segment_name(s) for s in list_segments(ws, include_retired=True)}


def _find(ws: Workspace, code: str) -> Segment | None:
    for segment in list_segments(ws, include_retired=True):
        if segment.code == code:
            return segment
    return None


def normalise_code(code: str) -> str:
    text = (code or "").strip().lower()
    if not CODE.match(text):
        raise SegmentError(
            "bad_code", "a segment code is 1–40 letters a–z, digits or _ (e.g. youth_neet)"
        )
    return text


def add_segment(
    ws: Workspace, code: str, name_fi: str, name_sv: str | None = None, name_en: str | None = None
) -> Segment:
    """A new segment (supervisor); a code already listed, retired or not, is refused."""
    require(ws, "manage_segments")
    code = normalise_code(code)
    if not (name_fi or "").strip():
        raise SegmentError("name_required", "a segment needs a Finnish name")
    if _find(ws, code) is not None:
        raise SegmentError("segment_exists", f"segment {code} exists already")
    segment = Segment(
        code=code,
        name_fi=name_fi,
        name_sv=(name_sv or "").strip() or None,
        name_en=(name_en or "").strip() or None,
        scope=ws.config.scope,
    )
    with ws.store.replica.transaction(ws.user) as tx:
        tx.insert("segments", segment.to_row())
    return segment


def retire_segment(ws: Workspace, code: str, *, on: date) -> Segment:
    """Retire a segment (supervisor): no longer offered; clients in it keep it."""
    require(ws, "manage_segments")
    found = _find(ws, normalise_code(code))
    if found is None:
        raise SegmentError("not_found", f"no segment {code.strip().lower()}")
    if found.retired_on is not None:
        raise SegmentError("retired", f"segment {found.code} is retired already")
    with ws.store.replica.transaction(ws.user) as tx:
        tx.update("segments", found.id, {"retired_on": on})
    return found.model_copy(update={"retired_on": on})


def set_segment(ws: Workspace, client_id: str, code: str | None) -> Client:
    """Put a client in a segment (a listed, unretired one) or, with None, in none."""
    require(ws, "edit_client")
    if code:
        found = _find(ws, normalise_code(code))
        if found is None:
            raise SegmentError("not_found", f"no segment {code.strip().lower()}")
        current = get_client(ws, client_id)
        if found.retired_on is not None and current.segment != found.code:
            raise SegmentError("retired", f"segment {found.code} is retired")
        code = found.code
    try:
        return update_client(ws, client_id, segment=code or None)
    except ClientError as exc:
        raise SegmentError(exc.code, str(exc)) from None


def segment_counts(ws: Workspace) -> dict[str | None, int]:
    """Live clients per segment code (None: no segment)."""
    rows = ws.store.conn.execute(
        f"SELECT segment, count(*) FROM clients WHERE {LIVE} GROUP BY segment"
    ).fetchall()
    out: dict[str | None, Any] = {}
    for code, count in rows:
        out[code or None] = out.get(code or None, 0) + count
    return out
