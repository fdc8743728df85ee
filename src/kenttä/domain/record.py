"""What every record of kenttä is built on: the base model and the field types shared by the
models (a henkilötunnus, Y-tunnus or municipality code checked on input, bounded texts)."""

from __future__ import annotations

from typing import Annotated, Any

from kenttä_sync.ground import uuid7
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from kenttä.domain.identifiers import (
    parse_henkilotunnus,
    validate_municipality,
    validate_y_tunnus,
)

Henkilotunnus = Annotated[str, AfterValidator(lambda v: parse_henkilotunnus(v).code)]
YTunnus = Annotated[str, AfterValidator(validate_y_tunnus)]
MunicipalityCode = Annotated[str, AfterValidator(validate_municipality)]
NonEmpty = Annotated[str, Field(min_length=1, max_length=200)]
LongText = Annotated[str, Field(max_length=100_000)]
# a list column added by a later migration: rows from before it hold NULL, read as empty
LaterList = Annotated[list[str], BeforeValidator(lambda v: [] if v is None else v)]


class Record(BaseModel):
    """Every record: a device-made UUIDv7 id and the scope that decides who receives it."""

    model_config = ConfigDict(str_strip_whitespace=True, use_enum_values=True, extra="forbid")

    id: str = Field(default_factory=uuid7)
    scope: str = "default"

    def to_row(self) -> dict[str, Any]:
        return self.model_dump(mode="json")
