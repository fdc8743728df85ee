"""`kenttä report esf|followups|quality|feedback`: the programme's figures for people and scripts.

CSV, xlsx and the ESF figures hold no personal data: clients appear by record id and a label
of programme, status, dates and outcome. The follow-up and quality tables, read by a person,
name the clients and put codes in words (the configured language); their JSON keeps ids and
codes only. Bad input is one line on stderr and exit status 1.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from typing import Any

import click

from kenttä.cli.common import CliContext, CommandError, echo_json, refused
from kenttä.domain import localtime
from kenttä.i18n import t
from kenttä.services.context import Workspace
from kenttä.services.reports import Period, ReportError, parse_day, resolve_programme
from kenttä.store.files import write_private

FORMATS = click.Choice(["table", "csv", "json", "xlsx"])


def _format_options(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option(
        "--out",
        "out",
        type=click.Path(dir_okay=False),
        help="Write to FILE (required for xlsx).",
    )(func)
    func = click.option("--json", "as_json", is_flag=True, help="Same as --format json.")(func)
    func = click.option(
        "--format", "fmt", type=FORMATS, default="table", show_default=True, help="Output format."
    )(func)
    return func


def _required_period(func: Callable[..., Any]) -> Callable[..., Any]:
    """`--from DATE --to DATE`, both required (a report over a period)."""
    func = click.option(
        "--to", "end", required=True, metavar="DATE", help="Last day of the period (YYYY-MM-DD)."
    )(func)
    return click.option(
        "--from",
        "start",
        required=True,
        metavar="DATE",
        help="First day of the period (YYYY-MM-DD).",
    )(func)


def _fmt(fmt: str, as_json: bool, out: str | None) -> str:
    fmt = "json" if as_json else fmt
    if fmt == "xlsx" and not out:
        raise CommandError(t("cli_own.xlsx_out"))
    return fmt


def _period(start: str | None, end: str | None, *, required: bool) -> Period | None:
    if start is None and end is None and not required:
        return None
    if start is None or end is None:
        raise CommandError(t("cli_own.from_to"))
    try:
        return Period(parse_day(start, "--from"), parse_day(end, "--to"))
    except ReportError as exc:
        raise refused(exc) from None


def _programme(ws: Workspace, name: str | None) -> str | None:
    try:
        return resolve_programme(ws, name)
    except ReportError as exc:
        raise refused(exc) from None


def _emit(text: str, out: str | None) -> None:
    if out:
        write_private(out, text if text.endswith("\n") else text + "\n")
        click.echo(t("cli_said.wrote", out=out), err=True)
    else:
        click.echo(text.rstrip("\n"))


def _emit_list(
    fmt: str,
    out: str | None,
    items: Sequence[dict[str, Any]],
    columns: Sequence[str],
    payload: dict[str, Any],
    sheet: str,
) -> None:
    import json

    from kenttä.services.reports import formats

    if fmt == "json":
        if out:
            _emit(json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True), out)
        else:
            echo_json(payload)
    elif fmt == "csv":
        _emit(formats.dicts_csv(items, columns), out)
    elif fmt == "xlsx":
        assert out is not None
        rows = [[item.get(c) for c in columns] for item in items]
        formats.write_xlsx(out, {sheet: (columns, rows)})
        click.echo(t("cli_said.wrote", out=out), err=True)
    else:
        _emit(formats.dicts_table(items, columns), out)


@click.group("report")
def report() -> None:
    """ESF monitoring, follow-up, quality and feedback reports."""


def _period_report(
    name: str, programme_help: str, *options: Callable[..., Any]
) -> Callable[[Callable[..., None]], click.Command]:
    """Register `report NAME` over a required period: --from/--to, --programme
    (`programme_help`), the `options`, then the formats; the body's docstring is its help.

    The body is called as `body(ws, period, programme, fmt, out, **options' values)`: the
    workspace open (closed after the body), the programme resolved (None: all) and --json
    folded into `fmt`. Bad dates, a bad format or programme stop it before the body runs.
    """

    def register(body: Callable[..., None]) -> click.Command:
        def command(
            obj: CliContext,
            start: str,
            end: str,
            programme: str | None,
            fmt: str,
            as_json: bool,
            out: str | None,
            **values: Any,
        ) -> None:
            fmt = _fmt(fmt, as_json, out)
            period = _period(start, end, required=True)
            assert period is not None
            ws = obj.workspace()
            try:
                body(ws, period, _programme(ws, programme), fmt, out, **values)
            finally:
                ws.close()

        command.__doc__ = body.__doc__
        func = _format_options(click.pass_obj(command))
        for option in reversed(options):
            func = option(func)
        func = click.option("--programme", help=programme_help)(func)
        return report.command(name)(_required_period(func))

    return register


@_period_report(
    "esf",
    "Only this programme's clients (default: all).",
    click.option(
        "--explain", "figure", metavar="FIGURE", help="List the records behind FIGURE (a JSON key)."
    ),
)
def esf_cmd(
    ws: Workspace, period: Period, prog: str | None, fmt: str, out: str | None, figure: str | None
) -> None:
    """ESF+ indicators, funnel, outcomes, companies and vouchers over a period.

    JSON keys for scripts: participants, finished, positive_path_rate, job_or_degree_rate
    (fractions, null when nobody finished), participating_companies, and the rest by the
    names in the table's figure column (`--format csv` shows them).
    """
    from kenttä.services.reports import esf, formats

    if figure:
        try:
            records = esf.explain(ws, figure, period, prog, words=fmt == "table")
        except ReportError as exc:
            raise refused(exc) from None
        payload = {
            "figure": figure,
            "period": period.as_dict(),
            "programme": prog,
            "count": len(records),
            "records": records,
        }
        if fmt == "table":  # for a person: the kind and the label in words (no names)
            from kenttä.cli.esf_words import explain_table

            return _emit(explain_table(records), out)
        return _emit_list(fmt, out, records, ["table", "id", "label"], payload, "explain")
    result = esf.compute(ws, period, prog)
    if fmt == "json":
        payload = result.model_dump(mode="json")
        if out:
            import json

            _emit(json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True), out)
        else:
            echo_json(payload)
    elif fmt == "csv":
        _emit(formats.esf_csv(result), out)
    elif fmt == "xlsx":
        assert out is not None
        formats.esf_xlsx(result, out)
        click.echo(t("cli_said.wrote", out=out), err=True)
    else:  # for a person: labels and codes in the configured language
        from kenttä.cli.esf_words import esf_table
        from kenttä.services.vouchers import list_services

        names = {s.code: s.name for s in list_services(ws)}
        _emit(esf_table(result, names), out)


FOLLOWUP_COLUMNS = [
    "due_on",
    "checkpoint",
    "overdue",
    "client_id",
    "exit_date",
    "programme",
    "owner",
    "source",
]


@report.command("followups")
@click.option("--today", metavar="DATE", help="The day to count from (default: today).")
@click.option(
    "--window",
    default=14,
    show_default=True,
    type=click.IntRange(0, 3660),
    help="Also list checks due within this many days.",
)
@click.option("--since", metavar="DATE", help="Leave out checks due before this day.")
@click.option("--programme", help="Only this programme's clients.")
@click.option("--owner", help="Only this owner's clients.")
@_format_options
@click.pass_obj
def followups_cmd(
    obj: CliContext,
    today: str | None,
    window: int,
    since: str | None,
    programme: str | None,
    owner: str | None,
    fmt: str,
    as_json: bool,
    out: str | None,
) -> None:
    """The 28-day and 6-month outcome checks that are due (ESF+)."""
    from kenttä.services.reports.followups import due_followups

    fmt = _fmt(fmt, as_json, out)
    try:
        day = parse_day(today, "--today") if today else localtime.today()
        since_day = parse_day(since, "--since") if since else None
    except ReportError as exc:
        raise refused(exc) from None
    ws = obj.workspace()
    try:
        prog = _programme(ws, programme)
        found = due_followups(
            ws, day, window_days=window, programme=prog, owner=owner, since=since_day
        )
        items = [f.as_dict() for f in found]
        payload = {
            "today": day.isoformat(),
            "window_days": window,
            "count": len(items),
            "followups": items,
        }
        if fmt == "table":  # for a person: whose check each is, and codes in words
            from kenttä.cli.words import followups_table

            named = [
                {**item, "name": f"{f.last_name} {f.first_name}".strip()}
                for item, f in zip(items, found, strict=True)
            ]
            _emit(followups_table(named), out)
            return
        _emit_list(fmt, out, items, FOLLOWUP_COLUMNS, payload, "followups")
    finally:
        ws.close()


@report.command("quality")
@click.option(
    "--from", "start", metavar="DATE", help="First day of the period (YYYY-MM-DD; default: all)."
)
@click.option("--to", "end", metavar="DATE", help="Last day of the period (YYYY-MM-DD).")
@click.option("--programme", help="Only this programme's clients.")
@_format_options
@click.pass_obj
def quality_cmd(
    obj: CliContext,
    start: str | None,
    end: str | None,
    programme: str | None,
    fmt: str,
    as_json: bool,
    out: str | None,
) -> None:
    """What an auditor would question: missing start data, exits without an outcome, …"""
    from kenttä.services.reports.quality import quality_findings, summary

    fmt = _fmt(fmt, as_json, out)
    period = _period(start, end, required=False)
    ws = obj.workspace()
    try:
        prog = _programme(ws, programme)
        if fmt == "table":  # for a person: names and words in the configured language
            from kenttä.cli.words import quality_table

            named = quality_findings(ws, period, prog, names=True)
            _emit(quality_table([f.as_dict() for f in named]), out)
            return
        findings = quality_findings(ws, period, prog)
        items = [f.as_dict() for f in findings]
        payload = {
            "period": period.as_dict() if period else None,
            "programme": prog,
            "count": len(items),
            "summary": summary(findings),
            "findings": items,
        }
        _emit_list(fmt, out, items, ["code", "table", "id", "label", "detail"], payload, "quality")
    finally:
        ws.close()


@report.command("feedback")
@click.option(
    "--by", type=click.Choice(["service", "provider"]), help="Also per service or per provider."
)
@click.option("--from", "start", metavar="DATE", help="First day of the period (default: all).")
@click.option("--to", "end", metavar="DATE", help="Last day of the period (YYYY-MM-DD).")
@click.option("--programme", help="Only feedback of this programme's clients.")
@_format_options
@click.pass_obj
def feedback_cmd(
    obj: CliContext,
    by: str | None,
    start: str | None,
    end: str | None,
    programme: str | None,
    fmt: str,
    as_json: bool,
    out: str | None,
) -> None:
    """Feedback after coaching: responses, and per question the answers and their mean.

    JSON: `total` and (with --by) `groups`, each with responses, questions.<code>.count and
    .mean (1–5, two decimals, null when none answered) and `all` (every score pooled).
    CSV and xlsx: the same numbers as rows of group, label, question, count, mean.
    """
    from kenttä.services.reports import formats
    from kenttä.services.reports.feedback import ROW_COLUMNS, report_rows, report_table
    from kenttä.services.reports.feedback import feedback_report as compute

    fmt = _fmt(fmt, as_json, out)
    period = _period(start, end, required=False)
    ws = obj.workspace()
    try:
        prog = _programme(ws, programme)
        payload = compute(ws, by=by, period=period, programme=prog)
    finally:
        ws.close()
    if fmt == "table":
        _emit(report_table(payload), out)
        return
    items = [dict(zip(ROW_COLUMNS, row, strict=True)) for row in report_rows(payload)]
    if fmt == "xlsx":
        assert out is not None
        formats.write_xlsx(out, {"feedback": (ROW_COLUMNS, report_rows(payload))})
        click.echo(t("cli_said.wrote", out=out), err=True)
        return
    _emit_list(fmt, out, items, ROW_COLUMNS, payload, "feedback")


# `report segments` (issue 15) lives in its own module, which adds itself to this group
importlib.import_module("kenttä.cli.report_segment_cmds")


def _targets() -> click.Command:  # issue 16: `kenttä report targets set|list`
    from kenttä.cli.targets_cmds import targets

    return targets


report.add_command(_targets())
# `report sectors` (issue 16: the sector view) likewise
importlib.import_module("kenttä.cli.report_sector_cmds")
