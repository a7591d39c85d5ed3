"""Latest-state reads served from pre-serialised snapshots.

The station table, the zone levels and the active alerts are read by every open console every few
seconds, and by partner systems; they change when data arrives or an alert is issued. A snapshot
is the response body (JSON bytes) built once and served to every reader until the data it depends
on changes (the live :class:`~glofwatch.console.live.Hub` bumps a version: the console's own
actions and ingest at once, other processes' writes within one poll) or it is ``max_age_s`` old
(health turns late/silent with time alone). One reader rebuilds, the others wait for it (single
flight), so a burst of 200 clients costs one database read, not 200.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson

from glofwatch.console.live import Hub


@dataclass
class _Entry:
    version: tuple[int, ...]
    built: float
    body: bytes


@dataclass
class Snapshots:
    hub: Hub
    max_age_s: float = 2.0
    monotonic: Callable[[], float] = time.monotonic  # cache age only; data time comes from the injected Clock
    _cache: dict[str, _Entry] = field(default_factory=dict)
    _locks: dict[str, asyncio.Lock] = field(default_factory=dict)

    def _fresh(self, key: str, version: tuple[int, ...]) -> bytes | None:
        e = self._cache.get(key)
        if e is not None and e.version == version and self.monotonic() - e.built < self.max_age_s:
            return e.body
        return None

    def peek(self, key: str, depends_on: tuple[str, ...]) -> bytes | None:
        """The body for ``key`` if a fresh one exists (no building)."""
        return self._fresh(key, tuple(self.hub.versions.get(k, 0) for k in depends_on))

    async def get(self, key: str, depends_on: tuple[str, ...], build: Callable[[], Any]) -> bytes:
        """The JSON body for ``key``; ``build`` (run in a worker thread) makes the data when stale."""
        version = tuple(self.hub.versions.get(k, 0) for k in depends_on)
        body = self._fresh(key, version)
        if body is not None:
            return body
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            version = tuple(self.hub.versions.get(k, 0) for k in depends_on)
            body = self._fresh(key, version)
            if body is None:
                data = await asyncio.to_thread(build)
                body = orjson.dumps(data, option=orjson.OPT_SERIALIZE_NUMPY)
                self._cache[key] = _Entry(version, self.monotonic(), body)
            return body
