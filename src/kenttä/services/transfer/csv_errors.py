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
    code: str = field(default="invalid", compare=False)  # `import_words.<code>` for people
    other_line: int | None = field(default=None, compare=False)  # the same row's first line

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"

    def in_words(self) -> str:
        """`rivi N: reason` wholly in the current language (issue 14): a bad identifier
        (henkilötunnus, Y-tunnus, municipality, postal code) with its own words, every other
        reason by its code, named by the column in words."""
        from kenttä.i18n import code, t, validation_message

        column = self.column
        if column is None and self.code == "invalid" and ":" in self.reason:
            column = self.reason.split(":", 1)[0].strip()  # "email: not an email address"
        where = code("column", column) if column else ""
        if self.error is not None:
            message = validation_message(self.error)
        else:
            message = t(f"import_words.{self.code}", line=self.other_line or "")
        reason = f"{where}: {message}" if where else message
        return t("cli_text.line_error", line=self.line, reason=reason)


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
    kind = "missing" if first["type"] == "missing" else "invalid"
    return LineError(line, _reason(exc), column=where or None, code=kind)
