"""A bad row of an imported CSV file: `line N: reason` (DESIGN §5).

The reason is English for scripts (`--json`); a bad identifier (henkilötunnus, Y-tunnus,
municipality, postal code) also carries its error, so a person reads it in their language.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import ValidationError


@dataclass(frozen=True)
class LineError:
    line: int
    reason: str
    column: str | None = None
    error: Exception | None = field(default=None, compare=False)  # an IdentifierError

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"

    def in_words(self) -> str:
        """`line N: reason` with the reason in the current language when it has words
        (a bad henkilötunnus, Y-tunnus, municipality or postal code)."""
        if self.error is None:
            return str(self)
        from kenttä.i18n import code, validation_message

        where = code("column", self.column) if self.column else ""
        message = validation_message(self.error)
        return f"line {self.line}: {where}: {message}" if where else f"line {self.line}: {message}"


def _reason(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    message = "missing" if first["type"] == "missing" else first["msg"]
    message = message.removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


def line_error(line: int, exc: ValidationError) -> LineError:
    """The reason (English, for scripts) and, for a bad identifier, what to say to a person."""
    from kenttä.domain.identifiers import IdentifierError

    first = exc.errors()[0]
    inner = first.get("ctx", {}).get("error")
    where = ".".join(str(p) for p in first["loc"])
    if isinstance(inner, IdentifierError):
        return LineError(line, _reason(exc), column=where, error=inner)
    return LineError(line, _reason(exc))
