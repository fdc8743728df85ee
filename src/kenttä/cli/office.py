"""The central store as the office commands open it (`kenttä server …`, `kenttä server budget …`).

`store_option` (--store, or KENTTA_STORE) and `central(store_url)`, which opens the store for
kenttä's schema and says in one line why it cannot.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import click

from kenttä.cli.common import CommandError

store_option = click.option(
    "--store", "store_url", envvar="KENTTA_STORE", required=True,
    help="sqlite:PATH or postgresql://… (also KENTTA_STORE).",
)  # fmt: skip


@contextlib.contextmanager
def office_store(store_url: str, install: bool | None = None) -> Iterator[Any]:
    from kenttä_sync.transport.server.stores import StoreUrlError, open_central

    from kenttä.store.schema import SCHEMA

    try:
        central = open_central(store_url, SCHEMA, install)
    except StoreUrlError as exc:
        raise CommandError(str(exc)) from None
    except Exception as exc:  # a driver error: its text names the database, not people
        raise CommandError(f"cannot open the store: {type(exc).__name__}: {exc}") from None
    try:
        yield central
    finally:
        central.close()
