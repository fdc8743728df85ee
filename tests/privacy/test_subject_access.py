"""Subject access report and a client's audit trail."""

from __future__ import annotations

import json
import stat
import sys
from pathlib import Path

import pytest

from kenttä.services.privacy.subject_access import (
    SubjectAccessError,
    client_audit_trail,
    render_text,
    subject_access_report,
    write_subject_access,
)
from tests.privacy import canary
from tests.privacy.conftest import add_canary


def _actions(ws, client_id: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        r[0]
        for r in ws.store.conn.execute(
            "SELECT action FROM audit_events WHERE record_id = ? ORDER BY at, id", (client_id,)
        )
    ]


def test_report_holds_everything_and_is_audited(supervisor, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    client_id = add_canary(supervisor)
    report = subject_access_report(supervisor, client_id)
    assert report["client"]["henkilotunnus"] == canary.HETU
    assert [n["body"] for n in report["notes"]] == [canary.NOTE]
    for table in ("assessments", "plans", "plan_steps", "placements", "vouchers", "outcomes"):
        assert report[table] == []
    assert [e["action"] for e in report["audit_events"]] == ["create"]

    json_path, text_path = write_subject_access(supervisor, canary.HETU, tmp_path / "ote.json")
    assert (json_path.name, text_path.name) == ("ote.json", "ote.txt")
    for path in (json_path, text_path):
        if sys.platform != "win32":  # POSIX only: Windows has no owner/group/other modes
            assert stat.S_IMODE(path.stat().st_mode) == 0o600
    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert data["client"]["first_name"] == canary.FIRST
    text = text_path.read_text(encoding="utf-8")
    assert "REKISTERIOTE" in text and canary.LAST in text and canary.NOTE in text
    assert "Merkinnät (1)" in text
    assert _actions(supervisor, client_id) == ["create", "subject_access"]


def test_report_into_a_directory(supervisor, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    client_id = add_canary(supervisor)
    json_path, text_path = write_subject_access(supervisor, client_id, tmp_path)
    assert json_path.parent == tmp_path and json_path.stem == f"rekisteriote-{client_id}"
    assert text_path.exists()


def test_unknown_client_never_echoes_the_input(supervisor) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SubjectAccessError) as err:
        subject_access_report(supervisor, canary.HETU)
    assert canary.HETU not in str(err.value)


def test_audit_trail_is_itself_audited(supervisor) -> None:  # type: ignore[no-untyped-def]
    client_id = add_canary(supervisor)
    note_id = supervisor.store.conn.execute("SELECT id FROM notes").fetchone()[0]
    from kenttä.services.privacy.audit import audit

    audit(supervisor, "view", "notes", note_id)
    first = client_audit_trail(supervisor, client_id)
    assert [(e["action"], e["record_table"]) for e in first] == [
        ("create", "clients"),
        ("view", "notes"),
    ]
    second = client_audit_trail(supervisor, client_id)
    assert second[-1]["action"] == "export" and second[-1]["detail"] == "audit trail"


def test_render_text_after_erasure_says_so(supervisor) -> None:  # type: ignore[no-untyped-def]
    client_id = add_canary(supervisor)
    report = subject_access_report(supervisor, client_id)
    report["client"]["_erased"] = "x"
    assert "poistettu" in render_text(report)


def test_cli_audit_client_json_and_out(tmp_path: Path, cli_env: dict[str, str]) -> None:
    from kenttä.config import Config
    from kenttä.services.context import Workspace
    from kenttä.store.db import open_store

    ws = Workspace(open_store(cli_env["KENTTA_DB"]), Config(role="supervisor"))
    client_id = add_canary(ws)
    ws.close()
    shown = canary.run_cli(["audit", "client", client_id, "--json"], cli_env)
    assert shown.returncode == 0, shown.stderr
    assert [e["action"] for e in json.loads(shown.stdout)] == ["create"]
    out = tmp_path / "trail.json"
    saved = canary.run_cli(["audit", "client", canary.HETU, "--out", str(out)], cli_env)
    assert saved.returncode == 0, saved.stderr
    assert [e["action"] for e in json.loads(out.read_text())] == ["create", "export"]
    sa = canary.run_cli(["subject-access", client_id, "--out", str(tmp_path / "ote")], cli_env)
    assert sa.returncode == 0, sa.stderr
    assert (tmp_path / "ote.json").exists() and (tmp_path / "ote.txt").exists()
    for result in (shown, saved, sa):
        assert canary.text_leaks(result.stderr) == []


def test_trail_includes_whole_table_exports(supervisor) -> None:  # type: ignore[no-untyped-def]
    from kenttä.services.privacy.audit import audit

    client_id = add_canary(supervisor)
    audit(supervisor, "export", "clients", "*", detail="jsonl, 1 rows")
    audit(supervisor, "export", "employers", "*", detail="jsonl, 0 rows")
    trail = client_audit_trail(supervisor, client_id, record=False)
    assert [(e["action"], e["record_table"], e["record_id"]) for e in trail] == [
        ("create", "clients", client_id),
        ("export", "clients", "*"),
    ]
