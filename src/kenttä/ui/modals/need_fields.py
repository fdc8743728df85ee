"""Fields the forms of issue 16 share: needs typed on one line, the programme as a choice."""

from __future__ import annotations

from typing import Any

from textual.widgets import Select

from kenttä.i18n import t
from kenttä.services.employers import needs as need_service
from kenttä.ui.modals.form import FormError


def need_lines(text: str, term: str, field_id: str) -> list[dict[str, Any]]:
    """The needs typed in a field (`512 kokki 2 +hyg, siivooja`), or a FormError in words."""
    try:
        return need_service.parse_need_lines(text, term=term)
    except need_service.NeedError as exc:
        raise FormError(field_id, t(f"needs.error_{exc.code}", part=exc.part.strip())) from None


def programme_select(field_id: str, current: str | None = None) -> Select[str]:
    """The programmes with an eligibility rule (and the config's own), or none."""
    from kenttä.domain.eligibility import RULES

    names = sorted({*RULES, *([current] if current else [])}, key=str.upper)
    value = current if current in names else Select.NULL
    return Select(
        [(name, name) for name in names],
        prompt=t("needs.no_programme"),
        value=value,
        id=field_id,
    )


def reason_text(reasons: list[str], missing: list[str] | None = None) -> str:
    """`interest, card: Hygiene pass, municipality` (and the cards missing) in words."""
    from kenttä.i18n import code

    words = []
    for reason in reasons:
        if reason.startswith("licence:"):
            words.append(t("needs.reason.licence", name=code("licence", reason.split(":", 1)[1])))
        else:
            words.append(t(f"needs.reason.{reason}"))
    if missing:
        names = ", ".join(code("licence", m) for m in missing)
        words.append(t("needs.reason.missing", names=names))
    return ", ".join(words)
