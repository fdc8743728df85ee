"""The office server (FastAPI): `create_app(store_url, schema)`; see app.py and enrolment.py."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

    from kenttä_sync.schema import SyncSchema


def create_app(store_url: str, schema: SyncSchema, pool_size: int | None = None) -> FastAPI:
    from kenttä_sync.server.app import create_app as make

    return make(store_url, schema, pool_size)


__all__ = ["create_app"]
