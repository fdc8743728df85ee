"""The OpenAPI spec the server serves at /openapi.json, with the sync protocol's request
models described (a push or a pull, `kenttä_sync.transport.protocol`), so API fuzzers such as
schemathesis generate meaningful bodies for `POST /v1/sync` and `POST /v1/counters`."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from pydantic import TypeAdapter

from kenttä_sync.transport import protocol

_REF = "#/components/schemas/{model}"
COUNTERS_BODY: dict[str, Any] = {
    "type": "object",
    "properties": {
        "acks": {"type": "array", "items": {"type": "string"}, "maxItems": 100},
        "returns": {"type": "array", "items": {"type": "object"}, "maxItems": 100},
        "orders": {"type": "array", "items": {"type": "object"}, "maxItems": 100},
    },
}


def _protocol_schemas() -> tuple[dict[str, Any], dict[str, Any]]:
    """(the request's schema, the component schemas it refers to)."""
    schema = TypeAdapter(protocol.Request).json_schema(ref_template=_REF)
    components = schema.pop("$defs", {})
    return schema, components


def describe(app: FastAPI) -> None:
    """Replace `app.openapi` by one that also describes the protocol's bodies."""
    made = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        spec = made()
        request, components = _protocol_schemas()
        spec.setdefault("components", {}).setdefault("schemas", {}).update(components)
        spec["components"]["schemas"]["SyncRequest"] = request
        paths = spec.get("paths", {})
        sync = paths.get("/v1/sync", {}).get("post", {})
        content = sync.get("requestBody", {}).get("content", {})
        if "application/json" in content:
            content["application/json"]["schema"] = {"$ref": _REF.format(model="SyncRequest")}
        counters = paths.get("/v1/counters", {}).get("post")
        if counters is not None:
            counters["requestBody"] = {
                "required": True, "content": {"application/json": {"schema": COUNTERS_BODY}},
            }  # fmt: skip
        for operation in (op for path in paths.values() for op in path.values()):
            if "422" in operation.get("responses", {}):  # errors.py: {"detail": one line}
                operation["responses"]["422"] = {
                    "description": "invalid request (field paths and error types only)",
                    "content": {"application/json": {"schema": {"$ref": _REF.format(
                        model="ErrorBody")}}},
                }  # fmt: skip
        for unused in ("HTTPValidationError", "ValidationError"):
            spec["components"]["schemas"].pop(unused, None)
        app.openapi_schema = spec
        return spec

    app.openapi = openapi  # type: ignore[method-assign]
