"""Fixtures of the security tests.

The trust tests (test_trust_*.py) get `office`, a fresh office over each central store, and
`via`. The malicious-device suite (test_hostile.py, test_seen.py) gets one world per backend
for the whole session, rebuilt only when an attack left it broken (a wedged server, a
poisoned laptop).

Example counts (test_hostile.py): under CI=true 30 per attack test, 7 tests per backend (210
examples per backend); 6 per test locally. KENTTA_SECURITY_EXAMPLES overrides the per-test
count; KENTTA_SECURITY_SHRINK=1 turns shrinking on (off by default: a shrink replays examples
against a shared world that the attack has changed, for minutes). Without shrinking a failure
is reported as first found: its message names the role, what changed and the changes sent."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.pg import CI, pg_url
from tests.security.trust_helpers import Office
from tests.security.world import World, build_world


class Worlds:
    def __init__(self, base: Path, request: pytest.FixtureRequest) -> None:
        self.base = base
        self.request = request
        self.built: dict[str, World] = {}
        self.count = 0

    def get(self, backend: str) -> World:
        world = self.built.get(backend)
        if world is not None and (world.broken or world.check_alive() or world.honest_round()):
            world.close()
            world = None
        if world is None:
            self.count += 1
            if backend == "postgres":
                url = pg_url(self.request.getfixturevalue("pg_conninfo"), prefix="sec")
            else:
                url = f"sqlite:{self.base / f'central{self.count}.db'}"
            world = build_world(backend, url, self.base / f"world{self.count}")
            self.built[backend] = world
        return world

    def close(self) -> None:
        for world in self.built.values():
            world.close()


@pytest.fixture(scope="session")
def worlds(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[Worlds]:
    made = Worlds(tmp_path_factory.mktemp("security"), request)
    yield made
    made.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def world(request: pytest.FixtureRequest, worlds: Worlds) -> World:
    """The backend's world, healthy (rebuilt if a previous attack broke it)."""
    return worlds.get(request.param)


@pytest.fixture
def office(store_url: str, tmp_path: Path) -> Iterator[Office]:
    made = Office(store_url, tmp_path)
    yield made
    made.close()


@pytest.fixture(params=["http", "bundle"])
def via(request: pytest.FixtureRequest) -> str:
    """How the tampered laptop's push reaches the office."""
    return str(request.param)


EXAMPLES = int(os.environ.get("KENTTA_SECURITY_EXAMPLES", "0")) or None
SHRINK = os.environ.get("KENTTA_SECURITY_SHRINK", "") == "1"
__all__ = ["CI", "EXAMPLES", "SHRINK"]
