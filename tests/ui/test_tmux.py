"""The real `kenttä` binary in a real terminal (tmux): find a client and write a note by keys.

Skipped when tmux is missing, unless CI=true (then it fails: CI must have tmux).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kenttä.config import Config
from kenttä.services.context import Workspace
from kenttä.store.db import open_store
from tests.platforms import posix_only
from tests.ui.caseload import build_caseload

pytestmark = [pytest.mark.tmux, pytest.mark.slow, posix_only("tmux runs on POSIX systems")]

NOTE = "Tmux-merkintä: sovittiin työkokeilusta"


def _binary() -> list[str]:
    here = Path(sys.executable).parent
    for name in ("kenttä", "kentta"):
        if (here / name).exists():
            return [str(here / name)]
    return [sys.executable, "-m", "kenttä.cli"]


class Tmux:
    def __init__(self, name: str) -> None:
        self.name = name

    def run(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", "-L", self.name, *args], capture_output=True, text=True, check=True
        )
        return result.stdout

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "kt")

    def wait_for(self, marker: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            try:
                text = self.screen()
            except subprocess.CalledProcessError:
                text = ""
            if marker in text:
                return text
            time.sleep(0.2)
        raise AssertionError(f"{marker!r} did not appear; the screen was:\n{text}")

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", "kt", *keys)

    def type(self, text: str) -> None:
        self.run("send-keys", "-t", "kt", "-l", text)


@pytest.fixture
def tmux():
    if shutil.which("tmux") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("tmux is required in CI")
        pytest.skip("tmux is not installed")
    session = Tmux(f"kentta-test-{os.getpid()}")
    yield session
    subprocess.run(["tmux", "-L", session.name, "kill-server"], capture_output=True)


def test_find_a_client_and_write_a_note_in_the_real_binary(tmp_path: Path, tmux: Tmux) -> None:
    db = tmp_path / "tmux.db"
    store = open_store(db)
    build_caseload(Workspace(store, Config(user="testi.valmentaja", scope="kuopio")))
    store.close()

    env = {
        "KENTTA_CONFIG": str(tmp_path / "config.toml"),
        "KENTTA_DATA_DIR": str(tmp_path / "data"),
        "TEXTUAL_ANIMATIONS": "none",
        "LANG": "C.UTF-8",
    }
    command = " ".join([*_binary(), "--db", str(db)])
    env_args = [arg for key, value in env.items() for arg in ("-e", f"{key}={value}")]
    tmux.run("new-session", "-d", "-s", "kt", "-x", "100", "-y", "30", *env_args, command)

    tmux.wait_for("Tänään", timeout=60)
    tmux.keys("F3")
    tmux.wait_for("Hae nimellä")
    tmux.type("Ojala Lau")
    tmux.wait_for("1 asiakasta")
    tmux.keys("Enter")
    tmux.wait_for("Asiakaskortti: Ojala Lauri")
    tmux.keys("n")
    tmux.wait_for("Jätä luonnokseksi")
    tmux.type(NOTE)
    tmux.wait_for("Luonnos tallessa")
    tmux.keys("C-s")
    tmux.wait_for("Merkintä tallennettu")
    tmux.keys("C-q")
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if (
            "kt"
            not in subprocess.run(
                ["tmux", "-L", tmux.name, "list-sessions"], capture_output=True, text=True
            ).stdout
        ):
            break
        time.sleep(0.2)

    with sqlite3.connect(db) as conn:
        bodies = [r[0] for r in conn.execute("SELECT body FROM notes")]
    assert NOTE in bodies
