"""A refusal with a reason code: the English reason is for logs and tests, the code is what
the screens translate (`error.<code>` in the catalogue). The class is the domain's, so that a
model's validator and a service refuse alike."""

from __future__ import annotations

from kenttä.domain.refusal import Refused

__all__ = ["Refused"]
