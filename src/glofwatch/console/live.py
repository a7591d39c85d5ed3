"""Live updates for browsers: a small publish/subscribe hub feeding Server-Sent Events.

Events are *invalidations*, not data: ``stations``, ``alerts`` or ``deliveries`` with a version
number; the browser then re-reads the matching endpoint. That keeps every event tiny (weak
connections in regional offices), makes a missed event harmless (the next read is complete), and
means one code path for first load and updates.

Where changes come from: the console's own actions publish at once; everything written by other
processes (the MQTT worker, the dispatcher, HTTP ingest) is noticed by one poller per server,
which compares cheap fingerprints every ``poll_s`` seconds. SSE over WebSocket: it is plain HTTP,
passes proxies, and ``EventSource`` reconnects by itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import orjson

KINDS = ("stations", "alerts", "deliveries")
CLOSE = "__close__"  # queue sentinel: the server is shutting down


@dataclass
class Hub:
    """Fan-out of invalidation events to subscriber queues (one per open SSE stream)."""

    max_queue: int = 64
    versions: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    _subs: set[asyncio.Queue[tuple[str, int]]] = field(default_factory=set)
    closed: bool = False
    _loop: asyncio.AbstractEventLoop | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    def publish(self, kind: str) -> None:
        """Announce that ``kind`` changed. Safe from any thread.

        The version moves at once (so snapshots built after this call see the change); the
        subscribers hear of it on the event loop once :meth:`bind` was called.
        """
        with self._lock:
            self.versions[kind] = self.versions.get(kind, 0) + 1
            v = self.versions[kind]
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._fan_out(kind, v)
        else:
            loop.call_soon_threadsafe(self._fan_out, kind, v)

    def _fan_out(self, kind: str, v: int) -> None:
        for q in list(self._subs):
            if q.full():  # a stalled client: drop its oldest, it re-reads everything anyway
                with contextlib.suppress(asyncio.QueueEmpty):
                    q.get_nowait()
            q.put_nowait((kind, v))

    def close(self) -> None:
        """End every open stream (server shutting down); call on the event loop (or via ``call_soon_threadsafe``)."""
        self.closed = True
        for q in list(self._subs):
            with contextlib.suppress(asyncio.QueueFull):
                q.put_nowait((CLOSE, 0))

    def close_threadsafe(self) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self.close)

    @contextlib.contextmanager
    def subscribe(self) -> Any:
        q: asyncio.Queue[tuple[str, int]] = asyncio.Queue(self.max_queue)
        self._subs.add(q)
        try:
            yield q
        finally:
            self._subs.discard(q)

    @property
    def subscribers(self) -> int:
        return len(self._subs)


def sse(event: str, data: Any, *, retry_ms: int | None = None) -> bytes:
    """One Server-Sent Events message."""
    head = f"retry: {retry_ms}\n" if retry_ms else ""
    return f"{head}event: {event}\ndata: {orjson.dumps(data).decode()}\n\n".encode()


async def stream(hub: Hub, is_disconnected: Callable[[], Any], *, heartbeat_s: float = 15.0,
                 stop: asyncio.Event | None = None) -> AsyncIterator[bytes]:
    """The SSE body for one client: a ``hello`` with current versions, then events and heartbeats."""
    with hub.subscribe() as q:
        yield sse("hello", hub.versions, retry_ms=3000)
        while not (hub.closed or (stop and stop.is_set())):
            try:
                kind, v = await asyncio.wait_for(q.get(), timeout=heartbeat_s)
            except TimeoutError:
                if await is_disconnected():
                    return
                yield b": keep-alive\n\n"
                continue
            if kind == CLOSE:
                return
            yield sse(kind, {"version": v})


async def poll(hub: Hub, fingerprints: dict[str, Callable[[], Any]], every_s: float, stop: asyncio.Event) -> None:
    """Publish a kind whenever its fingerprint (a cheap read, run in a worker thread) changes."""
    last: dict[str, Any] = {}
    while not stop.is_set():
        for kind, fn in fingerprints.items():
            try:
                fp = await asyncio.to_thread(fn)
            except Exception:  # noqa: BLE001 - a failed read (database restarting) must not end live updates
                continue
            if kind in last and fp != last[kind]:
                hub.publish(kind)
            last[kind] = fp
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=every_s)
