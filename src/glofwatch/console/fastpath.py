"""A fast path for the latest-state reads that every open console repeats.

FastAPI's routing and dependency resolution cost ~0.5 ms of CPU a request, as much as everything
else together; with hundreds of consoles and partner systems polling the station table on a
small regional server, that is the budget. This ASGI middleware answers a GET for a *fresh
snapshot* (see :mod:`glofwatch.console.snapshot`) from a *recently seen session* directly. Anything
else - no or unknown token, a stale snapshot, another route - goes through the normal FastAPI
route, which applies the same rules (any logged-in role may read) and builds the snapshot. So the
fast path changes cost, never the answer: tests compare both.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from glofwatch.console.auth import has_role

# path -> (snapshot key, what it depends on, media type); the routes build them under the same keys
ROUTES: dict[tuple[str, bytes], tuple[str, tuple[str, ...], bytes]] = {
    ("/api/v1/stations", b""): ("stations", ("stations",), b"application/json"),
    ("/api/v1/geo/zones", b""): ("geo:zones", ("alerts",), b"application/geo+json"),
    ("/api/v1/geo/stations", b""): ("geo:stations", ("stations",), b"application/geo+json"),
    ("/api/v1/alerts", b""): ("alerts:False", ("alerts",), b"application/json"),
    ("/api/v1/alerts", b"active=true"): ("alerts:True", ("alerts",), b"application/json"),
    ("/api/v1/alerts", b"active=false"): ("alerts:False", ("alerts",), b"application/json"),
}


def _token(headers: list[tuple[bytes, bytes]], cookie_name: bytes) -> str:
    for k, v in headers:
        if k == b"authorization" and v[:7].lower() == b"bearer ":
            return v[7:].strip().decode("latin-1")
    for k, v in headers:
        if k == b"cookie":
            for part in v.split(b";"):
                name, _, val = part.strip().partition(b"=")
                if name == cookie_name:
                    return val.decode("latin-1")
    return ""


class SnapshotFastPath:
    def __init__(self, app: Any, get_ctx: Callable[[], Any], cookie: str, extra_headers: list[tuple[bytes, bytes]]):
        self.app = app
        self.get_ctx = get_ctx
        self.cookie = cookie.encode()
        self.extra = extra_headers

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            route = ROUTES.get((scope["path"], scope.get("query_string", b"")))
            if route is not None:
                body = self._try(scope, route)
                if body is not None:
                    await send({"type": "http.response.start", "status": 200, "headers": [
                        (b"content-type", route[2]), (b"content-length", str(len(body)).encode()), *self.extra]})
                    await send({"type": "http.response.body", "body": body})
                    return
        await self.app(scope, receive, send)

    def _try(self, scope: Any, route: tuple[str, tuple[str, ...], bytes]) -> bytes | None:
        c = self.get_ctx()
        token = _token(scope["headers"], self.cookie)
        if not token:
            return None
        found, session = c.accounts.peek(token)
        if not found or session is None or not has_role(session.user.role, "viewer"):
            return None
        return c.snapshots.peek(route[0], route[1])  # type: ignore[no-any-return]
