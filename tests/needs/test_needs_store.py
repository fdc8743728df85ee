"""Labour needs in the store and on the command line: migration 0010 moves a visit's old
list into records (the visit stays readable), `kenttä needs list`, and the need parser."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from kenttä.cli import cli
from kenttä.services.employers import core as employers
from kenttä.services.employers import needs, visits
from kenttä.store.db import migrate, open_store


def test_migration_moves_a_visits_needs_into_records(tmp_path: Path) -> None:
    store = open_store(tmp_path / "old.db", target_version=4)
    old_needs = [
        {"occupation": "hitsaaja", "headcount": 2, "skills": "MIG", "when": "2024-05-01",
         "long_term": False},
        {"occupation": "myyjä", "headcount": 1, "skills": "", "when": None, "long_term": True},
    ]  # fmt: skip
    store.conn.execute(
        "INSERT INTO visits (id, scope, employer_id, visited_on, visitors, purpose,"
        " labour_needs, openings, notes, _stamp) VALUES"
        " ('v1', 'kuopio', 'e1', '2024-04-02', '[]', 'needs_analysis', ?, '[]', '', 'S1')",
        (json.dumps(old_needs),),
    )
    store.conn.execute(
        "INSERT INTO visits (id, scope, employer_id, visited_on, visitors, purpose,"
        " labour_needs, openings, notes, _stamp) VALUES"
        " ('v2', 'kuopio', 'e1', '2024-04-03', '[]', 'first_contact', '[]', '[]', '', 'S2')"
    )
    assert "0010_labour_needs.sql" in migrate(store.conn)  # with the others since 4
    rows = store.conn.execute(
        "SELECT id, scope, employer_id, occupation, title, headcount, term, skills, starts_on,"
        " status, recorded_on, visit_id, _stamp FROM labour_needs ORDER BY id"
    ).fetchall()
    assert rows == [
        ("v1-need-0", "kuopio", "e1", None, "hitsaaja", 2, "short", "MIG", "2024-05-01", "open",
         "2024-04-02", "v1", "S1"),
        ("v1-need-1", "kuopio", "e1", None, "myyjä", 1, "long", "", None, "open", "2024-04-02",
         "v1", "S1"),
    ]  # fmt: skip
    # the visit keeps its list: old visits read as before
    assert (
        json.loads(
            store.conn.execute("SELECT labour_needs FROM visits WHERE id = 'v1'").fetchone()[0]
        )
        == old_needs
    )
    store.close()


@pytest.fixture
def two_employers(workspace):  # type: ignore[no-untyped-def]
    kuopio = employers.create_employer(workspace, name="Kuopion Keittiö Oy", municipality="297")
    tervo = employers.create_employer(workspace, name="Tervon Puutyö Ky", municipality="844")
    visits.log_visit(
        workspace, employer_id=kuopio.id, visited_on=date(2026, 3, 2), purpose="needs_analysis",
        needs=needs.parse_need_lines("512 kokki 2 +hyg, 911", term="short"),
    )  # fmt: skip
    visits.log_visit(
        workspace, employer_id=tervo.id, visited_on=date(2026, 3, 1), purpose="needs_analysis",
        needs=needs.parse_need_lines("752", term="long"),
    )  # fmt: skip
    withdrawn = needs.list_needs(workspace, occupation="911")[0]["id"]
    needs.set_status(workspace, withdrawn, "withdrawn")
    return kuopio, tervo


def _cli(store, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["--db", str(store.path), "needs", "list", *args])


def test_needs_list_open_json_equals_the_open_needs(store, workspace, two_employers):
    result = _cli(store, "--open", "--json")
    assert result.exit_code == 0, result.output
    listed = json.loads(result.stdout)
    open_rows = store.conn.execute(
        "SELECT id, occupation, headcount, term, licences FROM labour_needs"
        " WHERE status = 'open' AND _deleted IS NULL"
    ).fetchall()
    assert {(n["id"], n["occupation"], n["headcount"], n["term"], json.dumps(n["licences"]))
            for n in listed} == set(open_rows)  # fmt: skip
    assert [n["occupation"] for n in listed] == ["752", "512"]  # soonest (recorded) first
    everything = json.loads(_cli(store, "--json").stdout)
    assert len(everything) == 3
    tervo = json.loads(_cli(store, "--municipality", "Tervo", "--json").stdout)
    assert [n["employer_id"] for n in tervo] == [two_employers[1].id]
    assert _cli(store, "--municipality", "Atlantis").exit_code == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("512 kokki 2 +hyg", ("512", "kokki", 2, ["hygiene_pass"])),
        ("siivooja", ("91", "siivooja", 1, [])),
        ("7212 x3 +safety +driving_b", ("7212", "", 3, ["driving_b", "safety_card"])),
    ],
)
def test_a_need_line(text, expected):
    need = needs.parse_need_line(text, term="short")
    assert (need["occupation"], need["title"], need["headcount"], need["licences"]) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [("kirvesmies", "occupation"), ("999", "occupation"), ("512 +lentolupa", "licence")],
)
def test_a_need_line_that_cannot_be_read_says_why(text, code):
    with pytest.raises(needs.NeedError) as caught:
        needs.parse_need_line(text, term="short")
    assert caught.value.code == code


def test_a_coordinator_matches_but_never_receives_skills_or_edits_a_profile(workspace):
    from kenttä.config import Config
    from kenttä.services.clients import core as clients
    from kenttä.services.context import Workspace
    from kenttä.services.employers import matching
    from kenttä.services.roles import PermissionDenied
    from kenttä.store.schema import POLICIES

    access = POLICIES["coordinator"].tables
    assert "skills" not in access["work_profiles"].read
    assert access["work_profiles"].write == ()
    assert access["proposals"].write == "*" and access["labour_needs"].write == "*"
    assert "notes" not in access

    client = clients.create_client(workspace, first_name="Aino", last_name="Heikkinen")
    coordinator = Workspace(
        workspace.store, Config(user="testi.koordinaattori", role="coordinator", scope="kuopio")
    )
    with pytest.raises(PermissionDenied):
        matching.save_profile(
            coordinator, client.id, occupations=["512"], licences=[], municipalities=[]
        )
    assert workspace.store.conn.execute("SELECT count(*) FROM work_profiles").fetchone() == (0,)
