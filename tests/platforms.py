"""Markers for tests that can only run on some platforms; each says why."""

from __future__ import annotations

import sys

import pytest


def posix_only(reason: str) -> pytest.MarkDecorator:
    """Skip on Windows, naming the POSIX facility the test needs."""
    return pytest.mark.skipif(sys.platform == "win32", reason=f"POSIX only: {reason}")
