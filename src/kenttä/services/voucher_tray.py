"""The service tray (palvelutarjotin) and the providers approved for each service."""

from __future__ import annotations

from kenttä.domain.models import Provider, Service
from kenttä.services.context import Workspace
from kenttä.services.voucher_common import fetch_models

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


def default_service_tray(scope: str = "default") -> list[Service]:
    """The shipped tray: coaching, career coaching, work-trial support, hygiene passport,
    occupational safety card and digital job-search coaching, with default values."""
    return [
        Service(code=code, name=name, category=category, default_value_cents=cents, scope=scope)
        for code, name, category, cents in _DEFAULT_TRAY
    ]


def ensure_service_tray(ws: Workspace) -> int:
    """Insert the default services whose code is not in the tray yet; returns how many.

    Two devices doing this offline each make a row per code; `code` is the services table's
    natural key, so sync merges them into one.
    """
    conn = ws.store.conn
    present = {
        row[0]
        for row in conn.execute(
            "SELECT code FROM services WHERE _deleted IS NULL AND _erased IS NULL"
        )
    }
    missing = [s for s in default_service_tray(ws.config.scope) if s.code not in present]
    if not missing:
        return 0
    with ws.store.replica.transaction(ws.user) as tx:
        for service in missing:
            tx.insert("services", service.to_row())
    return len(missing)


def list_services(ws: Workspace) -> list[Service]:
    """The service tray, by category and name."""
    services = fetch_models(ws.store.conn, Service, "services", "1")
    return sorted(services, key=lambda s: (s.category, s.name, s.code))


def get_service(ws: Workspace, code: str) -> Service | None:
    found = fetch_models(ws.store.conn, Service, "services", "code = ?", (code,))
    return min(found, key=lambda s: s.id) if found else None


def providers_for(ws: Workspace, service_code: str) -> list[Provider]:
    """Providers approved for a service, by name."""
    providers = fetch_models(
        ws.store.conn,
        Provider,
        "providers",
        "EXISTS (SELECT 1 FROM json_each(providers.services) WHERE json_each.value = ?)",
        (service_code,),
    )
    return sorted(providers, key=lambda p: (p.name, p.id))


def get_provider(ws: Workspace, provider_id: str) -> Provider | None:
    found = fetch_models(ws.store.conn, Provider, "providers", "id = ?", (provider_id,))
    return found[0] if found else None
