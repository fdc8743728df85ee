"""Dependencies point one way: nothing below the UI loads Textual, even through a lazy import.

The static rules (layers, kenttä_sync never imports kenttä, no Textual below the UI, no
import cycles) are import-linter contracts in pyproject.toml, checked by `lint-imports` in
CI. This test covers what a static graph cannot see: modules loaded by name at run time
(the packages' lazy exports use importlib).
"""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import kenttä_sync

import kenttä

SRC = Path(kenttä.__file__).parent
SYNC_SRC = Path(kenttä_sync.__file__).parent


def modules(package: str, root: Path) -> list[str]:
    if not (root / "__init__.py").exists():
        return [package]
    found = [package]
    for info in pkgutil.walk_packages([str(root)], prefix=f"{package}."):
        found.append(info.name)
    return found


def layer_modules() -> list[str]:
    names = ["kenttä.config"]
    for package in ("domain", "store", "services"):
        names += modules(f"kenttä.{package}", SRC / package)
    return names + modules("kenttä_sync", SYNC_SRC)


def test_importing_the_lower_layers_loads_no_textual() -> None:
    names = layer_modules()
    assert len(names) > 10
    script = (
        "import importlib, json, sys\n"
        f"for name in {names!r}:\n"
        "    module = importlib.import_module(name)\n"
        "    for public in getattr(module, '__all__', ()):\n"  # the lazy exports too
        "        getattr(module, public)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m == 'textual'"
        " or m.startswith('textual.') or m.startswith('kenttä.ui'))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []
