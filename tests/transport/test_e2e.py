"""End to end: a real uvicorn server on 127.0.0.1 and real `kenttä` processes.

Three enrolled devices edit offline (two of them the same field of one client), sync in
different orders and end with canonical exports identical to the server's; the conflict is
listed on the server; a write outside a device's scopes is refused and shown on the device;
a fourth device syncs only by bundles and ends identical too.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from kenttä_sync.ground.db import SqliteDb
from kenttä_sync.ground.export import canonical_export

from tests.transport.helpers import (
    Server,
    canonical,
    enrol_code,
    integrity,
    kentta,
    self_signed,
    workspace,
)

SCOPES = {"a": ["kuopio"], "b": ["kuopio"], "c": ["kuopio", "lappi"], "d": ["kuopio"]}


def _central_canonical(store_url: str, scopes: list[str]) -> bytes:
    from kenttä_sync.transport.server.stores import open_central

    from kenttä.store.schema import SCHEMA

    central = open_central(store_url, SCHEMA)
    try:
        return canonical_export(central.db, SCHEMA, scopes)
    finally:
        central.close()


def _code(store_url: str, scopes: list[str], role: str) -> str:
    from kenttä_sync.transport.server import enrolment
    from kenttä_sync.transport.server.stores import open_central

    from kenttä.store.schema import SCHEMA

    central = open_central(store_url, SCHEMA)
    try:
        return enrolment.new_code(central, scopes, role)
    finally:
        central.close()


def _bundle_exchange(db: Path, store_url: str, tmp: Path, n: int) -> dict:
    out, reply = tmp / f"d{n}.bundle", tmp / f"d{n}.reply"
    kentta("sync", "export", str(out), db=db)
    done = json.loads(
        kentta("server", "import-bundle", str(out), "--reply", str(reply), "--store", store_url,
               "--json").stdout
    )  # fmt: skip
    kentta("sync", "import", str(reply), db=db)
    return done


def _sync(db: Path) -> dict:
    return json.loads(kentta("sync", "--json", db=db).stdout)


def test_three_devices_and_a_bundle_device_converge(tmp_path: Path, store_url: str, server) -> None:
    assert "Keskusvarasto valmis" in kentta("server", "init", "--store", store_url).stdout  # fi
    srv = server(store_url)
    dbs = {name: tmp_path / f"{name}.db" for name in SCOPES}
    for name, db in dbs.items():
        role = "supervisor" if name == "c" else "coach"
        # the CLI makes one code; the rest are made the same way in-process (saves time)
        code = (
            enrol_code(store_url, SCOPES[name], role)
            if name == "a"
            else _code(store_url, SCOPES[name], role)
        )
        kentta("enroll", srv.url, code, db=db)

    # a client everyone in kuopio will edit
    ws = workspace(dbs["a"], user="maija")
    try:
        from kenttä.services.clients.core import create_client
        from kenttä.services.clients.notes import add_note

        shared = create_client(ws, first_name="Testi", last_name="Yhteinen").id
        add_note(ws, shared, "ensimmäinen tapaaminen")
    finally:
        ws.close()
    assert _sync(dbs["a"])["pushed"] > 0
    for name in ("b", "c"):  # fresh: a's rows come by snapshot (then the log)
        first = _sync(dbs[name])
        assert first["snapshot_rows"] > 0 and first["pulled"] == 0
    _bundle_exchange(dbs["d"], store_url, tmp_path, 0)

    # offline edits; a and b write the same field
    edits = {
        "a": (dict(phone="040 1111111"), "lappi"),
        "b": (dict(phone="040 2222222"), None),
        "c": (dict(email="testi@example.invalid"), "lappi"),
        "d": (dict(postal_code="70100"), "kuopio"),
    }
    for name, (change, new_scope) in edits.items():
        from kenttä.services.clients.core import create_client, update_client
        from kenttä.services.clients.notes import add_note

        ws = workspace(dbs[name], user=f"user.{name}", scope="kuopio")
        try:
            update_client(ws, shared, **change)
            add_note(ws, shared, f"merkintä laitteelta {name}")
            if new_scope:
                ws.config.scope = new_scope
                created = create_client(ws, first_name=f"Uusi{name}", last_name="Asiakas")
                add_note(ws, created.id, "uusi asiakas")
        finally:
            ws.close()

    first = _sync(dbs["b"])
    assert first["pushed"] > 0 and first["refused"] == 0
    _sync(dbs["c"])
    seen_by_a = _sync(dbs["a"])
    assert seen_by_a["refused"] > 0  # a wrote in lappi, outside its scopes
    refused = seen_by_a["refused_changes"]
    assert all("outside this device's scopes" in r["reason"] for r in refused)
    assert {r["table"] for r in refused} >= {"clients", "notes"}
    status = json.loads(kentta("sync", "status", "--json", db=dbs["a"]).stdout)
    assert len(status["refused_changes"]) == len(refused) and status["last_sync"]
    # d's bundle carries its edits in and brings back everything a, b and c sent
    carried = _bundle_exchange(dbs["d"], store_url, tmp_path, 1)
    assert carried["applied"] > 0 and carried["reply_changes"] > 0 and not carried["refused"]
    for name in ("a", "c", "b"):  # another order; they receive d's edits
        assert _sync(dbs[name])["pulled"] > 0

    for name, db in dbs.items():
        assert canonical(db, SCOPES[name]) == _central_canonical(store_url, SCOPES[name]), name
        assert integrity(db) == "ok"

    conflicts = json.loads(kentta("server", "conflicts", "--store", store_url, "--json").stdout)
    assert [(c["tbl"], c["row_id"], c["col"]) for c in conflicts] == [("clients", shared, "phone")]
    assert {conflicts[0]["value_a"], conflicts[0]["value_b"]} == {"040 1111111", "040 2222222"}

    # the same canonical form from `kenttä export` and `kenttä server export`
    central_rows = kentta(
        "server", "export", "clients", "--include-meta", "--store", store_url
    ).stdout.splitlines()
    # whole-table export is a supervisor's (c); the coaches' contents were compared above
    for name in ("c",):
        lines = kentta("export", "clients", "--include-meta", db=dbs[name]).stdout.splitlines()
        mine = [r for r in lines if json.loads(r)["scope"] in SCOPES[name]]
        wanted = [r for r in central_rows if json.loads(r)["scope"] in SCOPES[name]]
        assert mine == wanted, name
    for name in ("a", "d"):  # enrolled as coaches: refused whatever the local config says
        refused = kentta("export", "clients", db=dbs[name], check=False)
        assert refused.returncode == 1 and "Vain esihenkilö" in refused.stderr, name  # fi
    # the refused lappi client stays on a's laptop (shown, not dropped), never at the office
    conn = sqlite3.connect(dbs["a"])
    assert conn.execute("SELECT count(*) FROM clients WHERE scope = 'lappi'").fetchone()[0] == 1
    conn.close()
    assert not any(json.loads(r)["first_name"] == "Uusia" for r in central_rows)


def test_sync_says_plainly_when_the_server_cannot_be_reached(tmp_path: Path, server) -> None:
    store_url = f"sqlite:{tmp_path / 'central.db'}"
    srv = server(store_url)
    db = tmp_path / "a.db"
    kentta("enroll", srv.url, enrol_code(store_url, ["kuopio"]), db=db)
    srv.stop()
    ws = workspace(db)
    try:
        from kenttä.services.clients.core import create_client

        create_client(ws, first_name="Testi", last_name="Offline")
    finally:
        ws.close()
    done = kentta("sync", "--retries", "1", db=db, check=False, timeout=120)
    assert done.returncode == 3
    assert "Palvelimeen ei saada yhteyttä; työsi on tallessa" in done.stderr  # fi: the default
    assert "Traceback" not in done.stderr
    status = json.loads(kentta("sync", "status", "--json", db=db).stdout)
    assert "cannot reach" in status["last_error"]


def test_central_canonical_helper_matches_sqlite_file(tmp_path: Path) -> None:
    """The helper used above reads the same bytes as a direct SQLite read."""
    from kenttä_sync.transport.server.stores import open_central

    from kenttä.store.schema import SCHEMA

    url = f"sqlite:{tmp_path / 'c.db'}"
    open_central(url, SCHEMA).close()
    conn = sqlite3.connect(tmp_path / "c.db", isolation_level=None)
    assert canonical_export(SqliteDb(conn), SCHEMA, None) == _central_canonical(url, None)  # type: ignore[arg-type]
    conn.close()


pytestmark = pytest.mark.slow


def test_tls_and_revocation_through_the_cli(tmp_path: Path) -> None:
    """`server run --tls-cert/--tls-key`, `enroll --ca-cert`, `devices list|revoke`: a revoked
    laptop's next sync is refused and what it sent before is kept."""
    store_url = f"sqlite:{tmp_path / 'central.db'}"
    cert, key = self_signed(tmp_path)
    srv = Server(store_url, log=tmp_path / "tls.log", tls=(cert, key)).start()
    try:
        db = tmp_path / "a.db"
        untrusted = kentta(
            "enroll", srv.url, _code(store_url, ["kuopio"], "coach"), db=db, check=False
        )
        assert untrusted.returncode == 3 and "TLS-varmenteeseen ei luoteta" in untrusted.stderr
        kentta("enroll", srv.url, enrol_code(store_url, ["kuopio"]), "--ca-cert", str(cert), db=db)
        ws = workspace(db)
        try:
            from kenttä.services.clients.core import create_client

            create_client(ws, first_name="Testi", last_name="Salattu")
            device_id = ws.device_id
        finally:
            ws.close()
        assert _sync(db)["pushed"] > 0
        listed = json.loads(
            kentta("server", "devices", "list", "--store", store_url, "--json").stdout
        )
        assert [(d["device_id"], d["revoked_at"]) for d in listed] == [(device_id, None)]
        kentta("server", "devices", "revoke", device_id, "--store", store_url)
        refused = kentta("sync", db=db, check=False)
        assert (
            refused.returncode == 1 and "poistettu toimiston palvelimen käytöstä" in refused.stderr
        )
        rows = kentta("server", "export", "clients", "--store", store_url).stdout.splitlines()
        assert [json.loads(r)["last_name"] for r in rows] == ["Salattu"]
        unknown = kentta("server", "devices", "revoke", "nosuch", "--store", store_url, check=False)
        assert unknown.returncode == 1 and "Ei liitettyä laitetta" in unknown.stderr
    finally:
        srv.stop()
