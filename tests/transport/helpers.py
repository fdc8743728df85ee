"""Helpers for the transport tests: real `kenttä` processes, a real uvicorn server on a free
loopback port, synthetic devices, canonical comparisons."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx
from kenttä_sync.ground.db import SqliteDb
from kenttä_sync.ground.export import canonical_export

KENTTA = str(Path(sys.executable).with_name("kenttä"))
HOST = "127.0.0.1"


def env() -> dict[str, str]:
    """The test's environment (isolated data dir and config) for child processes."""
    out = dict(os.environ)
    out.pop("PYTHONDONTWRITEBYTECODE", None)  # let children reuse compiled bytecode
    out.pop("KENTTA_DEBUG", None)
    out["PYTHONUNBUFFERED"] = "1"
    return out


def english() -> None:
    """This test's config (KENTTA_CONFIG) says English: the CLI then gives kenttä_sync's
    own English reasons, which the test reads."""
    path = Path(os.environ["KENTTA_CONFIG"])
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    path.write_text(old + 'language = "en"\n', encoding="utf-8")


def kentta(
    *args: str, db: Path | None = None, check: bool = True, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    argv = [KENTTA, *(["--db", str(db)] if db else []), *args]
    done = subprocess.run(argv, capture_output=True, text=True, env=env(), timeout=timeout)
    if check and done.returncode != 0:
        raise AssertionError(f"{' '.join(args)} exited {done.returncode}: {done.stderr[-2000:]}")
    return done


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


class Server:
    """`kenttä server run` in a subprocess on 127.0.0.1."""

    def __init__(
        self, store_url: str, port: int | None = None, log: Path | None = None,
        tls: tuple[Path, Path] | None = None,
    ) -> None:  # fmt: skip
        self.store_url = store_url
        self.port = port or free_port()
        self.tls = tls
        self.url = f"{'https' if tls else 'http'}://{HOST}:{self.port}"
        self.log = log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60) -> Server:
        out = self.log.open("ab") if self.log else subprocess.DEVNULL
        self.proc = subprocess.Popen(
            [KENTTA, "server", "run", "--store", self.store_url, "--host", HOST,
             "--port", str(self.port), *self._tls_args()],
            env=env(), stdout=out, stderr=out,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"the server exited {self.proc.returncode}")
            try:
                ready = httpx.get(f"{self.url}/openapi.json", timeout=1, verify=False)
                if ready.status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        raise AssertionError("the server did not start")

    def _tls_args(self) -> list[str]:
        if not self.tls:
            return []
        return ["--tls-cert", str(self.tls[0]), "--tls-key", str(self.tls[1])]

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


def enrol_code(store_url: str, scopes: Sequence[str], role: str = "coach") -> str:
    args = ["server", "enroll", "--store", store_url, "--role", role]
    for scope in scopes:
        args += ["--scope", scope]
    return kentta(*args).stdout.strip()


def canonical(path: Path, scopes: Sequence[str] | None) -> bytes:
    from kenttä.store.schema import SCHEMA

    conn = sqlite3.connect(path, isolation_level=None)
    try:
        return canonical_export(SqliteDb(conn), SCHEMA, scopes)
    finally:
        conn.close()


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def workspace(path: Path, user: str = "testi.valmentaja", scope: str = "kuopio") -> Any:
    from kenttä.config import Config
    from kenttä.services.context import Workspace
    from kenttä.store.db import open_store

    return Workspace(open_store(path), Config(user=user, scope=scope))


def bulk_clients(
    path: Path, scope: str, clients: int, notes_per_client: int, tx_clients: int = 100
) -> int:
    """Synthetic clients and notes in `scope` (no henkilötunnus), in one transaction each
    `tx_clients` clients; returns the number of changes written."""
    from kenttä_sync.ground.ids import uuid7

    ws = workspace(path, scope=scope)
    written = 0
    try:
        for start in range(0, clients, tx_clients):
            with ws.store.replica.transaction("seed") as tx:
                rows, notes = [], []
                for i in range(start, min(clients, start + tx_clients)):
                    cid = uuid7()
                    rows.append({"id": cid, "first_name": f"Testi{i}", "last_name": "Asiakas",
                                 "scope": scope, "status": "met", "language": "fi",
                                 "consent": True})  # fmt: skip
                    notes += [
                        {"id": uuid7(), "client_id": cid, "author": "seed", "kind": "meeting",
                         "body": f"tapaaminen {j} " + "x" * 200, "scope": scope,
                         "written_at": "2026-01-05T10:00:00+00:00"}
                        for j in range(notes_per_client)
                    ]  # fmt: skip
                written += tx.bulk_insert("clients", rows) + tx.bulk_insert("notes", notes)
    finally:
        ws.close()
    return written


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key (PEM files), for the TLS test."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "kentta test office")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(HOST))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    cert_path, key_path = folder / "office.pem", folder / "office.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                          serialization.NoEncryption())
    )  # fmt: skip
    return cert_path, key_path
