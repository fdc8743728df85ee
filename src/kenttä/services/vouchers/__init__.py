"""The voucher room: service vouchers from issue to redemption or return.

core: issue within this device's budget share, offline, and what follows; numbers:
readable numbers unique across devices; tray: the service tray and approved providers;
text: the printable voucher (fi/sv/en); common: the error, money formatting, rows;
budget: the device's share of each budget, kept locally. Money held offline is in kenttä.services.budgets.
"""

from kenttä.services._lazy import lazy_exports

_EXPORTS = {
    "VALIDITY_MONTHS": "core",
    "TRANSITIONS": "core",
    "issue_voucher": "core",
    "list_vouchers": "core",
    "get_voucher": "core",
    "transition": "core",
    "cancel_voucher": "core",
    "expire_overdue": "core",
    "expiring": "core",
    "render_voucher_text": "core",
    "RELEASED": "common",
    "LIVE_OPEN": "common",
    "VoucherError": "common",
    "eur": "common",
    "eur_fi": "common",
    "parse_eur": "common",
    "select_columns": "common",
    "row_to_model": "common",
    "fetch_models": "common",
    "add_months": "common",
    "ASSIGNED_CODE": "numbers",
    "NUMBER": "numbers",
    "SEQUENCE_WIDTH": "numbers",
    "FALLBACK_LENGTH": "numbers",
    "programme_prefix": "numbers",
    "fallback_device_code": "numbers",
    "device_code": "numbers",
    "format_number": "numbers",
    "parse_number": "numbers",
    "sequence_key": "numbers",
    "next_number": "numbers",
    "render_text": "text",
    "COACHING": "tray",
    "TRAINING": "tray",
    "WORK_TRIAL": "tray",
    "LEGACY_CODES": "tray",
    "default_service_tray": "tray",
    "ensure_service_tray": "tray",
    "merge_duplicate_services": "tray",
    "list_services": "tray",
    "get_service": "tray",
    "providers_for": "tray",
    "get_provider": "tray",
}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
__all__ = sorted(_EXPORTS)
