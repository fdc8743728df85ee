"""Dependencies point one way: nothing below the UI imports Textual; kenttä_sync never kenttä."""

from __future__ import annotations

import ast
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import kenttä_sync

import kenttä

SRC = Path(kenttä.__file__).parent
SYNC_SRC = Path(kenttä_sync.__file__).parent
BELOW_UI = ("kenttä.domain", "kenttä.store", "kenttä.services", "kenttä.config", "kenttä_sync")


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


def imported_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def source_files() -> list[Path]:
    files = [SRC / "config.py"]
    for package in ("domain", "store", "services"):
        files += sorted((SRC / package).rglob("*.py"))
    return files + sorted(SYNC_SRC.rglob("*.py"))


def test_importing_the_lower_layers_loads_no_textual() -> None:
    names = layer_modules()
    assert len(names) > 10
    script = (
        "import importlib, json, sys\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m == 'textual'"
        " or m.startswith('textual.') or m.startswith('kenttä.ui'))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []


def test_no_source_below_the_ui_imports_textual() -> None:
    offenders = []
    for path in source_files():
        for name in imported_names(path):
            if name == "textual" or name.startswith("textual.") or name.startswith("kenttä.ui"):
                offenders.append(f"{path.relative_to(SRC.parent)}: {name}")
        text = path.read_text(encoding="utf-8")
        if "import textual" in text or "from textual" in text:
            offenders.append(f"{path.relative_to(SRC.parent)}: mentions a textual import")
    assert offenders == []


def test_kenttä_sync_never_imports_kenttä() -> None:
    offenders = []
    for path in sorted(SYNC_SRC.rglob("*.py")):
        for name in imported_names(path):
            if name == "kenttä" or name.startswith("kenttä."):
                offenders.append(f"{path.name}: {name}")
    assert offenders == []


def test_the_layer_check_would_notice(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from textual.app import App\nimport kenttä.domain\n", encoding="utf-8")
    assert {"textual.app", "kenttä.domain"} <= imported_names(bad)
