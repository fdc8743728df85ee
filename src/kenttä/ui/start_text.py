"""The start data and eligibility lines of the client card and forms (issue 15).

Eligibility reads ✓ (eligible, why), ! (an exception a coach recorded: their reason, and
what the rule itself says), ✗ (not eligible, why) or ? (the data the rule needs is missing).
"""

from __future__ import annotations

import textwrap
from typing import Any

from rich.text import Text

from kenttä.domain.eligibility import Eligibility
from kenttä.domain.models import Client
from kenttä.i18n import t
from kenttä.ui.parsing import format_date

DISCLOSURES = {  # the ESF+ answers that may be "does not want to answer": field → label key
    "disability": "intake.disability",
    "foreign_background": "intake.foreign_background",
    "third_country_national": "intake.third_country",
    "minority": "intake.minority",
    "homelessness": "intake.homelessness",
}
MARKS = {"eligible": "✓", "exception": "!", "not_eligible": "✗", "unknown": "?"}
STATES = {
    "eligible": "card.eligible",
    "exception": "card_start.exception_mark",
    "not_eligible": "card.not_eligible",
    "unknown": "card.unknown",
}


def _why(e: Eligibility) -> str:
    params: dict[str, Any] = {"age": "?", "months": "?", "days": "?", **e.params}
    return t(f"eligibility.{e.reason_code}", **params)


def eligibility_line(e: Eligibility) -> str:
    """`✓ kelpoinen: ikä 40, työttömänä 13 kk`; an exception also names the rule's verdict."""
    state = e.state
    text = f"{MARKS[state]} {t(STATES[state])}: "
    if state == "exception":
        text += e.params.get("why", "")
        if e.ruled is not None:
            text += f" ({t('eligibility.exception_over', rule=_why(e.ruled))})"
        return text
    return text + _why(e)


# The card's text column at 80×24 (the card's padding and scroll bar taken off).
CARD_TEXT_WIDTH = 74


def start_data_text(c: Client) -> Text:
    """Two or three lines: gender, status, education; unemployment; ESF+ answers, consent."""
    out = Text()
    out.append(f"{t('card_start.title')}: ", style="bold")
    first = [
        t(f"intake.gender_code.{c.gender}") if c.gender else "",
        t(f"intake.labour.{c.labour_status}") if c.labour_status else "",
        t(f"intake.isced.{c.education}") if c.education else "",
    ]
    out.append(" · ".join(x for x in first if x) or "–")
    second = []
    if c.unemployed_since:
        second.append(f"{t('card_start.unemployed_since')} {format_date(c.unemployed_since)}")
    if c.benefit_days is not None:
        second.append(f"{t('card_start.benefit_days')} {c.benefit_days}")
    if c.referral_source:
        referral = t(f"intake.referral.{c.referral_source}")
        second.append(f"{t('card_start.referral')} {referral}")
    if second:
        out.append("\n  " + " · ".join(second))
    answers = [
        f"{t(key)}: {t(f'intake.disclosure.{getattr(c, field)}')}"
        for field, key in DISCLOSURES.items()
        if getattr(c, field)
    ]
    consent = (
        t("card_start.consent_given", date=format_date(c.consent_date))
        if c.consent
        else t("card_start.consent_missing")
    )
    esf = f"{t('card_start.esf')}: " + (", ".join(answers) or t("card_start.esf_none"))
    line = f"{t('card_start.consent')} {consent.strip()} · {esf}"
    if len(line) > CARD_TEXT_WIDTH - 2:  # wrapped by hand, indented: not to column 1
        esf = textwrap.fill(esf, CARD_TEXT_WIDTH, initial_indent="  ", subsequent_indent="    ")
        line = f"{t('card_start.consent')} {consent.strip()}\n{esf}"
    out.append(f"\n  {line}")
    return out.append("\n")
