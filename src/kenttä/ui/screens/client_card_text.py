"""What the client card shows, as text: the summary (who, status, team, eligibility, start
data, contact, plan, placements and their paths, vouchers, notes, assessment) and a note's
row on the timeline. The screen itself is client_card.py."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from kenttä.domain.identifiers import municipalities
from kenttä.i18n import code, t
from kenttä.services.clients import ClientCard
from kenttä.ui.parsing import format_date, format_euros
from kenttä.ui.start_text import eligibility_line, start_data_text


def eligibility_text(card: ClientCard) -> str:
    return eligibility_line(card.eligibility)


def first_line(body: str, width: int = 60) -> str:
    line = (body or "").strip().splitlines()[0] if (body or "").strip() else ""
    return line if len(line) <= width else line[: width - 1] + "…"


def team_text(members: list[dict[str, Any]]) -> str:
    """The co-workers on the card: `liisa.p (Psykologi), …`; empty without any."""
    return ", ".join(f"{m['user']} ({code('team_role', m['role'])})" for m in members)


def summary_text(
    card: ClientCard,
    *,
    casework: bool = True,
    segments: dict[str, str] | None = None,
    team: list[dict[str, Any]] | None = None,
) -> Text:
    """The card's summary; `casework` False (a coordinator): plan, notes and assessment are
    not shown to the role, and the card says so rather than "–" (which reads as "none")."""
    c = card.client
    none = "–" if casework else f"({t('role.notes_hidden')})"
    out = Text()
    out.append(f"{c.last_name} {c.first_name}", style="bold")
    # a coordinator's card: name, status, contact and placements, never the identity number,
    # the start data or eligibility (the office never sends them to a coordinator's laptop;
    # a laptop that holds them, a demo or a standalone one, does not show them either)
    bits = [c.henkilotunnus or "", f"{card.age} {t('card.years')}" if card.age is not None else ""]
    bits = bits if casework else []
    bits.append(municipalities().get(c.municipality or "", c.municipality or ""))
    out.append("  " + " · ".join(b for b in bits if b) + "\n")
    out.append(f"{t('card.status')}: ", style="bold")
    out.append(
        f"{code('status', c.status)} · {t('card.programme')}: {c.programme or '–'}"
        f" · {t('card.owner')}: {c.owner or '–'}\n"
    )
    if c.segment:  # Polku's segment, by its name in the current language
        out.append(f"{t('screening.card_segment')}: ", style="bold")
        out.append(f"{(segments or {}).get(c.segment, c.segment)}\n")
    if team:
        out.append(f"{t('card.team')}: ", style="bold")
        out.append(team_text(team) + "\n")
    if casework:
        out.append(f"{t('card.eligibility')}: ", style="bold")
        out.append(eligibility_text(card) + "\n")
        out.append(start_data_text(c))
    if c.phone or c.email:
        out.append(f"{t('card.contact')}: ", style="bold")
        out.append(" · ".join(x for x in (c.phone, c.email) if x) + "\n")
    out.append(f"\n{t('card.plan')}: ", style="bold")
    out.append((first_line(card.plan["goal"]) if card.plan and card.plan["goal"] else none) + "\n")
    for step in card.steps[:4]:
        out.append(
            f"  • {format_date(step['due_date']) or '–':>10} {first_line(step['description'], 40)}"
            f" ({code('step', step['status'])})\n"
        )
    out.append(f"\n{t('card.vouchers')}: ", style="bold")
    out.append("–\n" if not card.vouchers else "\n")
    for v in card.vouchers[:3]:
        # two lines, the second indented: one line wrapped to column 1 at 80 columns
        out.append(f"  {v['number']} · {code('voucher', v['status'])}\n")
        out.append(
            f"    {v['service'] or v['service_code']} · {format_euros(v['value_cents'])}"
            f" · {t('narrow.valid_until', date=format_date(v['valid_until']))}\n"
        )
    if card.has_draft:
        out.append(f"\n{t('card.draft_waiting')}\n", style="bold yellow")
    out.append(f"\n{t('card.latest_notes')}: ", style="bold")
    out.append(f"{none}\n" if not card.notes else "\n")
    for n in card.notes:
        out.append(f"  {format_date(n['written_at'])} {first_line(n['body'], 58)}\n")
    a = card.assessment
    out.append(f"\n{t('card.assessment')}: ", style="bold")
    if a is None:
        out.append(f"{none}\n")
    else:
        strong = ", ".join(code("area", x) for x in a["strong_areas"]) or "–"
        weak = ", ".join(code("area", x) for x in a["weak_areas"]) or "–"
        out.append(f"{format_date(a['assessed_on'])}\n")
        out.append(f"  {t('card.strengths')}: {strong}\n  {t('card.obstacles')}: {weak}\n")
    if card.placements:
        from kenttä.ui.modals.follow_up_form import follow_up_line

        out.append(f"\n{t('card.placements')}:\n", style="bold")
        for p in card.placements[:3]:
            out.append(
                f"  {code('placement', p['kind'])} · {p['employer'] or ''} · "
                f"{format_date(p['start_date'])}–{format_date(p['end_date'])}\n"
            )
            for f in p.get("follow_up_records", [])[:2]:
                out.append(f"    {follow_up_line(f, 64)}\n")
        out.append(paths_text(card.placements))
    if c.exit_date or card.outcomes:
        out.append(f"\n{t('card.exit')}: ", style="bold")
        out.append(f"{format_date(c.exit_date)} {code('outcome', c.outcome)}\n")
        for o in card.outcomes:
            if o["checkpoint"] != "exit":
                result = code("outcome", o["outcome"]) if o["checked_on"] else t("card.check_due")
                out.append(
                    f"  {code('checkpoint', o['checkpoint'])} {format_date(o['due_on'])}: {result}\n"
                )
    return out


def paths_text(placements: list[dict[str, Any]], limit: int = 3) -> Text:
    """The client's placements as paths (issue 16): a path's next steps start with "→", and
    a path of several steps says the outcome its end gives."""
    from kenttä.services.employers.paths import group_paths

    out = Text()
    for path in group_paths(placements)[:limit]:
        for n, p in enumerate(path.steps):
            out.append(
                f"  {'→ ' if n else ''}{code('placement', p['kind'])} · {p['employer'] or ''} · "
                f"{format_date(p['start_date'])}–{format_date(p['end_date'])}\n"
            )
            if p.get("learning_periods") or p.get("employed_by_name"):
                out.append("    " + apprenticeship_text(p) + "\n", style="dim")
        if len(path.steps) > 1 and path.outcome() is not None:
            out.append(f"    {t('path.ends_in', outcome=code('outcome', path.outcome()))}\n")
    return out


def apprenticeship_text(p: dict[str, Any]) -> str:
    """A supported apprenticeship's learning periods and the association that employs."""
    bits = []
    if p.get("learning_periods"):
        periods = ", ".join(
            f"{format_date(lp['start'])}–{format_date(lp['end'])}" for lp in p["learning_periods"]
        )
        bits.append(f"{t('path.periods_short')}: {periods}")
    if p.get("employed_by_name"):
        bits.append(f"{t('path.employed_by_short')}: {p['employed_by_name']}")
    return " · ".join(bits)


def render_note(note: dict[str, Any]) -> tuple[str, ...]:
    mark = ""
    if note.get("corrects"):
        mark = t("notes.correction_mark")
    elif note.get("corrected_by"):
        mark = t("notes.corrected_mark")
    return (
        format_date(note["written_at"]),
        code("note_kind", note["kind"]),
        mark,
        first_line(note["body"], 50),
    )
