"""`kenttä conflicts [--json] [--all]` and `kenttä conflicts resolve ID …` on a device.

A real conflict: two devices change one client's phone concurrently and sync through a
central store in an SQLite file (in process, the sync protocol's `handle`). The device lists
it in the same canonical form as `kenttä server conflicts --json`; a supervisor resolves it
from the command line, and after a sync the central store and the other device see it
resolved.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from kenttä_sync.transport.protocol import in_process, sync
from kenttä_sync.transport.server.stores import open_central

from kenttä.cli import main
from kenttä.config import Config
from kenttä.services.clients.core import create_client
from kenttä.services.context import Workspace
from kenttä.services.sync import status as sync_status
from kenttä.store.db import open_store
from kenttä.store.schema import SCHEMA


def call(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        main(list(args))
    out, err = capsys.readouterr()
    return int(info.value.code or 0), out, err


def config(tmp_path: Path, role: str) -> None:
    """The CLI's config (KENTTA_CONFIG points at tmp_path/config.toml in every test)."""
    text = f'user = "testi.{role}"\nrole = "{role}"\nscope = "kuopio"\nlanguage = "en"\n'  # English: the services' own reasons are checked here (fi/sv: tests/cli/test_cli_refusals_i18n.py)
    (tmp_path / "config.toml").write_text(text, encoding="utf-8")


class Setup:
    def __init__(self, tmp_path: Path) -> None:
        self.url = f"sqlite:{tmp_path / 'central.db'}"
        self.central = open_central(self.url, SCHEMA)
        self.send = in_process(self.central)
        self.paths = {name: tmp_path / f"{name}.db" for name in ("a", "b")}
        self.a = Workspace(open_store(self.paths["a"]), Config(user="testi.a", scope="kuopio"))
        self.b = Workspace(open_store(self.paths["b"]), Config(user="testi.b", scope="kuopio"))
        for ws in (self.a, self.b):
            self.central.register_device(ws.device_id, ["kuopio"])

    def sync(self, *devices: Workspace) -> None:
        for ws in devices:
            sync(ws.store.replica, self.send)

    def conflict(self) -> tuple[str, str]:
        client_id = create_client(self.a, first_name="Testi", last_name="Ristiriita").id
        self.sync(self.a, self.b)
        for ws, phone in ((self.a, "0401"), (self.b, "0502")):
            with ws.store.replica.transaction(ws.user) as tx:
                tx.update("clients", client_id, {"phone": phone})
        self.sync(self.a, self.b, self.a)
        found = sync_status.conflicts(self.a)
        assert len(found) == 1
        return client_id, found[0].id

    def close(self) -> None:
        self.a.close()
        self.b.close()
        self.central.close()


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[Setup]:
    made = Setup(tmp_path)
    yield made
    made.close()


def test_list_in_the_servers_canonical_form(setup: Setup, tmp_path: Path, capsys) -> None:
    client_id, conflict_id = setup.conflict()
    config(tmp_path, "coach")  # anyone may look
    code, out, err = call(capsys, "--db", str(setup.paths["a"]), "conflicts", "--json")
    assert code == 0, err
    rows = json.loads(out)
    assert [r["id"] for r in rows] == [conflict_id]
    row = rows[0]
    assert (row["tbl"], row["row_id"], row["col"]) == ("clients", client_id, "phone")
    assert {row["value_a"], row["value_b"]} == {"0401", "0502"}
    assert {row["author_a"], row["author_b"]} == {"testi.a", "testi.b"}
    assert row["stamp_a"] < row["stamp_b"] and row["resolved_stamp"] is None
    code, server_out, err = call(capsys, "server", "conflicts", "--store", setup.url, "--json")
    assert code == 0, err
    assert json.loads(server_out) == rows  # the same record, the same form, on both sides
    code, out, _ = call(capsys, "--db", str(setup.paths["b"]), "conflicts")
    assert code == 0 and conflict_id in out and out.rstrip().endswith("1 open conflicts")
    assert "client" in out and "phone" in out  # whose record and which field, in words


def test_a_coach_may_not_resolve(setup: Setup, tmp_path: Path, capsys) -> None:
    _, conflict_id = setup.conflict()
    config(tmp_path, "coach")
    db = str(setup.paths["a"])
    code, _, err = call(capsys, "--db", db, "conflicts", "resolve", conflict_id, "--keep", "a")
    assert code == 1 and err.startswith("kenttä: only a supervisor may resolve conflicts")
    assert len(err.strip().splitlines()) == 1
    assert [c.id for c in sync_status.conflicts(setup.a)] == [conflict_id]


@pytest.mark.parametrize("how", [["--keep", "a"], ["--value", "040 900 0409"]])
def test_a_supervisor_resolves_and_it_syncs(
    setup: Setup, tmp_path: Path, capsys, how: list[str]
) -> None:
    client_id, conflict_id = setup.conflict()
    side_a = setup.a.store.conn.execute(
        "SELECT value_a FROM _conflicts WHERE id = ?", (conflict_id,)
    ).fetchone()[0]
    expected = json.loads(side_a) if how[0] == "--keep" else how[1]  # a: the lower stamp
    config(tmp_path, "supervisor")
    db = str(setup.paths["a"])
    code, out, err = call(capsys, "--db", db, "conflicts", "resolve", conflict_id, *how)
    assert code == 0, err
    assert out.strip() == f"resolved {conflict_id}"
    code, out, _ = call(capsys, "--db", db, "conflicts", "--json")
    assert json.loads(out) == []
    code, out, _ = call(capsys, "--db", db, "conflicts", "--json", "--all")
    assert json.loads(out)[0]["resolved_by"] == "testi.supervisor"

    setup.sync(setup.a, setup.b)
    central_row = setup.central.db.execute(
        "SELECT resolved_by FROM _conflicts WHERE id = ?", (conflict_id,)
    )
    assert [tuple(r) for r in central_row] == [("testi.supervisor",)]
    phone = setup.central.db.execute("SELECT phone FROM clients WHERE id = ?", (client_id,))
    assert [tuple(r) for r in phone] == [(expected,)]
    assert sync_status.conflicts(setup.b) == []
    on_b = setup.b.store.conn.execute("SELECT phone FROM clients WHERE id = ?", (client_id,))
    assert on_b.fetchone() == (expected,)
    trail = setup.b.store.conn.execute(
        "SELECT action, detail FROM audit_events WHERE record_id = ? AND actor = ?",
        (client_id, "testi.supervisor"),
    ).fetchall()
    assert trail == [("change", "phone (conflict resolved)")]


def test_bad_input_is_one_line(setup: Setup, tmp_path: Path, capsys) -> None:
    _, conflict_id = setup.conflict()
    config(tmp_path, "supervisor")
    db = str(setup.paths["a"])
    code, _, err = call(capsys, "--db", db, "conflicts", "resolve", "nonexistent", "--keep", "a")
    assert code == 1 and "no open conflict" in err
    code, _, err = call(capsys, "--db", db, "conflicts", "resolve", conflict_id)
    assert code == 2 and "--keep" in err
    code, _, err = call(
        capsys, "--db", db, "conflicts", "resolve", conflict_id, "--keep", "a", "--value", "x"
    )
    assert code == 2
    code, _, err = call(  # a value typed in passes the client's own rules, as an edit does
        capsys, "--db", db, "conflicts", "resolve", conflict_id, "--value", "040 abc"
    )
    assert code == 1 and len(err.strip().splitlines()) == 1 and "internal" not in err
    assert [c.id for c in sync_status.conflicts(setup.a)] == [conflict_id]
