"""The device's HTTP link on a bad network: timeouts, retries that say what happened, and
several office URLs.

`LinkTransport` is an `HttpTransport` (same requests, authentication and compression) that

* separates the connect timeout from the read/write timeout (`CONNECT_TIMEOUT`,
  `READ_TIMEOUT`): a link whose packets stop while nothing closes is noticed within
  `READ_TIMEOUT` seconds of silence, not after minutes;
* tells apart a connection that could not be made (`connect`), one that was made and then
  cut (`cut`), one that went silent (`stall`) and an office that failed (`server`); each retry
  is announced to `notify` with its kind, the wait and the try number (`RetryNotice`), and the
  final `ServerUnreachable` names the right cause (never "cannot connect" after a cut);
* retries a request at once after its first cut (the link is alive and the office was there:
  a wait would only spend the time until the next cut), and backs off (exponential, jitter)
  when connecting fails, the link stalls, the office fails, or cuts follow one another;
* knows several office URLs: a URL that cannot be connected to (or stalls) is left for the
  next one at once, before any wait; the URL that answered is kept for the next requests;
* counts what the push loop adapts its request sizes to (`cuts`, `last_seconds`, and
  `cut_after`: how long a try that was cut had run).

Every protocol request is safe to repeat, so retrying after a cut is always harmless.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import httpx

from kenttä_sync.transport.client import AuthError, HttpTransport, ServerUnreachable, _detail

CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 20.0
RETRIES = 6
Kind = Literal["connect", "cut", "stall", "server"]


@dataclass(frozen=True)
class RetryNotice:
    kind: Kind
    delay: float  # seconds until the next try
    attempt: int  # 1-based number of this retry
    retries: int  # how many retries there will be at most
    url: str
    status: int | None = None  # the HTTP status of a `server` failure


class LinkCut(ServerUnreachable):
    """A request that must not be sent again as it was was cut (or stalled) midway."""

    def __init__(self, kind: Kind) -> None:
        super().__init__(f"the connection was {'cut' if kind == 'cut' else 'silent'} midway")
        self.kind: Kind = kind


def urls_of(value: str | Sequence[str] | None) -> list[str]:
    """A list of office URLs from one URL, a list, or None (order kept, duplicates out)."""
    if value is None:
        return []
    items = [value] if isinstance(value, str) else list(value)
    out: list[str] = []
    for item in items:
        url = str(item).strip().rstrip("/")
        if url and url not in out:
            out.append(url)
    return out


class LinkTransport(HttpTransport):
    """An HttpTransport over one or several office URLs, for links that cut and stall."""

    def __init__(
        self,
        url: str,
        device_id: str | None = None,
        secret: str | None = None,
        *,
        urls: Sequence[str] = (),
        notify: Callable[[RetryNotice], None] | None = None,
        retries: int = RETRIES,
        backoff: float = 1.0,
        max_backoff: float = 10.0,
        connect_timeout: float = CONNECT_TIMEOUT,
        read_timeout: float = READ_TIMEOUT,
        **options: Any,
    ) -> None:
        options.pop("timeout", None)
        timeout = httpx.Timeout(
            connect=connect_timeout, read=read_timeout, write=read_timeout, pool=connect_timeout
        )
        super().__init__(
            url, device_id, secret, retries=retries, backoff=backoff,
            max_backoff=max_backoff, timeout=timeout, **options,
        )  # fmt: skip
        self.urls = urls_of([url, *urls])
        self.notify = notify
        self.read_timeout = read_timeout
        self.cuts = 0  # failed tries so far (cuts, stalls, unreachable), for adaptive sizes
        self.last_seconds = 0.0  # how long the last answered request took (its last try)
        self.cut_after = 0.0  # how long the last try that was cut or stalled had run

    def _use(self, url: str) -> None:
        self.url = url
        self.client.base_url = httpx.URL(url)

    def _request(
        self, method: str, path: str, *, resend: bool = True, **kwargs: Any
    ) -> httpx.Response:
        """One request, retried; with `resend=False` a cut or stall after connecting raises
        `LinkCut` at once (the caller asks what arrived rather than sending it all again)."""
        kind: Kind = "connect"
        status: int | None = None
        for attempt in range(self.retries + 1):
            if attempt:
                delay = self._delay(kind, attempt)
                if self.notify:
                    self.notify(RetryNotice(kind, delay, attempt, self.retries, self.url, status))
                self.sleep(delay)
            order = self.urls[self.urls.index(self.url) :] + self.urls[: self.urls.index(self.url)]
            for url in order:
                self._use(url)
                started = time.monotonic()
                try:
                    response = self.client.request(method, path, **kwargs)
                except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                    self._refuse_tls(exc)
                    kind = "connect"
                    self.cuts += 1
                    continue  # the next URL at once
                except httpx.TimeoutException:  # read, write or pool: the link went silent
                    kind = "stall"
                    self.cuts += 1
                    self.cut_after = 0.0  # not a late cut: the link may be what is wrong
                    if not resend:
                        raise LinkCut("stall") from None
                    continue
                except httpx.TransportError as exc:  # connected, then cut
                    self._refuse_tls(exc)
                    kind = "cut"
                    self.cuts += 1
                    self.cut_after = time.monotonic() - started
                    if not resend:
                        raise LinkCut("cut") from None
                    break  # the server is there: the same URL after the wait
                self.requests += 1
                self.bytes_received += response.num_bytes_downloaded
                if response.status_code == 429 or response.status_code >= 500:
                    kind, status = "server", response.status_code
                    self.cuts += 1
                    break
                if response.status_code in (401, 403):
                    raise AuthError(response.status_code, _detail(response))
                self.last_seconds = time.monotonic() - started
                return response
        raise ServerUnreachable(self._reason(kind, status))

    def _delay(self, kind: Kind, attempt: int) -> float:
        """The wait before retry `attempt`: none after the first cut of a request (the link
        is alive, the office was there: waiting only wastes the time until the next cut),
        exponential with jitter otherwise (and after cuts that follow one another)."""
        steps = attempt - 1 if kind != "cut" else attempt - 2
        if steps < 0:
            return 0.0
        delay = min(self.max_backoff, self.backoff * 2**steps)
        return delay * (0.75 + random.random() / 4)

    def _reason(self, kind: Kind, status: int | None) -> str:
        where = " or ".join(self.urls)
        tries = self.retries + 1
        if kind == "cut":
            return f"the connection to the sync server at {self.url} was cut {tries} times"
        if kind == "stall":
            return (
                f"the sync server at {where} stopped answering (nothing for "
                f"{self.read_timeout:.0f} s, {tries} times)"
            )
        if kind == "server":
            return f"the sync server at {self.url} kept failing (HTTP {status})"
        return f"cannot reach the sync server at {where}: cannot connect"

    def _refuse_tls(self, exc: Exception) -> None:
        if "CERTIFICATE_VERIFY_FAILED" in str(exc) or "WRONG_VERSION_NUMBER" in str(exc):
            raise ServerUnreachable(
                f"cannot reach the sync server at {self.url}: its TLS certificate is not "
                "trusted here (enrol with the office's CA certificate) or it does not speak https"
            ) from None
