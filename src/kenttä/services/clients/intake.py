"""A client's eligibility for their programme, and the exception a coach records.

Eligibility is computed (never stored) from the start data as it was at entry: the rule is
evaluated on the entry date, or today for a client who has not entered yet. A recorded
exception is three columns of the client (the reason, the programme it was granted for and
the day), so it syncs with the client and every change of it is audited like any other
correction (`core.update_client`); it counts only for the programme it was granted for.
"""

from __future__ import annotations

from datetime import date

from kenttä.domain.codes import Disclosure
from kenttä.domain.eligibility import Eligibility, RecordedException, evaluate, rule_for
from kenttä.domain.models import Client
from kenttä.services.clients.core import get_client, update_client
from kenttä.services.clients.rules import ClientError
from kenttä.services.context import Workspace
from kenttä.services.roles import require

MAX_REASON = 500


def evaluation_day(entry_date: date | None, today: date) -> date:
    """The day eligibility is judged on: the entry date once the client has entered."""
    return entry_date if entry_date is not None and entry_date <= today else today


def eligibility_of(client: Client, today: date) -> Eligibility:
    """The client's eligibility for their own programme, with a recorded exception."""
    exception = None
    if client.eligibility_exception and client.eligibility_exception_programme:
        exception = RecordedException(
            client.eligibility_exception_programme, client.eligibility_exception
        )
    immigrant = None
    answers = (client.foreign_background, client.third_country_national)
    if Disclosure.YES.value in answers:
        immigrant = True
    elif Disclosure.NO.value in answers:
        immigrant = False
    return evaluate(
        client.programme,
        birth_date=client.birth_date,
        unemployed_since=client.unemployed_since,
        benefit_days=client.benefit_days,
        on=evaluation_day(client.entry_date, today),
        months_unemployed_in_window=client.months_unemployed_last_16,
        earnings_related_allowance=client.earnings_related_allowance,
        immigrant=immigrant,
        referral_source=client.referral_source,
        exception=exception,
    )


def record_exception(ws: Workspace, client_id: str, reason: str, *, today: date) -> Client:
    """Record (or replace) the exception for the client's current programme, with why.

    An empty reason removes the exception. Refused in one line: no programme with a rule,
    a reason longer than MAX_REASON or spanning lines."""
    require(ws, "edit_client")
    client = get_client(ws, client_id)
    text = reason.strip()
    if not text:
        return update_client(
            ws,
            client_id,
            eligibility_exception=None,
            eligibility_exception_programme=None,
            eligibility_exception_on=None,
        )
    rule = rule_for(client.programme)
    if rule is None:
        raise ClientError("no_rule", "the client's programme has no eligibility rule", "programme")
    if len(text) > MAX_REASON:
        raise ClientError(
            "reason_too_long", f"the reason is longer than {MAX_REASON} characters", "reason"
        )
    if "\n" in text or "\r" in text:
        raise ClientError("reason_lines", "the reason must be one line", "reason")
    return update_client(
        ws,
        client_id,
        eligibility_exception=text,
        eligibility_exception_programme=rule.programme,
        eligibility_exception_on=today,
    )
