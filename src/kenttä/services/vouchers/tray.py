"""The service tray (palvelutarjotin) and the providers approved for each service."""

from __future__ import annotations

import json

from kenttä.domain.models import Provider, Service
from kenttä.services.context import Workspace
from kenttä.services.vouchers.common import fetch_models

# Categories of the tray; screens translate these codes.
COACHING = "coaching"
TRAINING = "training"  # card trainings and short courses
WORK_TRIAL = "work_trial"

_DEFAULT_TRAY: tuple[tuple[str, str, str, int], ...] = (
    ("coaching", "Yksilövalmennus", COACHING, 120_000),
    ("career_coaching", "Uravalmennus", COACHING, 150_000),
    ("work_trial_support", "Työkokeilun tuki", WORK_TRIAL, 80_000),
    ("hygiene_passport", "Hygieniapassi", TRAINING, 6_000),
    ("occupational_safety_card", "Työturvallisuuskortti", TRAINING, 12_000),
    ("digital_job_search", "Digitaalisen työnhaun valmennus", COACHING, 40_000),
)


# Codes the demo and `kenttä seed` used before there was one tray (issue 14: the tray listed
# "DIGI" and "digital_job_search" side by side). New data uses the codes above.
LEGACY_CODES = {
    "COACHING": "coaching",
    "CAREER": "career_coaching",
    "WORKTRIAL": "work_trial_support",
    "HYGIENE": "hygiene_passport",
    "SAFETY": "occupational_safety_card",
    "DIGI": "digital_job_search",
}
# Where a service code is used: plain columns, and JSON lists of codes (feedback is
# append-only: its rows keep the code they were given).
_CODE_COLUMNS = (("vouchers", "service_code"), ("plan_steps", "service_code"))
_CODE_LISTS = (("providers", "services"), ("assessments", "recommended_services"))


def default_service_tray(scope: str = "default") -> list[Service]:
    """The shipped tray: coaching, career coaching, work-trial support, hygiene passport,
    occupational safety card and digital job-search coaching, with default values."""
    return [
        Service(code=code, name=name, category=category, default_value_cents=cents, scope=scope)
        for code, name, category, cents in _DEFAULT_TRAY
    ]


def ensure_service_tray(ws: Workspace) -> int:
    """Insert the default services the tray lacks; returns how many.

    A default is already there when a service of its code, or of its name under another
    code (an older database's "DIGI" for "digital_job_search"), is in the tray: one code per
    service. Duplicates an older version made are merged first (`merge_duplicate_services`).
    Two devices doing this offline each make a row per code; `code` is the services table's
    natural key, so sync merges them into one.
    """
    merge_duplicate_services(ws)
    conn = ws.store.conn
    present_codes: set[str] = set()
    present_names: set[str] = set()
    for code, name in conn.execute(
        "SELECT code, name FROM services WHERE _deleted IS NULL AND _erased IS NULL"
    ):
        present_codes.add(code)
        present_names.add((name or "").casefold())
    missing = [
        s
        for s in default_service_tray(ws.config.scope)
        if s.code not in present_codes and s.name.casefold() not in present_names
    ]
    if not missing:
        return 0
    with ws.store.replica.transaction(ws.user) as tx:
        for service in missing:
            tx.insert("services", service.to_row())
    return len(missing)


