"""Error text that never carries request values.

pydantic's validation errors hold the offending `input` (and often repeat it in `msg` and
`ctx`); a request may carry a henkilötunnus or a name in any field. What goes back to the
peer, or into a log, is only the field path and the error type, with path parts that are
not known field names (dict keys, union tags the peer made up) replaced by `*`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

MAX_ERRORS = 5


def field_names(*models: type[BaseModel]) -> frozenset[str]:
    """Every field name and alias of `models` (the path parts safe to name)."""
    names: set[str] = set()
    for model in models:
        for name, info in model.model_fields.items():
            names.add(name)
            if info.alias:
                names.add(info.alias)
    return frozenset(names)


def _part(part: Any, known: frozenset[str]) -> str:
    if isinstance(part, int):
        return str(part)
    return part if isinstance(part, str) and part in known else "*"


def describe(errors: Iterable[Mapping[str, Any]], known: frozenset[str]) -> str:
    """'path.to.field (error_type); …' for at most MAX_ERRORS errors, values left out."""
    found = list(errors)
    parts = []
    for error in found[:MAX_ERRORS]:
        where = ".".join(_part(p, known) for p in error.get("loc", ())) or "request"
        kind = str(error.get("type", "invalid"))
        parts.append(f"{where} ({kind if kind.isidentifier() else 'invalid'})")
    more = f"; and {len(found) - MAX_ERRORS} more" if len(found) > MAX_ERRORS else ""
    return "; ".join(parts) + more


def describe_validation(exc: ValidationError, known: frozenset[str]) -> str:
    return describe(exc.errors(include_input=False, include_context=False), known)


_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


def unquoted(message: str) -> str:
    """`message` with every quoted part (a value repr'd into it) left out, on one line."""
    return " ".join(_QUOTED.sub("'…'", message).split())[:300]
