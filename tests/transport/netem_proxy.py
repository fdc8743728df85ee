"""A bad network in user space: an asyncio TCP proxy on 127.0.0.1 in front of a server.

* bandwidth: bytes per second in each direction, shared by every connection (a token
  bucket: each piece of data waits its serialisation time, as on a slow line);
* latency: every piece of data is delivered `latency` seconds after it was read (one way);
* cuts: every `cut_every` = (low, high) seconds (drawn anew each time) every open connection
  is aborted (a reset), as a mobile link that drops (None: no cuts; may be set while running);
* stalls: `stall()` stops forwarding without closing anything (packets stop; new connections
  are accepted but nothing flows), `resume()` lets data flow again;
* bounded: the proxy stops by itself after `lifetime` seconds (and at `stop()`), closing
  everything; it listens on 127.0.0.1 only.

It runs its own event loop in a daemon thread, so a test can drive subprocesses while it
runs: `with NetemProxy(target_port, …) as proxy: … proxy.url …`.
"""

from __future__ import annotations

import asyncio
import random
import threading
import time
from typing import Any

HOST = "127.0.0.1"
READ = 4096


class _Bucket:
    """One direction's line: data waits for its turn and its serialisation time."""

    def __init__(self, rate: float | None) -> None:
        self.rate = rate
        self.free_at = 0.0

    async def take(self, n: int) -> None:
        if not self.rate:
            return
        loop = asyncio.get_running_loop()
        start = max(loop.time(), self.free_at)
        self.free_at = start + n / self.rate
        await asyncio.sleep(self.free_at - loop.time())


class NetemProxy:
    def __init__(
        self,
        target_port: int,
        *,
        bandwidth: float | None = None,  # bytes per second, each direction
        latency: float = 0.0,  # seconds, one way
        cut_every: tuple[float, float] | None = None,
        lifetime: float = 600.0,
        seed: int | None = None,
    ) -> None:
        self.target_port = target_port
        self.latency = latency
        self.cut_every = cut_every
        self.lifetime = lifetime
        self.random = random.Random(seed)
        self.up, self.down = _Bucket(bandwidth), _Bucket(bandwidth)
        self.port = 0
        self.cuts = 0
        self.connections = 0
        self._stalled = False
        self._open: set[asyncio.StreamWriter] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="netem-proxy", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    # -- control (from the test's thread) ----------------------------------------------------
    def start(self) -> NetemProxy:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the proxy did not start")
        return self

    def stall(self) -> None:
        self._stalled = True

    def resume(self) -> None:
        self._stalled = False

    def cut(self) -> None:
        if self._loop:
            self._loop.call_soon_threadsafe(self._cut_all)

    def stop(self) -> None:
        if self._loop and self._stopping and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._stopping.set)
        self._thread.join(10)

    def __enter__(self) -> NetemProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- the loop ----------------------------------------------------------------------------
    def _run(self) -> None:
        asyncio.run(self._main())

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        server = await asyncio.start_server(self._serve, HOST, 0)
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        cutter = asyncio.create_task(self._cutter())
        try:
            await asyncio.wait_for(self._stopping.wait(), self.lifetime)
        except TimeoutError:
            pass
        finally:
            cutter.cancel()
            server.close()
            self._cut_all(count=False)
            await asyncio.sleep(0)

    async def _cutter(self) -> None:
        while True:
            if not self.cut_every:  # may be set later (e.g. after an enrolment)
                await asyncio.sleep(0.1)
                continue
            await asyncio.sleep(self.random.uniform(*self.cut_every))
            self._cut_all()

    def _cut_all(self, count: bool = True) -> None:
        if count and self._open:
            self.cuts += 1
        for writer in list(self._open):
            transport: Any = writer.transport
            transport.abort()
        self._open.clear()

    async def _serve(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            server_r, server_w = await asyncio.open_connection(HOST, self.target_port)
        except OSError:
            client_w.transport.abort()
            return
        self._open.update((client_w, server_w))
        pipes = [
            asyncio.create_task(self._pipe(client_r, server_w, self.up)),
            asyncio.create_task(self._pipe(server_r, client_w, self.down)),
        ]
        try:
            await asyncio.wait(pipes, return_when=asyncio.ALL_COMPLETED)
        except asyncio.CancelledError:  # the proxy is stopping
            for pipe in pipes:
                pipe.cancel()
        finally:
            for writer in (client_w, server_w):
                self._open.discard(writer)
                writer.transport.abort()

    async def _pipe(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, line: _Bucket
    ) -> None:
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

        async def receive() -> None:
            try:
                while True:
                    while self._stalled:
                        await asyncio.sleep(0.05)
                    data = await reader.read(READ)
                    await queue.put((loop.time() + self.latency, data))
                    if not data:
                        return
            except (ConnectionError, OSError):
                await queue.put((loop.time(), b""))

        async def send() -> None:
            try:
                while True:
                    due, data = await queue.get()
                    await asyncio.sleep(max(0.0, due - loop.time()))
                    if not data:
                        if writer.can_write_eof():
                            writer.write_eof()
                        return
                    await line.take(len(data))
                    while self._stalled:
                        await asyncio.sleep(0.05)
                    writer.write(data)
                    await writer.drain()
            except (ConnectionError, OSError):
                return

        receiver = asyncio.create_task(receive())
        try:
            await send()
        finally:
            receiver.cancel()


def wait_for(predicate: Any, timeout: float, step: float = 0.05) -> bool:
    """Poll `predicate` until it is true or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return bool(predicate())
