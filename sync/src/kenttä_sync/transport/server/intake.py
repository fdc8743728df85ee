"""What every authenticated route does first: the credentials and the request body.

`Credentials` (the bearer token FastAPI reads), `authenticate` (401 / 403 with a reason),
`decompress` (gzip or none, within MAX_COMPRESSED / MAX_BODY: 413 with a reason) and the
`ERRORS` every such route may answer. Used by app.py and pieces.py alike.
"""

import zlib
from typing import Annotated, Any

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from kenttä_sync.central.store import CentralStore
from kenttä_sync.transport.server import enrolment
from kenttä_sync.transport.server.errors import ErrorBody, HttpError

MAX_COMPRESSED = 32 * 1024 * 1024
MAX_BODY = 128 * 1024 * 1024
_bearer = HTTPBearer(auto_error=False, description="<device id>.<secret> from enrolment")
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "missing or invalid credentials"},
    403: {"model": ErrorBody, "description": "revoked device or another device's data"},
}


def _authorization(creds: HTTPAuthorizationCredentials | None) -> str | None:
    return None if creds is None else f"Bearer {creds.credentials}"


def authenticate(central: CentralStore, creds: HTTPAuthorizationCredentials | None):
    try:
        return enrolment.authenticate(central, _authorization(creds))
    except enrolment.Revoked as exc:
        raise HttpError(403, str(exc)) from None
    except enrolment.Unauthenticated as exc:
        raise HttpError(401, str(exc)) from None


def decompress(body: bytes, encoding: str) -> bytes:
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return body
    if encoding != "gzip":
        raise HttpError(415, "unsupported content encoding (use gzip or none)")
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(body, MAX_BODY)
        if inflater.unconsumed_tail:
            raise HttpError(413, "request body too large once decompressed")
        data += inflater.flush()
    except zlib.error:
        raise HttpError(400, "the body is not valid gzip") from None
    if not inflater.eof:
        raise HttpError(400, "the gzip body is truncated")
    return data
