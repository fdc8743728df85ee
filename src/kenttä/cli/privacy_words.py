"""The audit trail's lines for a person, in the configured language (issue 14): when (Helsinki
time), who, what was done in words, and to which record (its kind in words and its id); the
detail only as words (changed columns, an export's format and rows). `--json` keeps codes."""

from __future__ import annotations

import re
from typing import Any

from kenttä.cli.words import moment
from kenttä.i18n import code, get_language, t

_EXPORT = re.compile(r"^(\w+), (\d+) rows$")


def _detail(action: str, detail: str) -> str:
    if not detail:
        return ""
    if action == "change":
        return ", ".join(code("column", part.strip()) for part in detail.split(","))
    if detail == "audit trail":
        return t("audit_detail.audit_trail")
    if match := _EXPORT.match(detail):
        return t("audit_detail.export", format=match[1], count=match[2])
    return detail if get_language() == "en" else ""  # no words for it: English only


def audit_line(event: dict[str, Any]) -> str:
    """`16.3.2026 9.05  testi.valmentaja  muutettu  asiakas 01a2…  (puhelin)`."""
    detail = _detail(event["action"], event.get("detail") or "")
    record = f"{code('record_kind', event['record_table'])} {event['record_id']}"
    line = (f"{moment(event['at']):<16}  {event['actor']:<20} "
            f"{code('audit_action', event['action']):<15} {record}")  # fmt: skip
    return f"{line}  ({detail})" if detail else line
