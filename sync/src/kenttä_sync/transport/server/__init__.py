"""The office server (FastAPI + uvicorn): `create_app(store_url, schema)`.

At the office (the application's CLI wraps these; kenttä's names shown):

    kenttä server init --store sqlite:/srv/kentta/central.db      # or postgresql://…
    kenttä server run --store … --host 0.0.0.0 --port 8470 --tls-cert office.pem --tls-key office.key
    kenttä server enroll --store … --scope kuopio --role coach     # prints a one-time code
    kenttä server devices list|revoke DEVICE --store …

and on the laptop `kenttä enroll https://office:8470 CODE [--ca-cert office-ca.pem]`, then
`kenttä sync`, or `kenttä sync export FILE` / `kenttä server import-bundle FILE --reply R`
/ `kenttä sync import R` where there is no network.

Modules: app.py (routes, authentication, compression), enrolment.py (codes, secrets,
revocation, bundle bookkeeping; tables in the central store), stores.py (store URLs, the
connection pool). The server keeps nothing between requests, so several processes may
serve one PostgreSQL store. See also kenttä_sync.transport.client (the device's HTTP client) and
kenttä_sync.transport.bundle (the file format).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

    from kenttä_sync.counters.orders import Report
    from kenttä_sync.ground.schema import SyncSchema


def create_app(
    store_url: str, schema: SyncSchema, pool_size: int | None = None,
    counter_report: Report | None = None, office_urls: list[str] | None = None,
) -> FastAPI:  # fmt: skip
    """The app over the central store at `store_url` (see server.app.create_app)."""
    from kenttä_sync.transport.server.app import create_app as make

    return make(store_url, schema, pool_size, counter_report, office_urls)


__all__ = ["create_app"]
