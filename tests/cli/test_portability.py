"""What differs on Windows and macOS: legacy console code pages, probing a process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from kenttä.store.processes import pid_alive

KENTTA = str(Path(sys.executable).with_name("kenttä"))


def test_a_legacy_console_code_page_gets_question_marks_not_an_error() -> None:
    """cp437 (a Windows console) has no en dash; `seed --help` has one."""
    env = {**os.environ, "PYTHONIOENCODING": "cp437"}
    done = subprocess.run(
        [KENTTA, "seed", "--help"], capture_output=True, env=env, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr.decode("cp437")
    assert b"900?999" in done.stdout


def test_pid_alive_tells_a_running_process_from_an_ended_one() -> None:
    assert pid_alive(os.getpid())
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait(timeout=60)
    assert not pid_alive(child.pid)
    assert not pid_alive(0)
