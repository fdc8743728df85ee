"""A placement follow-up: which placement, when, who was contacted, how it goes, next date.

Opened from the client card (the client's placements, ongoing first) and from the employer
card (its placements, the highlighted one chosen)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.widget import Widget
from textual.widgets import Input, Select

from kenttä.i18n import code, t
from kenttä.services.employers import follow_ups
from kenttä.ui.modals.form import FormError, FormModal
from kenttä.ui.parsing import clip, format_date


def placement_label(p: dict[str, Any], *, by: str) -> str:
    """A placement as the select shows it: the employer (client card) or the client
    (employer card), its kind and period."""
    if by == "client":
        who = f"{p.get('last_name') or ''} {p.get('first_name') or ''}".strip()
    else:
        who = p.get("employer") or ""
    period = f"{format_date(p['start_date'])}–{format_date(p['end_date'])}"
    return f"{who} · {code('placement', p['kind'])} · {period}"


def follow_up_line(f: dict[str, Any], width: int = 64) -> str:
    """One follow-up on a card: date, who, how it goes, the next date (cut to `width`)."""
    if f.get("legacy"):
        return clip(f"{format_date(f['contacted_on'])} {t('follow_up.legacy')}", width)
    how = (f.get("how_it_goes") or "").strip().splitlines()
    text = f"{format_date(f['contacted_on'])} {f['contacted']}"
    if how:
        text += f": {how[0]}"
    if f.get("next_date"):
        tail = f" → {format_date(f['next_date'])}"
        return clip(text, width - len(tail)) + tail
    return clip(text, width)


class FollowUpForm(FormModal):
    TITLE_KEY = "follow_up.title"

    def __init__(
        self, placements: list[dict[str, Any]], *, by: str = "employer", chosen: str | None = None
    ) -> None:
        super().__init__()
        self.placements = placements
        self.by = by
        self.chosen = chosen or (placements[0]["id"] if placements else None)

    def fields(self) -> Iterable[Widget]:
        yield self.label("follow_up.placement")
        yield Select(
            [(placement_label(p, by=self.by), p["id"]) for p in self.placements],
            value=self.chosen if self.chosen is not None else Select.NULL,
            allow_blank=False,
            id="follow-up-placement",
        )
        yield self.label("follow_up.contacted_on")
        yield Input(value=format_date(self.kapp.today), id="follow-up-on")
        yield self.label("follow_up.contacted")
        yield Input(placeholder=t("follow_up.contacted_hint"), id="follow-up-who")
        yield self.label("follow_up.how_it_goes")
        yield Input(id="follow-up-how")
        yield self.label("follow_up.next_date")
        yield Input(id="follow-up-next")

    def focus_first(self) -> None:
        """The date is usually today: start where the person has to type."""
        self.query_one("#follow-up-who", Input).focus()

    def submit(self) -> None:
        placement_id = self.value("follow-up-placement")
        if not placement_id:
            raise FormError("follow-up-placement", t("validation.required"))
        on = self.date_value("follow-up-on", required=True)
        who = self.required("follow-up-who")
        next_date = self.date_value("follow-up-next")
        if next_date is not None and next_date < on:
            raise FormError("follow-up-next", t("follow_up.next_before"))
        self.write(
            follow_ups.record_follow_up,
            placement_id,
            contacted_on=on,
            contacted=who,
            how_it_goes=self.value("follow-up-how").strip(),
            next_date=next_date,
            done=lambda _: self._done(),
        )

    def _done(self) -> None:
        self.app.notify(t("follow_up.saved"))
        self.dismiss(True)
