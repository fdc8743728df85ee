"""schemathesis against a real `kenttä server run` (issue 12, acceptance): every operation of
the served OpenAPI spec, on the SQLite and the PostgreSQL central store, with and without a
device credential: no 5xx, and no answer carrying data to a request without credentials.

The spec is the one the server serves (made in-process at collection, so the test needs no
server to be collected); requests go to the real server over HTTP. With a credential, the
protocol fields a fuzzer cannot guess (the enrolled device id, protocol and schema versions)
are filled in, so pushes and pulls reach the central store."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from kenttä_sync.ground.changes import PROTOCOL_VERSION
from kenttä_sync.transport.server import create_app
from schemathesis.checks import not_a_server_error

from tests.pg import pg_url
from tests.transport.helpers import Server, enrol_code

pytestmark = pytest.mark.slow
EXAMPLES = 15  # per operation, store and credential: about 30 s in all on 2 cores


def _schema() -> Any:
    from kenttä.store.schema import SCHEMA

    return SCHEMA


def _spec() -> dict[str, Any]:
    app = create_app("sqlite::memory:", _schema())
    try:
        return app.openapi()
    finally:
        app.state.pool.close()


schema = schemathesis.openapi.from_dict(_spec())


@dataclass
class Office:
    url: str
    device_id: str
    secret: str


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def office(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Office]:
    folder = tmp_path_factory.mktemp("office")
    if request.param == "postgres":
        url = pg_url(request.getfixturevalue("pg_conninfo"))
    else:
        url = f"sqlite:{folder / 'central.db'}"
    srv = Server(url, log=folder / "server.log").start()
    try:
        code = enrol_code(url, ["kuopio"])
        answer = httpx.post(f"{srv.url}/v1/enroll", timeout=30, json={
            "code": code, "device_id": "fuzzdev", "protocol_version": PROTOCOL_VERSION,
            "schema_name": _schema().name, "schema_version": _schema().version})  # fmt: skip
        assert answer.status_code == 200, answer.text
        yield Office(srv.url, "fuzzdev", answer.json()["secret"])
    finally:
        srv.stop()
    log = (folder / "server.log").read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in log and "internal error" not in log, log[-3000:]


@schemathesis.check
def no_data_without_credentials(ctx: Any, response: Any, case: Any) -> bool | None:
    """An answer to a request without credentials is a refusal carrying only a reason."""
    if "authorization" in {k.lower() for k in response.request.headers}:
        return None
    if response.status_code < 400:
        raise AssertionError(f"HTTP {response.status_code} to a request without credentials")
    try:
        body = response.json()
    except ValueError:
        body = None
    if not (isinstance(body, dict) and set(body) <= {"detail"}):
        raise AssertionError("a refusal without credentials carried more than a reason")
    return True


def _fill_protocol_fields(case: Any, office: Office) -> None:
    if case.path == "/v1/sync" and isinstance(case.body, dict):
        case.body.update(device_id=office.device_id, protocol_version=PROTOCOL_VERSION,
                         schema_name=_schema().name, schema_version=_schema().version)  # fmt: skip


@pytest.mark.parametrize("credential", [True, False], ids=["device", "anonymous"])
@schema.parametrize()
@settings(
    max_examples=EXAMPLES, deadline=None, derandomize=True,
    suppress_health_check=list(HealthCheck),
)  # fmt: skip
def test_the_office_api_has_no_server_errors_and_serves_no_data_anonymously(
    case: Any, office: Office, credential: bool
) -> None:
    headers = dict(case.headers or {})
    headers.pop("Authorization", None)
    headers.pop("authorization", None)
    case.headers = headers
    extra = {}
    if credential:
        extra["Authorization"] = f"Bearer {office.device_id}.{office.secret}"
        _fill_protocol_fields(case, office)
    response = case.call(base_url=office.url, headers=extra, timeout=30)
    case.validate_response(
        response, checks=[not_a_server_error, no_data_without_credentials], headers=extra
    )
