"""A generated demo caseload: believable, synthetic, the same every time for a seed and a day.

`ensure_demo_database()` builds data_dir()/demo.db once (again when it is missing, from an
older generator version, made with another seed, or more than two weeks old, so the Today
screen always has something due). `build_demo()` writes the caseload into any store; tests
use it. Every date is relative to `today`; only ids and clock stamps differ between builds.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from kenttä.config import Config, data_dir, load_config
from kenttä.domain import localtime
from kenttä.services.context import Workspace
from kenttä.services.data.demo_data import DEMO_USER
from kenttä.store.db import Store, open_store

GENERATOR_VERSION = 4  # 2: the shipped tray (issue 14); 3: issue 16; 4: groups, teams
MAX_AGE_DAYS = 14
DEMO_AUTHOR = "demo"
DEMO_SCOPE = "kuopio"
__all__ = ["DEMO_USER", "build_demo", "demo_config", "ensure_demo_database"]


def build_demo(
    store: Store, *, seed: int = 2016, today: date | None = None, clients: int = 150
) -> dict[str, int]:
    """Write the demo caseload into `store` in one transaction; returns rows per table."""
    # The builder (and the domain models under it) only when building: not when the demo
    # database is current and the app just opens it.
    from kenttä.services.data.demo_clients import DemoBuilder
    from kenttä.services.data.demo_paths import add_paths_targets_events

    builder = DemoBuilder(store, seed, today or localtime.today(), clients)
    providers = builder.tray()
    employers = builder.employers(max(8, clients // 4))
    builder.clients(employers, providers)
    add_paths_targets_events(builder)  # issue 16
    from kenttä.services.data.demo_groups import add_groups

    add_groups(builder)  # group coaching and a team (issue 15)
    with store.replica.transaction(DEMO_AUTHOR) as tx:
        counts = {
            table: tx.bulk_insert(table, rows) for table, rows in builder.rows.items() if rows
        }
        _demo_shares(store, builder.rows, builder.today)
        return counts


def _demo_shares(store: Store, rows: dict[str, list[dict]], today: date) -> None:
    """The demo laptop's voucher budget shares, as if granted by the office: per programme,
    what its demo vouchers used plus 10 000 €, rounded up to 5 000 €; each voucher charged."""
    from kenttä.services.vouchers.budgets import apply_grant_in, budget_id_for, charge_in

    programme_of = {c["id"]: c.get("programme") or "KENTTA" for c in rows.get("clients", [])}
    start, end = date(today.year - 1, 7, 1), date(today.year, 12, 31)
    spent: dict[str, int] = {}
    for v in rows.get("vouchers", []):
        programme = programme_of[v["client_id"]]
        budget = budget_id_for(programme, start, end)
        charge_in(
            store.conn, voucher_id=v["id"], number=v["number"], budget_id=budget,
            programme=programme, value_cents=v["value_cents"],
            issued_on=date.fromisoformat(str(v["issued_on"])), issued_by=v["issued_by"],
        )  # fmt: skip
        spent[programme] = spent.get(programme, 0) + v["value_cents"]
    for programme, cents in sorted(spent.items()):
        share = -(-(cents + 1_000_000) // 500_000) * 500_000
        apply_grant_in(
            store.conn, grant_id=f"demo:{programme}", budget_id=budget_id_for(programme, start, end),
            programme=programme, period_start=start, period_end=end, granted_cents=share,
            source="central", granted_at=f"{start.isoformat()}T08:00:00+00:00",
        )  # fmt: skip


def _demo_info(store: Store) -> dict[str, str]:
    store.conn.execute("CREATE TABLE IF NOT EXISTS _demo (key TEXT PRIMARY KEY, value TEXT)")
    return dict(store.conn.execute("SELECT key, value FROM _demo").fetchall())


def _is_current(path: Path, seed: int, today: date) -> bool:
    if not path.exists():
        return False
    try:
        store = open_store(path, create=False)
    except Exception:
        return False
    try:
        info = _demo_info(store)
    finally:
        store.close()
    built = info.get("built_on")
    return (
        info.get("generator") == str(GENERATOR_VERSION)
        and info.get("seed") == str(seed)
        and built is not None
        and 0 <= (today - date.fromisoformat(built)).days <= MAX_AGE_DAYS
    )


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


# The demo's people by role: the coach owns a caseload; the coordinator visits companies;
# the supervisor sees the whole office. `role` in config.toml picks one (coach by default).
DEMO_USERS = {"coach": DEMO_USER, "coordinator": "outi.lehtonen", "supervisor": "ritva.mononen"}


def demo_config(base: Config | None = None) -> Config:
    """The demo's user in Kuopio, in the role config.toml names (coach when it names none),
    with the person's own language and theme."""
    base = base or Config()
    return base.copy_with(user=DEMO_USERS[base.role], scope=DEMO_SCOPE)


def ensure_demo_database(
    path: str | Path | None = None, *, seed: int = 2016, today: date | None = None
) -> Workspace:
    """The demo database (built now if needed) opened as a Workspace of the demo coach."""
    today = today or localtime.today()
    target = Path(path) if path else data_dir() / "demo.db"
    if not _is_current(target, seed, today):
        building = target.with_name(target.name + ".building")
        _remove(building)
        store = open_store(building)
        try:
            build_demo(store, seed=seed, today=today)
            _demo_info(store)
            store.conn.executemany(
                "INSERT OR REPLACE INTO _demo (key, value) VALUES (?, ?)",
                [
                    ("generator", str(GENERATOR_VERSION)),
                    ("seed", str(seed)),
                    ("built_on", today.isoformat()),
                ],
            )
        finally:
            store.close()
        _remove(target)
        os.replace(building, target)
    try:
        config = load_config()
    except ValueError:
        config = Config()
    return Workspace(open_store(target), demo_config(config))
