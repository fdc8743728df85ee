"""Roles are enforced in the services layer, not only hidden on screen."""

from __future__ import annotations

from pathlib import Path

import pytest

from kenttä.config import Config
from kenttä.services import roles
from kenttä.services.context import Workspace
from kenttä.services.roles import PERMISSIONS, PermissionDenied, allowed, require, require_scope
from tests.privacy import canary
from tests.privacy.conftest import add_canary, write_config

SUPERVISOR_ONLY = [
    "erase_client",
    "purge",
    "resolve_conflict",
    "set_budget",
    "view_all_scopes",
    "export_table",
    "subject_access",
    "enroll_device",
    "view_audit",
]


def _ws(store, role: str) -> Workspace:  # type: ignore[no-untyped-def]
    return Workspace(store, Config(user=f"testi.{role}", role=role, scope="kuopio"))


def test_every_action_has_roles_and_supervisor_may_do_everything() -> None:
    for action, who in PERMISSIONS.items():
        assert who and who <= set(roles.ROLES), action
        assert "supervisor" in who, action
    assert roles.actions_for("supervisor") == sorted(PERMISSIONS)


@pytest.mark.parametrize("action", SUPERVISOR_ONLY)
@pytest.mark.parametrize("role", ["coach", "coordinator"])
def test_supervisor_only_actions_are_refused(store, role: str, action: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied) as denied:
        require(_ws(store, role), action)
    message = str(denied.value)
    assert "\n" not in message and "supervisor" in message and role in message
    require(_ws(store, "supervisor"), action)


def test_coordinator_does_employer_work_but_not_casework() -> None:
    assert allowed("coordinator", "edit_employer")
    assert allowed("coordinator", "record_placement")
    assert not allowed("coordinator", "write_note")
    assert not allowed("coordinator", "view_notes")
    assert not allowed("coordinator", "issue_voucher")
    assert allowed("coach", "issue_voucher") and allowed("coach", "write_note")
    assert not allowed("coach", "nonexistent_action")


def test_unknown_action_is_a_programming_error(store) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(KeyError):
        require(_ws(store, "supervisor"), "fly")


def test_scope(store) -> None:  # type: ignore[no-untyped-def]
    # scopes bind once the office has enrolled the laptop (see tests/roles for standalone use)
    store.replica.set_state("enrolled_scopes", '["kuopio"]')
    require_scope(_ws(store, "coach"), "kuopio")
    require_scope(_ws(store, "coach"), None)
    with pytest.raises(PermissionDenied):
        require_scope(_ws(store, "coach"), "inari")
    require_scope(_ws(store, "supervisor"), "inari")


def test_services_refuse_a_coach(store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from kenttä.services.privacy.erasure import erase_client, purge
    from kenttä.services.privacy.subject_access import client_audit_trail, write_subject_access

    coach = _ws(store, "coach")
    client_id = add_canary(coach)
    from datetime import date

    calls = [
        lambda: erase_client(coach, client_id),
        lambda: purge(coach, date(2030, 1, 1), dry_run=True),
        lambda: client_audit_trail(coach, client_id),
        lambda: write_subject_access(coach, client_id, tmp_path / "out"),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert list(tmp_path.glob("out*")) == []
    row = store.conn.execute("SELECT _erased FROM clients WHERE id = ?", (client_id,)).fetchone()
    assert row == (None,)


def test_cli_refuses_a_coach_in_one_line(tmp_path: Path, cli_env: dict[str, str]) -> None:
    from kenttä.store.db import open_store

    write_config(Path(cli_env["KENTTA_CONFIG"]), "coach")
    store = open_store(cli_env["KENTTA_DB"])
    client_id = add_canary(_ws(store, "coach"))
    store.close()
    for args in (
        ["erase", "client", client_id, "--yes"],
        ["erase", "client", canary.HETU, "--yes"],
        ["purge", "--yes"],
        ["audit", "client", client_id],
        ["subject-access", client_id, "--out", str(tmp_path / "sa")],
    ):
        result = canary.run_cli(args, cli_env)
        assert result.returncode == 1, (args, result.stderr)
        assert result.stderr.startswith("kenttä: only a supervisor may"), result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        assert canary.text_leaks(result.stdout + result.stderr) == []