def merge_duplicate_services(ws: Workspace) -> int:
    """One code per service: where the tray holds one service under two codes (same name),
    keep one code — the shipped default's when it is among them, else the oldest row's —
    point every voucher, plan step, feedback, provider and assessment at it, and remove the
    other service rows. Vouchers keep their value and stay readable. Returns how many codes
    were merged away; the changes sync like any other.
    """
    conn = ws.store.conn
    rows = conn.execute(
        "SELECT id, code, name FROM services WHERE _deleted IS NULL AND _erased IS NULL ORDER BY id"
    ).fetchall()
    defaults = {code for code, *_ in _DEFAULT_TRAY}
    by_name: dict[str, list[tuple[str, str]]] = {}
    for row_id, code, name in rows:
        by_name.setdefault((name or "").casefold(), []).append((row_id, code))
    renames: dict[str, str] = {}
    drop: list[str] = []
    for group in by_name.values():
        codes = list(dict.fromkeys(code for _, code in group))
        if len(codes) < 2:
            continue
        keep = next((c for c in codes if c in defaults), codes[0])
        renames.update({c: keep for c in codes if c != keep})
        drop += [row_id for row_id, code in group if code != keep]
    if not renames:
        return 0
    with ws.store.replica.transaction(ws.user) as tx:
        for table, column in _CODE_COLUMNS:
            marks = ",".join("?" * len(renames))
            for row_id, old in conn.execute(
                f"SELECT id, {column} FROM {table} WHERE {column} IN ({marks})"
                " AND _deleted IS NULL AND _erased IS NULL",
                list(renames),
            ).fetchall():
                tx.update(table, row_id, {column: renames[old]})
        for table, column in _CODE_LISTS:
            for row_id, text in conn.execute(
                f"SELECT id, {column} FROM {table} WHERE {column} IS NOT NULL"
                " AND _deleted IS NULL AND _erased IS NULL"
            ).fetchall():
                codes = json.loads(text) if isinstance(text, str) else text
                if not isinstance(codes, list) or not set(codes) & set(renames):
                    continue
                merged = list(dict.fromkeys(renames.get(c, c) for c in codes))
                tx.update(table, row_id, {column: merged})
        for row_id in drop:
            tx.delete("services", row_id)
    return len(renames)


def list_services(
    ws: Workspace, *, include_retired: bool = False, programme: str | None = None
) -> list[Service]:
    """The service tray, by category and name: what a new voucher may be for (retired
    services only with `include_retired`; with `programme`, those serving it)."""
    services = fetch_models(ws.store.conn, Service, "services", "1")
    if not include_retired:
        services = [s for s in services if s.retired_on is None]
    if programme:
        services = [s for s in services if serves(s, programme)]
    return sorted(services, key=lambda s: (s.category, s.name, s.code))


def serves(service: Service, programme: str | None) -> bool:
    """Whether `service` may be paid from `programme`'s vouchers (no programmes: every one)."""
    if not service.programmes or not programme:
        return True
    return programme.casefold() in {p.casefold() for p in service.programmes}


def get_service(ws: Workspace, code: str) -> Service | None:
    """The service of `code`, retired or not (an old voucher still shows its service)."""
    found = fetch_models(ws.store.conn, Service, "services", "code = ?", (code,))
    return min(found, key=lambda s: s.id) if found else None


def providers_for(
    ws: Workspace, service_code: str, *, include_retired: bool = False
) -> list[Provider]:
    """Providers approved for a service, by name (retired ones only with `include_retired`)."""
    providers = fetch_models(
        ws.store.conn,
        Provider,
        "providers",
        "EXISTS (SELECT 1 FROM json_each(providers.services) WHERE json_each.value = ?)",
        (service_code,),
    )
    if not include_retired:
        providers = [p for p in providers if p.retired_on is None]
    return sorted(providers, key=lambda p: (p.name, p.id))


def list_providers(ws: Workspace, *, include_retired: bool = False) -> list[Provider]:
    """Every provider, by name (retired ones only with `include_retired`)."""
    providers = fetch_models(ws.store.conn, Provider, "providers", "1")
    if not include_retired:
        providers = [p for p in providers if p.retired_on is None]
    return sorted(providers, key=lambda p: (p.name.casefold(), p.id))


def get_provider(ws: Workspace, provider_id: str) -> Provider | None:
    """The provider of `provider_id`, retired or not (old vouchers still name it)."""
    found = fetch_models(ws.store.conn, Provider, "providers", "id = ?", (provider_id,))
    return found[0] if found else None
