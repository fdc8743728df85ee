"""Helpers shared by the sync tests: a neutral schema, devices, a throwaway PostgreSQL."""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from kenttä_sync.central.store import CentralStore, open_postgres
from kenttä_sync.device.replica import LocalReplica
from kenttä_sync.ground.schema import SyncSchema, TableSpec

PG_DIRS = [Path("/usr/lib/postgresql/15/bin"), Path("/usr/lib/postgresql/16/bin")]


def make_schema(version: int = 1) -> SyncSchema:
    return SyncSchema(
        name="testapp",
        version=version,
        tables=(
            TableSpec(
                name="party",
                columns={
                    "scope": "text",
                    "key": "text",
                    "name": "text",
                    "note": "text",
                    "level": "integer",
                    "active": "boolean",
                },
                natural_key="key",
                personal_columns=("key", "name"),
            ),
            TableSpec(
                name="task",
                columns={
                    "scope": "text",
                    "party_id": "text",
                    "title": "text",
                    "state": "text",
                    "amount": "real",
                },
                personal_columns=("title",),
                references={"party_id": "party"},
                erase_with="party_id",
                sticky={"state": ("done", "void")},
            ),
            TableSpec(
                name="entry",
                kind="append_only",
                columns={"scope": "text", "party_id": "text", "body": "text"},
                personal_columns=("body",),
                references={"party_id": "party"},
                erase_with="party_id",
            ),
        ),
    )


SCHEMA = make_schema()


def new_replica(
    schema: SyncSchema = SCHEMA,
    device_id: str | None = None,
    wall: Callable[[], int] | None = None,
    path: str = ":memory:",
) -> LocalReplica:
    conn = sqlite3.connect(path, isolation_level=None)
    for spec in schema.tables:
        conn.execute(spec.sqlite_ddl())
    replica = LocalReplica(conn, schema, wall=wall)
    replica.install(device_id)
    return replica


# -- PostgreSQL -----------------------------------------------------------------------------
def pg_bindir() -> Path | None:
    """Where initdb and pg_ctl are, or None (also when KENTTA_TEST_NO_POSTGRES=1 pretends
    they are absent, to check the skip path)."""
    if os.environ.get("KENTTA_TEST_NO_POSTGRES") == "1":
        return None
    for d in PG_DIRS:
        if (d / "initdb").exists() and (d / "pg_ctl").exists():
            return d
    found = shutil.which("initdb")
    return Path(found).resolve().parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def throwaway_postgres(bindir: Path) -> Iterator[str]:
    """Start a PostgreSQL cluster on a Unix socket in a temp dir; yields a conninfo.

    As root, initdb and pg_ctl run as the postgres user (initdb refuses root)."""
    base = Path(tempfile.mkdtemp(prefix="kentta-pg-"))
    data, sock = base / "data", base / "sock"
    sock.mkdir()
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
        shutil.chown(sock, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    port = _free_port()
    subprocess.run(
        [
            *as_user,
            str(bindir / "initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "--no-sync",
            "--no-locale",
            "-E",
            "UTF8",
        ],
        check=True,
        capture_output=True,
    )
    opts = (
        f"-p {port} -k {sock} -c listen_addresses='' -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off"
    )
    subprocess.run(
        [
            *as_user,
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(data / "log"),
            "-w",
            "-o",
            opts,
            "start",
        ],
        check=True,
        capture_output=True,
    )
    try:
        yield f"host={sock} port={port} user=postgres dbname=postgres"
    finally:
        subprocess.run(
            [*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(base, ignore_errors=True)


_schemas = itertools.count()


def pg_namespace(conninfo: str) -> str:
    """A conninfo for a fresh PostgreSQL schema (namespace) of the cluster."""
    import psycopg

    name = f"t{os.getpid()}_{next(_schemas)}"
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {name}")
    return f"{conninfo} options=-csearch_path={name}"


def pg_store(conninfo: str, schema: SyncSchema = SCHEMA, wall=None) -> CentralStore:
    """A central store in a fresh PostgreSQL schema (namespace) of the cluster."""
    return open_postgres(pg_namespace(conninfo), schema, wall)


def live_rows(replica: LocalReplica, table: str, scopes: list[str]) -> list[tuple[str, str]]:
    """The (id, scope) of the rows in `scopes` that are neither deleted nor erased."""
    return replica.conn.execute(
        f"SELECT id, scope FROM {table} WHERE _deleted IS NULL AND _erased IS NULL"
        f" AND scope IN ({', '.join('?' * len(scopes))}) ORDER BY id",
        scopes,
    ).fetchall()


def dump_text(db) -> str:
    """Every table of a replica as text (to search for values that must be gone)."""
    tables = [t.name for t in SCHEMA.tables] + ["_changes", "_conflicts", "_merges"]
    return "\n".join(repr(db.execute(f"SELECT * FROM {t}")) for t in tables)
