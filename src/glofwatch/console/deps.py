"""What every route needs: the console context, and who is asking (with role and CSRF checks).

A request is authenticated by the session cookie (browser) or ``Authorization: Bearer <token>``
(scripts, other systems). Cookie-authenticated requests that change state (POST, PUT, PATCH,
DELETE) must carry the session's CSRF token in ``X-CSRF-Token``: another site can make the
browser send the cookie, but cannot read the token (same-origin policy) to put it in a header.
Bearer requests need no CSRF token: a browser never attaches them on its own.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from fastapi import Depends, HTTPException, Request
from starlette.concurrency import run_in_threadpool

from glofwatch.clock import Clock
from glofwatch.console.alerting import Alerting
from glofwatch.console.audit import AuditLog
from glofwatch.console.auth import Accounts, LoginLimiter, Role, User, has_role
from glofwatch.console.live import Hub
from glofwatch.console.snapshot import Snapshots
from glofwatch.site.model import Site
from glofwatch.store.observations import Store

COOKIE = "glofwatch_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


@dataclass
class ConsoleContext:
    site: Site
    store: Store
    clock: Clock
    accounts: Accounts
    limiter: LoginLimiter
    audit: AuditLog
    alerting: Alerting
    hub: Hub
    snapshots: Snapshots
    secure_cookies: bool = False
    public_base_url: str = ""  # base of links in the CAP feed; "" = from the request


@dataclass(frozen=True)
class Principal:
    user: User
    via: Literal["cookie", "bearer"]
    csrf: str
    token: str


async def ctx(request: Request) -> ConsoleContext:
    # async: a plain ``def`` dependency would be run in a worker thread on every request
    return request.app.state.console  # type: ignore[no-any-return]


def client_of(request: Request) -> str:
    return request.client.host if request.client else ""


async def principal(request: Request, c: ConsoleContext = Depends(ctx)) -> Principal:
    """The logged-in caller, or 401; 403 when a cookie request that changes state lacks the CSRF token."""
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        token, via = auth[7:].strip(), "bearer"
    else:
        token, via = request.cookies.get(COOKIE, ""), "cookie"
    s = None
    if token:
        found, s = c.accounts.peek(token)  # recent sessions: no database round trip, no thread hop
        if not found:
            s = await run_in_threadpool(c.accounts.session, token)
    if s is None:
        raise HTTPException(401, "log in first: POST /api/v1/auth/login (session missing, expired or logged out)",
                            headers={"WWW-Authenticate": "Bearer"})
    if via == "cookie" and request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not hmac.compare_digest(sent.encode(), s.csrf.encode()):
            raise HTTPException(403, f"missing or wrong {CSRF_HEADER} header: send the csrf value returned by login")
    return Principal(s.user, via, s.csrf, token)  # type: ignore[arg-type]


def require(role: Role) -> Callable[..., Any]:
    """A dependency that lets through callers with at least ``role``."""

    async def check(p: Principal = Depends(principal)) -> Principal:
        if not has_role(p.user.role, role):
            raise HTTPException(403, f"this needs the {role} role; {p.user.username} is {p.user.role} "
                                     f"(an admin can change it with `glofwatch user add/role`)")
        return p

    return check


viewer = require("viewer")
operator = require("operator")
admin = require("admin")
