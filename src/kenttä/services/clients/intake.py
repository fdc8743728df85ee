"""A client's eligibility for their programme, and the exception a coach records.

Eligibility is computed (never stored) from the start data as it was at entry: the rule is
evaluated on the entry date, or today for a client who has not entered yet. A recorded
exception is three columns of the client (the reason, the programme it was granted for and
the day), so it syncs with the client and every change of it is audited like any other
correction (`core.update_client`); it counts only for the programme it was granted for.
"""

from __future__ import annotations

from datetime import date

from kenttä.domain.eligibility import client_eligibility as eligibility_of
from kenttä.domain.eligibility import rule_for
from kenttä.domain.models import Client
from kenttä.services.clients.core import get_client, update_client
from kenttä.services.clients.rules import ClientError
from kenttä.services.context import Workspace
from kenttä.services.roles import require

MAX_REASON = 500
__all__ = ["MAX_REASON", "eligibility_of", "record_exception"]


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
