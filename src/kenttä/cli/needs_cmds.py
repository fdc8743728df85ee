"""`kenttä needs list [--open] [--municipality M] [--occupation CODE] [--term short|long]
[--json]`: the labour needs across employers, soonest first (as the needs board)."""

from __future__ import annotations

import click

from kenttä.cli.common import CliContext, CommandError, echo_json
from kenttä.i18n import t


@click.group("needs")
def needs() -> None:
    """Labour needs recorded at company visits."""


@needs.command("list")
@click.option("--open", "open_only", is_flag=True, help="Open needs only.")
@click.option("--municipality", help="The employer's municipality (code or Finnish name).")
@click.option("--occupation", help="An occupation code (ammattiluokitus 2010) and those under it.")
@click.option("--term", type=click.Choice(["short", "long"]), help="Short- or long-term needs.")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_obj
def list_(
    obj: CliContext,
    open_only: bool,
    municipality: str | None,
    occupation: str | None,
    term: str | None,
    as_json: bool,
) -> None:
    """Labour needs across employers, soonest first."""
    from kenttä.domain.identifiers import municipalities, municipality_by_name
    from kenttä.domain.occupations import occupation_name
    from kenttä.i18n import code
    from kenttä.services.employers import needs as need_service

    code_of = None
    if municipality:
        text = municipality.strip()
        code_of = text if text in municipalities() else municipality_by_name(text)
        if code_of is None:
            raise CommandError(t("cli_own.municipality", name=text))
    ws = obj.workspace(create=False)
    try:
        rows = need_service.list_needs(
            ws,
            open_only=open_only,
            municipality=code_of,
            occupation=(occupation or "").strip() or None,
            term=term,
            limit=100_000,
        )
    finally:
        ws.close()
    if as_json:
        echo_json(rows)
        return
    from kenttä.cli.words import day

    names = municipalities()
    for row in rows:
        licences = ", ".join(code("licence", lic) for lic in row["licences"])
        click.echo(
            "  ".join(
                [
                    day(row["starts_on"] or row["recorded_on"]),
                    row["employer"] or "",
                    names.get(row["municipality"] or "", ""),
                    f"{row['occupation'] or '-'} {occupation_name(row['occupation']) or row['title']}",
                    f"×{row['headcount']}",
                    code("need_term", row["term"]),
                    code("need_status", row["status"]),
                    licences,
                ]
            ).rstrip()
        )
    click.echo(t("needs.count", count=len(rows)))
