"""The real binary in a plain terminal: TERM=xterm (16 colours), NO_COLOR=1, no F keys.

Today → client (Ctrl+G 3 instead of F3) → note, by keys in tmux; then the database is read.
"""

from __future__ import annotations

import re
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from kenttä.config import Config
from kenttä.services.context import Workspace
from kenttä.store.db import open_store
from tests.platforms import posix_only
from tests.ui.caseload import build_caseload
from tests.ui.test_tmux import Tmux, _binary
from tests.ui.test_tmux import tmux as tmux

pytestmark = [pytest.mark.tmux, pytest.mark.slow, posix_only("tmux runs on POSIX systems")]

NOTE = "Xterm-merkintä: sovittiin työkokeilusta"
RICH_COLOUR = re.compile(r"\x1b\[[0-9;]*[34]8;[25];")  # 256-colour or truecolour SGR


def _ended(tmux: Tmux, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        listed = subprocess.run(
            ["tmux", "-L", tmux.name, "list-sessions"], capture_output=True, text=True
        )
        if "kt" not in listed.stdout:
            return
        time.sleep(0.2)


def test_today_client_note_with_term_xterm_and_no_color(tmp_path: Path, tmux: Tmux) -> None:
    db = tmp_path / "xterm.db"
    store = open_store(db)
    build_caseload(Workspace(store, Config(user="testi.valmentaja", scope="kuopio")))
    before = store.conn.execute("SELECT count(*) FROM notes").fetchone()[0]
    store.close()

    env = {
        "KENTTA_CONFIG": str(tmp_path / "config.toml"),
        "KENTTA_DATA_DIR": str(tmp_path / "data"),
        "TEXTUAL_ANIMATIONS": "none",
        "LANG": "C.UTF-8",
    }
    env_args = [arg for key, value in env.items() for arg in ("-e", f"{key}={value}")]
    # tmux sets the pane's TERM itself: the command overrides it, and drops COLORTERM
    command = " ".join(
        ["env", "-u", "COLORTERM", "TERM=xterm", "NO_COLOR=1", *_binary(), "--db", str(db)]
    )
    tmux.run("new-session", "-d", "-s", "kt", "-x", "100", "-y", "30", *env_args, command)

    tmux.wait_for("Tänään", timeout=60)
    tmux.keys("C-g", "3")  # Ctrl+G 3: the clients view, as F3
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
    styled = tmux.run("capture-pane", "-p", "-e", "-t", "kt")
    assert not RICH_COLOUR.search(styled)  # 16 colours at most, as TERM=xterm allows
    tmux.keys("C-q")
    _ended(tmux)

    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT body, client_id FROM notes").fetchall()
        lauri = conn.execute(
            "SELECT id FROM clients WHERE last_name = 'Ojala' AND first_name = 'Lauri'"
        ).fetchone()[0]
    assert len(rows) == before + 1
    assert (NOTE, lauri) in rows
