"""The merge: one engine that devices and the central store both apply changes with.

Per-column last-writer-wins by HLC stamp, with concurrent same-field writes kept as conflict
pairs (conflicts); many changes at a time (batched); the rare operations one by one — erase,
natural-key merge, resolve (special); and finding natural-key twins (naturalkeys).
Offers `Engine`. Depends only on kenttä_sync.ground.
"""

from kenttä_sync._lazy import lazy_exports

_EXPORTS = {
    "Engine": "engine",
    "RowState": "rows",
}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
__all__ = sorted(_EXPORTS)
