"""Bounded counters held offline by escrow (Balegas et al. 2015), the central store's side.

bounded: the tables, grants and returns (`install`, `set_total`, `grant`, `request_return`,
`Counter`, `CounterError`); orders: the office's counter commands, queued on a device and
applied at the centre; wire: one exchange with a device over HTTP or a bundle (`exchange`,
`handle`, `pending`, `request_body`). Callers outside the room use these package names:
`from kenttä_sync import counters; counters.exchange(…)`.
"""

from kenttä_sync._lazy import lazy_exports

_EXPORTS = {
    "RULES": "bounded",
    "GIVING": "bounded",
    "CounterError": "bounded",
    "Counter": "bounded",
    "install": "bounded",
    "by_device": "bounded",
    "get": "bounded",
    "counters": "bounded",
    "set_total": "bounded",
    "grant": "bounded",
    "active_devices": "bounded",
    "rule_target": "bounded",
    "grant_by_rule": "bounded",
    "request_return": "bounded",
    "receive_return": "bounded",
    "ORDER_ROLES": "orders",
    "Report": "orders",
    "may_order": "orders",
    "snapshot": "orders",
    "pending": "wire",
    "exchange": "wire",
    "handle": "wire",
    "request_body": "wire",
}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
__all__ = sorted(_EXPORTS)
