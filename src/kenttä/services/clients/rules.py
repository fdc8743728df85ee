"""What a client record must satisfy, on creation and on every change after it.

The domain model (`kenttä.domain.models.Client`) validates the whole record; this module puts
its verdict in one line that carries no personal data (a field name and what is wrong with
it, never the value), and works out what a change of the henkilötunnus means for the fields
derived from it (birth date, sex, gender). Nothing here touches the database.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from kenttä.domain.codes import Gender
from kenttä.domain.identifiers import (
    IdentifierError,
    parse_henkilotunnus,
    validate_phone,
    validate_postal_code,
)
from kenttä.domain.models import Client

FIXED_FIELDS = frozenset({"id", "scope"})
"""Fields a change may not touch: the identity of the record and who receives it."""


class ClientError(ValueError):
    """A change that cannot be made; the message is for a person (no personal data).

    `field` names the client field at fault when there is one (for a form to focus it)."""

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.field = field


def _derived_gender(sex: str) -> str:
    return Gender.MAN.value if sex == "male" else Gender.WOMAN.value


def merged_for_update(current: Client, changes: dict[str, Any]) -> dict[str, Any]:
    """The client's fields with `changes` applied, ready to validate as a whole.

    A new henkilötunnus brings its own birth date and gender, unless the change gives them or
    they were not the ones the old henkilötunnus gave (a person's own statement stays)."""
    fixed = sorted(FIXED_FIELDS & set(changes))
    if fixed:
        raise ClientError("fixed_field", f"{fixed[0]} of a client cannot change", fixed[0])
    data = current.model_dump(mode="json") | changes
    postal = changes.get("postal_code")
    if postal:
        try:
            data["postal_code"] = validate_postal_code(str(postal))
        except IdentifierError as exc:
            raise ClientError(exc.code, str(exc), "postal_code") from None
    check_phone(data, changes)
    new_hetu = str(changes.get("henkilotunnus") or "").strip().upper()
    if current.henkilotunnus and new_hetu and new_hetu != current.henkilotunnus:
        old = parse_henkilotunnus(current.henkilotunnus)
        if "birth_date" not in changes and current.birth_date == old.birth_date:
            data["birth_date"] = None
        if "gender" not in changes and current.gender == _derived_gender(old.sex):
            data["gender"] = None
    return data


def check_phone(data: dict[str, Any], given: dict[str, Any] | None = None) -> None:
    """A phone number given (created, or changed) is one: `validate_phone`, the rule
    `kenttä import` and the client form follow too. A stored number is not checked again."""
    phone = (data if given is None else given).get("phone")
    if phone:
        try:
            data["phone"] = validate_phone(str(phone))
        except IdentifierError as exc:
            raise ClientError(exc.code, str(exc), "phone") from None


def validated(data: dict[str, Any]) -> Client:
    """`Client.model_validate(data)`, with a failure as a ClientError in one line.

    An identifier keeps its own reason and code (a wrong check character names the expected
    one); any other field is named with pydantic's error type. The input is never repeated."""
    try:
        return Client.model_validate(data)
    except ValidationError as exc:
        raise _reason(exc) from None  # the ValidationError's text repeats the input


def _reason(exc: ValidationError) -> ClientError:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first.get("loc", ())) or None
    inner = first.get("ctx", {}).get("error")
    if isinstance(inner, IdentifierError):
        return ClientError(inner.code, str(inner), where)
    kind = first.get("type", "invalid")
    what = "is missing" if kind == "missing" else f"is not valid ({kind})"
    return ClientError("invalid_field", f"{where or 'a field'} {what}", where)
