"""Log in, log out, who am I; user management for admins; the audit log."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from pydantic import BaseModel, Field

from glofwatch.console.auth import ROLES, login
from glofwatch.console.deps import COOKIE, ConsoleContext, Principal, admin, client_of, ctx, operator, principal
from glofwatch.errors import ConfigError

router = APIRouter(prefix="/api/v1", tags=["auth"])


class LoginIn(BaseModel):
    username: Annotated[str, Field(min_length=1, max_length=64)]
    password: Annotated[str, Field(min_length=1, max_length=512)]
    bearer: bool = Field(default=False, description="true: return a bearer token for scripts and set no cookie")


class LoginOut(BaseModel):
    username: str
    role: str
    csrf: str = Field(description="send back as X-CSRF-Token on every POST made with the session cookie")
    expires: int = Field(description="session expiry, epoch ms")
    token: str | None = Field(default=None, description="bearer token (only when bearer=true was asked)")


class UserIn(BaseModel):
    username: Annotated[str, Field(min_length=1, max_length=64)]
    password: Annotated[str, Field(min_length=10, max_length=512)]
    role: Annotated[str, Field(pattern="^(viewer|operator|admin)$")]


@router.post("/auth/login", response_model=LoginOut, responses={401: {"description": "wrong name or password"},
                                                                  429: {"description": "too many failed logins"}})
def do_login(body: LoginIn, request: Request, response: Response, c: ConsoleContext = Depends(ctx)) -> LoginOut:
    """Open a session. Failed attempts are limited per user name and per client address."""
    r = login(c.accounts, c.limiter, body.username, body.password, client_of(request))
    if r.status == "rate_limited":
        raise HTTPException(429, r.reason, headers={"Retry-After": str(r.retry_after_s)})
    if r.status != "ok" or r.user is None or r.token is None:
        c.audit.append(username=body.username, role="", action="login.refused", client=client_of(request))
        raise HTTPException(401, r.reason)
    if not body.bearer:
        response.set_cookie(COOKIE, r.token, max_age=c.accounts.session_ttl_s, httponly=True, samesite="strict",
                            secure=c.secure_cookies, path="/")
    return LoginOut(username=r.user.username, role=r.user.role, csrf=r.csrf or "", expires=r.expires_ms or 0,
                    token=r.token if body.bearer else None)


@router.post("/auth/logout", status_code=204)
def do_logout(response: Response, p: Principal = Depends(principal), c: ConsoleContext = Depends(ctx)) -> Response:
    c.accounts.close_session(p.token)
    response.delete_cookie(COOKIE, path="/")
    response.status_code = 204
    return response


@router.get("/auth/me", response_model=LoginOut)
def me(p: Principal = Depends(principal), c: ConsoleContext = Depends(ctx)) -> LoginOut:
    """The current user and the session's CSRF token (a reloaded page asks for it here)."""
    s = c.accounts.session(p.token)
    return LoginOut(username=p.user.username, role=p.user.role, csrf=p.csrf, expires=s.expires_ms if s else 0)


@router.get("/users", tags=["admin"])
def users(_: Principal = Depends(admin), c: ConsoleContext = Depends(ctx)) -> list[dict[str, Any]]:
    return c.accounts.users()


@router.post("/users", tags=["admin"], status_code=201, responses={409: {"description": "name taken"}})
def add_user(body: UserIn, request: Request, p: Principal = Depends(admin), c: ConsoleContext = Depends(ctx)) -> dict[str, Any]:
    """Create a user (admin only; audited)."""
    if body.role not in ROLES:  # pragma: no cover - the pattern already says so
        raise HTTPException(422, f"role must be one of {ROLES}")
    try:
        u = c.accounts.add_user(body.username, body.password, body.role)
    except ConfigError as e:
        raise HTTPException(409 if "exists" in str(e) else 422, str(e)) from e
    c.audit.append(username=p.user.username, role=p.user.role, action="user.add", target=u.username,
                   detail={"role": u.role}, client=client_of(request))
    return {"id": u.id, "username": u.username, "role": u.role}


@router.get("/audit", tags=["admin"])
def audit(limit: Annotated[int, Query(ge=1, le=1000)] = 200, action: str | None = None,
          _: Principal = Depends(operator), c: ConsoleContext = Depends(ctx)) -> list[dict[str, Any]]:
    """The audit log, newest first (operators and admins). It has no way to edit or delete entries."""
    return [e.as_dict() for e in c.audit.entries(limit=limit, action=action)]
