"""Transport: how changes travel between a device and the central store.

protocol: versioned messages and push/pull over stores (`handle(bytes)` for a server,
`sync` for a device with any bytes transport); client: the HTTP client; link: timeouts and
retries on a bad network; resumable, large_push, push_stream, chunked_push and chunked_pull:
adaptive sizes and transactions in pieces (staged at the office until whole, or on the
device for pulls); bundle: encrypted files on a USB stick; server: the office's FastAPI app.
"""

from kenttä_sync._lazy import lazy_exports

_EXPORTS = {
    "SyncError": "protocol",
    "handle": "protocol",
    "in_process": "protocol",
    "sync": "protocol",
    "VersionMismatch": "protocol",
    "AuthError": "client",
    "HttpTransport": "client",
    "Progress": "client",
    "ServerUnreachable": "client",
    "SyncSummary": "client",
    "LinkTransport": "link",
    "READ_TIMEOUT": "link",
    "RetryNotice": "link",
    "urls_of": "link",
    "LinkSummary": "resumable",
    "sync_link": "resumable",
    "waiting": "resumable",
    "BundleError": "bundle",
}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
__all__ = sorted(_EXPORTS)
