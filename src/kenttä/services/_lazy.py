"""Lazy public names for a package: each is imported from its module on first use.

Importing a package (say `kenttä.services.clients`) loads none of its modules, so that the
app's start-up pays only for what its first screen uses.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def lazy_exports(
    package: str, exports: dict[str, str], namespace: dict[str, Any]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """`__getattr__` and `__dir__` for `package`; `exports` maps a name to its module."""

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        # not cached here: the module's attribute is read on every use, so a test that
        # patches it (monkeypatch.setattr(module, name, …)) is seen through the package too
        return getattr(importlib.import_module(f"{package}.{module}"), name)

    def __dir__() -> list[str]:
        return sorted([*namespace, *exports])

    return __getattr__, __dir__
