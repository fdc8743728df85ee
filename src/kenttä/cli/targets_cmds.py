"""`kenttä report targets set|list`: a programme's targets (issue 16), supervisor only.

The report (`kenttä report esf --programme P`) and F7 show them against the actuals.
"""

from __future__ import annotations

import click

from kenttä.cli.common import CliContext, CommandError, echo_json, refused
from kenttä.i18n import t

_COUNTS = (
    "participants",
    "participating_companies",
    "network_size",
    "sponsor_employers",
    "coachings_purchased",
)


def _rate(text: str | None) -> float | None:
    """`60`, `60 %` or `0.6` → 0.6 (a number above 1 is a percentage)."""
    if text is None:
        return None
    cleaned = text.strip().rstrip("%").strip().replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        raise CommandError(t("cli_own.not_rate")) from None
    value = value / 100 if value > 1 else value
    if not 0 <= value <= 1:
        raise CommandError(t("cli_own.rate_range"))
    return round(value, 4)


@click.group("targets")
def targets() -> None:
    """A programme's targets: set by a supervisor, shown by F7 and `report esf`."""


@targets.command("set")
@click.argument("programme")
@click.option("--participants", type=click.IntRange(min=0), help="Participants.")
@click.option("--positive-path-rate", help="Positive continuation path rate (60 or 0.6).")
@click.option("--participating-companies", type=click.IntRange(min=0), help="Companies.")
@click.option("--network-size", type=click.IntRange(min=0), help="Employer network size.")
@click.option("--sponsor-employers", type=click.IntRange(min=0), help="Sponsor employers.")
@click.option("--coachings-purchased", type=click.IntRange(min=0), help="Coachings purchased.")
@click.option(
    "--clear", multiple=True, metavar="FIGURE", help="Remove a figure's target (repeatable)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the programme's targets as JSON.")
@click.pass_obj
def set_cmd(
    obj: CliContext,
    programme: str,
    positive_path_rate: str | None,
    clear: tuple[str, ...],
    as_json: bool,
    **counts: int | None,
) -> None:
    """Set PROGRAMME's targets; figures not given keep their target."""
    from kenttä.services.reports import ReportError
    from kenttä.services.reports import targets as service

    values: dict[str, object] = {k: counts.get(k) for k in _COUNTS}
    values["positive_path_rate"] = _rate(positive_path_rate)
    if all(v is None for v in values.values()) and not clear:
        raise CommandError(t("cli_own.one_target"))
    ws = obj.workspace()
    try:
        result = service.set_targets(ws, programme, values, tuple(clear))
    except (ValueError, ReportError) as exc:
        raise refused(exc) from None
    finally:
        ws.close()
    if as_json:
        echo_json(result)
    else:
        click.echo(t("cli_said.targets_saved", programme=result["programme"]))


@targets.command("list")
@click.option("--json", "as_json", is_flag=True, help="JSON for scripts.")
@click.pass_obj
def list_cmd(obj: CliContext, as_json: bool) -> None:
    """Every programme's targets."""
    from kenttä.services.reports import targets as service

    ws = obj.workspace()
    try:
        rows = service.list_targets(ws)
    finally:
        ws.close()
    if as_json:
        echo_json(rows)
        return
    from kenttä.cli.words import table
    from kenttä.i18n.numbers import number, percent

    def shown(figure: str, value: float | None) -> str | None:
        if value is None:
            return None
        return percent(value) if figure.endswith("_rate") else number(value)

    headers = [
        t("esf_words.programme"),
        *(t(f"esf_words.word.{f}") for f in service.TARGET_FIGURES),
    ]
    click.echo(table(headers, [
        [r["programme"], *(shown(f, r.get(f)) for f in service.TARGET_FIGURES)] for r in rows
    ]))  # fmt: skip
