"""`kenttä events add|list`: information events (issue 16) from the command line."""

from __future__ import annotations

from datetime import date

import click

from kenttä.cli.common import CliContext, CommandError, echo_json, refused
from kenttä.i18n import t


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise CommandError(t("cli_own.not_date")) from None


@click.group("events")
def events() -> None:
    """Information events: when, where, who organised them, how many attended."""


@events.command("add")
@click.option("--date", "held_on", required=True, metavar="DATE", help="The day (YYYY-MM-DD).")
@click.option("--place", required=True, help="Where it was held.")
@click.option("--organiser", "organisers", multiple=True, help="An organiser (repeatable).")
@click.option("--attended", type=click.IntRange(min=0), default=0, help="How many attended.")
@click.option("--client", "clients", multiple=True, metavar="ID", help="A client who attended.")
@click.option("--host", metavar="ID", help="The school or employer that hosted it (its id).")
@click.option("--json", "as_json", is_flag=True, help="Print the event as JSON.")
@click.pass_obj
def add(
    obj: CliContext,
    held_on: str,
    place: str,
    organisers: tuple[str, ...],
    attended: int,
    clients: tuple[str, ...],
    host: str | None,
    as_json: bool,
) -> None:
    """Record an information event."""
    from kenttä.services.employers import events as service

    ws = obj.workspace()
    try:
        event = service.add_event(
            ws,
            held_on=_day(held_on),
            place=place,
            organisers=list(organisers),
            attended=attended,
            client_ids=list(clients),
            employer_id=host,
        )
    except ValueError as exc:
        raise refused(exc) from None
    finally:
        ws.close()
    if as_json:
        echo_json({"id": event.id})
    else:
        click.echo(event.id)


@events.command("list")
@click.option("--json", "as_json", is_flag=True, help="JSON for scripts.")
@click.pass_obj
def list_(obj: CliContext, as_json: bool) -> None:
    """The events, latest first (clients: how many of the attendees are clients)."""
    from kenttä.cli.words import day, table
    from kenttä.services.employers import events as service

    ws = obj.workspace()
    try:
        rows = service.list_events(ws)
    finally:
        ws.close()
    if as_json:
        echo_json(rows)
        return
    headers = [t(f"events.col_{c}") for c in ("date", "place", "organisers", "attended",
                                                   "clients")] + [t("events.host")]  # fmt: skip
    click.echo(table(headers, [
        [day(r["held_on"]), r["place"], ", ".join(r["organisers"]), r["attended"], r["clients"],
         r["host"]]
        for r in rows
    ]))  # fmt: skip
