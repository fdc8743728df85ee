"""`kenttä report segments`: the ESF figures by client segment (issue 15 point 8, Polku)."""

from __future__ import annotations

import json
from datetime import date

from click.testing import CliRunner

from kenttä.cli import cli
from kenttä.config import Config
from kenttä.services.clients import segments
from kenttä.services.context import Workspace
from kenttä.services.reports import esf
from kenttä.services.reports.segments import by_segment


def populate(c, ws: Workspace) -> None:
    """youth: 2 participants, 1 finished with a job; long_term: 1 finished, unemployed;
    no segment: 1 participant; a contacted youth who never started is no participant."""
    supervisor = Workspace(ws.store, Config(user="esihenkilo", scope="kuopio", role="supervisor"))
    segments.add_segment(supervisor, "youth", "Nuoret", "Unga", "Young people")
    segments.add_segment(supervisor, "long_term", "Pitkäaikaistyöttömät")
    segments.add_segment(supervisor, "unused", "Ei käytössä")
    c.client("y1", segment="youth")
    c.client("y2", segment="youth", status="finished", exit_date=date(2024, 9, 1), outcome="job")
    c.client("y3", segment="youth", status="contacted")
    c.client("l1", segment="long_term", status="finished", exit_date=date(2024, 10, 1),
             outcome="unemployed")  # fmt: skip
    c.client("n1")


def test_figures_by_segment_add_up_to_the_esf_report(cohort, workspace, period) -> None:
    populate(cohort, workspace)
    result = by_segment(workspace, period)
    rows = {r["segment"]: r for r in result["segments"]}
    assert list(rows) == ["long_term", "unused", "youth", None]
    assert rows["youth"]["participants"] == 2
    assert rows["youth"]["finished"] == 1 and rows["youth"]["job_or_degree_rate"] == 1.0
    assert rows["long_term"]["finished"] == 1 and rows["long_term"]["positive_path_rate"] == 0
    assert rows["unused"]["participants"] == 0 and rows["unused"]["positive_path_rate"] is None
    assert rows[None]["participants"] == 1
    whole = esf.compute(workspace, period)
    for figure in ("participants", "entered", "finished", "positive_paths", "job_or_degree"):
        assert sum(r[figure] for r in rows.values()) == getattr(whole, figure)


def test_the_cli_table_names_segments_and_json_keeps_codes(
    cohort, workspace, period, tmp_path
) -> None:
    populate(cohort, workspace)
    db = str(workspace.store.path)
    runner = CliRunner()
    args = ["--db", db, "report", "segments", "--from", "2024-01-01", "--to", "2024-12-31"]
    data = json.loads(runner.invoke(cli, [*args, "--json"]).stdout)
    assert [r["segment"] for r in data["segments"]] == ["long_term", "unused", "youth", None]
    (tmp_path / "config.toml").write_text('language = "sv"\n', encoding="utf-8")
    table = runner.invoke(cli, args)
    assert table.exit_code == 0, table.output
    assert "Unga" in table.stdout and "inget segment" in table.stdout
    csv = runner.invoke(cli, [*args, "--format", "csv"]).stdout
    assert csv.splitlines()[0].startswith("segment,participants,entered,finished")
