"""`kenttä clients …`: screening lists of clients, and client segments (issue 15, 3 and 8).

`clients list` prints the clients a screening keeps (definitions in
kenttä.services.clients.screening), in name order; for a person in the configured language,
with `--json` codes, ids and ISO dates. `clients segments add|list|retire` keeps the
supervisor's list of segments; `clients set-segment` puts a client in one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from kenttä.cli.common import CliContext, CommandError, echo_json, refused
from kenttä.i18n import t
from kenttä.services.context import Workspace


@contextmanager
def _workspace(obj: CliContext) -> Iterator[Workspace]:
    """The workspace, with the screening and segment refusals as one-line errors."""
    from kenttä.services.clients.rules import ClientError
    from kenttä.services.clients.screening import ScreeningError
    from kenttä.services.clients.segments import SegmentError
    from kenttä.services.roles import PermissionDenied

    ws = obj.workspace()
    try:
        yield ws
    except (ScreeningError, SegmentError, ClientError, PermissionDenied) as exc:
        raise refused(exc) from None
    finally:
        ws.close()


def _municipality(text: str | None) -> str | None:
    """A municipality by its code (297) or its name (Kuopio)."""
    if text is None:
        return None
    from kenttä.domain.identifiers import municipalities

    known = municipalities()
    wanted = text.strip()
    if wanted in known:
        return wanted
    for code, name in known.items():
        if name.casefold() == wanted.casefold():
            return code
    raise CommandError(t("cli_own.municipality", name=wanted))


@click.group("clients")
def clients() -> None:
    """Screening lists of clients, and client segments."""


@clients.command("list")
@click.option(
    "--min-benefit-days",
    type=click.IntRange(0, 100_000),
    metavar="N",
    help="Only clients with at least N benefit days (työmarkkinatukipäivät).",
)
@click.option(
    "--no-activity-days",
    type=click.IntRange(0, 100_000),
    metavar="N",
    help="Only clients with no note, assessment, placement or plan step in N days.",
)
@click.option(
    "--plan",
    type=click.Choice(["missing", "outdated"]),
    help="missing: no plan; outdated: nothing in the plan written in 90 days.",
)
@click.option(
    "--eligible",
    metavar="PROGRAMME",
    help="Only clients who fit PROGRAMME's target group today (TOPI, KUOPIO, …).",
)
@click.option("--owner", help="Only this coach's clients.")
@click.option("--municipality", help="Only clients of this municipality (name or code).")
@click.option("--segment", help="Only clients of this segment (a code; `none`: no segment).")
@click.option("--limit", type=click.IntRange(1, 1_000_000), help="At most this many clients.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (codes, ids, ISO dates).")
@click.pass_obj
def list_(
    obj: CliContext,
    min_benefit_days: int | None,
    no_activity_days: int | None,
    plan: str | None,
    eligible: str | None,
    owner: str | None,
    municipality: str | None,
    segment: str | None,
    limit: int | None,
    as_json: bool,
) -> None:
    """Clients a screening keeps, in name order: who qualifies, whom nobody has met."""
    from kenttä.services.clients import ClientFilters
    from kenttä.services.clients.screening import Screening, ScreeningError
    from kenttä.services.clients.screening_rows import screen_clients

    try:
        screening = Screening(
            min_benefit_days=min_benefit_days,
            no_activity_days=no_activity_days,
            plan=plan,
            eligible=eligible,
            segment=segment.strip().lower() if segment else None,
        )
    except ScreeningError as exc:
        raise refused(exc) from None
    filters = ClientFilters(owner=owner, municipality=_municipality(municipality))
    found: list[Any] = []
    with _workspace(obj) as ws:
        after = None
        while limit is None or len(found) < limit:
            page = min(500, limit - len(found)) if limit is not None else 500
            rows = screen_clients(ws, screening, filters, after=after, limit=page)
            found += rows
            if len(rows) < page:
                break
            after = rows[-1].key
        names = _segment_names(ws)
    if as_json:
        echo_json(
            {
                "on": screening.day.isoformat(),
                "criteria": _criteria(screening, owner, filters.municipality),
                "count": len(found),
                "clients": [r.as_dict() for r in found],
            }
        )
        return
    click.echo(_table(found, names))


def _criteria(screening: Any, owner: str | None, municipality: str | None) -> dict[str, Any]:
    return {
        "min_benefit_days": screening.min_benefit_days,
        "no_activity_days": screening.no_activity_days,
        "plan": screening.plan,
        "eligible": screening.eligible,
        "segment": screening.segment,
        "owner": owner,
        "municipality": municipality,
    }


def _segment_names(ws: Workspace) -> dict[str, str]:
    from kenttä.services.clients.segments import segment_names

    return segment_names(ws)


def _table(rows: list[Any], segments: dict[str, str]) -> str:
    from kenttä.cli.words import day, table
    from kenttä.i18n import code, t

    headers = [
        t("screening.col_name"),
        t("screening.col_status"),
        t("screening.col_benefit_days"),
        t("screening.col_unemployed_since"),
        t("screening.col_last_activity"),
        t("screening.col_plan"),
        t("screening.col_segment"),
        t("screening.col_owner"),
    ]
    out = [
        [
            f"{r.last_name} {r.first_name}",
            code("status", r.status),
            r.benefit_days,
            day(r.unemployed_since),
            day(r.activity.last_activity) or t("screening.never"),
            t(f"screening.plan_{r.activity.plan}"),
            segments.get(r.segment or "", r.segment or ""),
            r.owner,
        ]
        for r in rows
    ]
    text = table(headers, out)
    return text if not rows else f"{text}\n{t('screening.count', count=len(rows))}"


@clients.command("set-segment")
@click.argument("client_id")
@click.argument("code")
@click.pass_obj
def set_segment_(obj: CliContext, client_id: str, code: str) -> None:
    """Put a client in segment CODE (`none`: in no segment)."""
    from kenttä.services.clients.segments import set_segment

    with _workspace(obj) as ws:
        done = set_segment(ws, client_id, None if code.strip().lower() == "none" else code)
    click.echo(done.segment or t("cli_said.no_segment"))


@clients.group("segments")
def segments() -> None:
    """The client segments (Polku): a supervisor adds and retires them."""


def _segment_json(segment: Any) -> dict[str, Any]:
    return segment.model_dump(mode="json", exclude={"scope"})


@segments.command("list")
@click.option("--all", "include_retired", is_flag=True, help="Retired segments too.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def segments_list(obj: CliContext, include_retired: bool, as_json: bool) -> None:
    """The segments in code order, with how many clients each has."""
    from kenttä.services.clients.segments import list_segments, segment_counts, segment_name

    with _workspace(obj) as ws:
        found = list_segments(ws, include_retired=include_retired)
        counts = segment_counts(ws)
    if as_json:
        echo_json([{**_segment_json(s), "clients": counts.get(s.code, 0)} for s in found])
        return
    from kenttä.cli.words import day, table
    from kenttä.i18n import t

    headers = [
        t("screening.col_code"),
        t("screening.col_segment"),
        t("screening.col_clients"),
        t("screening.col_retired"),
    ]
    rows = [[s.code, segment_name(s), counts.get(s.code, 0), day(s.retired_on)] for s in found]
    click.echo(table(headers, rows))


@segments.command("add")
@click.argument("code")
@click.option("--fi", "name_fi", required=True, help="The name in Finnish.")
@click.option("--sv", "name_sv", help="The name in Swedish.")
@click.option("--en", "name_en", help="The name in English.")
@click.option("--json", "as_json", is_flag=True, help="Print the segment as JSON.")
@click.pass_obj
def segments_add(
    obj: CliContext, code: str, name_fi: str, name_sv: str | None, name_en: str | None,
    as_json: bool,
) -> None:  # fmt: skip
    """Add segment CODE (a–z, digits, _) with its names (supervisor)."""
    from kenttä.services.clients.segments import add_segment

    with _workspace(obj) as ws:
        made = add_segment(ws, code, name_fi, name_sv, name_en)
    if as_json:
        echo_json(_segment_json(made))
    else:
        click.echo(made.code)


@segments.command("retire")
@click.argument("code")
@click.pass_obj
def segments_retire(obj: CliContext, code: str) -> None:
    """Retire segment CODE: no longer offered; its clients keep it (supervisor)."""
    from kenttä.domain import localtime
    from kenttä.services.clients.segments import retire_segment

    with _workspace(obj) as ws:
        done = retire_segment(ws, code, on=localtime.today())
    click.echo(t("cli_said.segment_retired", code=done.code))
