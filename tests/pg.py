"""PostgreSQL for the tests: fresh databases in the session's throwaway cluster.

The cluster itself is the session fixture `pg_conninfo` in tests/conftest.py (started once,
whatever suites need it); without the server binaries those tests skip, except under
CI=true, where they fail.
"""

from __future__ import annotations

import itertools
import os

CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
_databases = itertools.count()


def pg_url(conninfo: str, prefix: str = "kt") -> str:
    """A fresh, empty database in the cluster, as a postgresql:// URL."""
    import psycopg

    parts = dict(item.split("=", 1) for item in conninfo.split())
    name = f"{prefix}{os.getpid()}_{next(_databases)}"
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return f"postgresql://{parts['user']}@/{name}?host={parts['host']}&port={parts['port']}"
