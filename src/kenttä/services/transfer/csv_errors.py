"""A bad row of an imported CSV file: `line N: reason; reason` (DESIGN §5).

A row names every problem it has (issue 14: `rivi 4: etunimi: puuttuu; puhelin: …`), not only
the first. The reasons are English for scripts (`--json`, each with its column and code); a
bad identifier (henkilötunnus, Y-tunnus, municipality, postal code, phone number) also carries
its error, so a person reads it in their language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError


@dataclass(frozen=True)
class LineError:
    line: int
    reason: str  # English; for a row with several problems, theirs joined by "; "
    column: str | None = None
    error: Exception | None = field(default=None, compare=False)  # an IdentifierError
    code: str = field(default="invalid", compare=False)  # `import_words.<code>` for people
    other_line: int | None = field(default=None, compare=False)  # the same row's first line
    parts: tuple[LineError, ...] = field(default=(), compare=False)  # a row's problems

    @classmethod
    def of_row(cls, line: int, problems: Sequence[LineError]) -> LineError:
        """One error for a row naming every problem it has (in the file's column order)."""
        if len(problems) == 1:
            return problems[0]
        reason = "; ".join(p.reason for p in problems)
        return cls(line, reason, code=problems[0].code, parts=tuple(problems))

    @property
    def problems(self) -> tuple[LineError, ...]:
        return self.parts or (self,)

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"

    def as_dict(self) -> dict[str, Any]:
        """For `--json`: the English reason and, per problem, its column and code."""
        return {
            "line": self.line,
            "reason": self.reason,
            "problems": [
                {"column": p.where(), "code": p.error_code(), "reason": p.reason}
                for p in self.problems
            ],
        }

    def where(self) -> str | None:
        """The column at fault (also read from a reason like "email: not an email address")."""
        if self.column is None and self.code == "invalid" and ":" in self.reason:
            return self.reason.split(":", 1)[0].strip()
        return self.column

    def error_code(self) -> str:
        code = getattr(self.error, "code", None)
        return code if isinstance(code, str) else self.code

    def in_words(self) -> str:
        """`rivi N: reason; reason` wholly in the current language (issue 14): a bad
        identifier with its own words, every other reason by its code, each named by the
        column in words."""
        from kenttä.i18n import t

        reasons = "; ".join(p._words() for p in self.problems)
        return t("cli_text.line_error", line=self.line, reason=reasons)

    def _words(self) -> str:
        from kenttä.i18n import code, t, validation_message

        column = self.where()
        where = code("column", column) if column else ""
        if self.error is not None:
            message = validation_message(self.error)
        else:
            message = t(f"import_words.{self.code}", line=self.other_line or "")
        return f"{where}: {message}" if where else message


def convert_row(
    line: int, raw: Mapping[str, str], converters: Mapping[str, Callable[[str], Any]]
) -> tuple[dict[str, Any], list[LineError]]:
    """Each cell through its column's converter: the values that convert, and a problem for
    every cell that does not (a bad identifier keeps its error for the person's language)."""
    from kenttä.domain.identifiers import IdentifierError

    values: dict[str, Any] = {}
    problems: list[LineError] = []
    for column, text in raw.items():
        try:
            values[column] = converters[column](text)
        except IdentifierError as exc:
            problems.append(LineError(line, f"{column}: {exc}", column=column, error=exc))
        except ValueError as exc:
            reason = str(exc) if str(exc).startswith(f"{column}:") else f"{column}: {exc}"
            problems.append(LineError(line, reason, column=column))
    return values, problems


def validation_errors(line: int, exc: ValidationError) -> list[LineError]:
    """Every problem pydantic found in a row (the value itself never repeated)."""
    from kenttä.domain.identifiers import IdentifierError

    problems = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error["loc"])
        kind = "missing" if error["type"] == "missing" else "invalid"
        message = "missing" if kind == "missing" else error["msg"]
        message = message.removeprefix("Value error, ")
        reason = f"{where}: {message}" if where else message
        inner = error.get("ctx", {}).get("error")
        if isinstance(inner, IdentifierError):
            problems.append(LineError(line, reason, column=where, error=inner))
        else:
            problems.append(LineError(line, reason, column=where or None, code=kind))
    return problems


def line_error(line: int, exc: ValidationError) -> LineError:
    """The row's error naming each problem pydantic found."""
    return LineError.of_row(line, validation_errors(line, exc))
