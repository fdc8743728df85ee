"""A refusal with a reason code: the English reason is for logs and tests, the code is what
the screens translate (`error.<code>` in the catalogue). Lives in the domain so that a model's
own validator can refuse in words; services import it from `kenttä.services.refusal`."""

from __future__ import annotations


class Refused(ValueError):
    """A request refused; `code` names the reason for the catalogue."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
