"""People who use the console: accounts, roles, sessions and login rate limiting.

- Passwords are hashed with argon2id (``argon2-cffi``'s :class:`PasswordHasher`, its default
  parameters); a hash made with older parameters is re-hashed at the next successful login.
- Roles are ordered: ``viewer`` (read everything) < ``operator`` (issue, update, cancel alerts and
  drills) < ``admin`` (also manage users). Station tokens (``glofwatch token create``) are a
  different kind of credential and never log anyone into the console.
- A session is a random token. The browser keeps it in an ``HttpOnly`` cookie; scripts and other
  systems send it as ``Authorization: Bearer``. Only its SHA-256 is stored, so a copy of the
  database does not let anyone in. Each session has a CSRF token that a browser must echo in the
  ``X-CSRF-Token`` header of every state-changing request (double submit bound to the session).
- :class:`LoginLimiter` counts failed logins per user name and per client address in a sliding
  window and answers "wait N seconds" once a limit is reached. It lives in process memory: with
  several server processes each one counts on its own (a limit per process, still a limit).
"""

from __future__ import annotations

import contextlib
import hashlib
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from glofwatch.clock import Clock, ms
from glofwatch.errors import ConfigError
from glofwatch.store import tables as T

Role = Literal["viewer", "operator", "admin"]
ROLES: tuple[Role, ...] = ("viewer", "operator", "admin")
MIN_PASSWORD = 10
SESSION_TTL_S = 12 * 3600  # one duty shift plus handover


def role_rank(role: str) -> int:
    """0 viewer, 1 operator, 2 admin; -1 for an unknown role (which then passes no check)."""
    return ROLES.index(role) if role in ROLES else -1  # type: ignore[arg-type]


def has_role(role: str, needed: Role) -> bool:
    """Whether ``role`` may do what ``needed`` may do (admin > operator > viewer)."""
    return role_rank(role) >= role_rank(needed)


@dataclass(frozen=True)
class User:
    id: int
    username: str
    role: Role


@dataclass(frozen=True)
class Session:
    user: User
    csrf: str
    expires_ms: int


@dataclass(frozen=True)
class LoginResult:
    """The outcome of a login attempt: a session, or why not (and when to try again)."""

    status: Literal["ok", "refused", "rate_limited"]
    user: User | None = None
    token: str | None = None
    csrf: str | None = None
    expires_ms: int | None = None
    reason: str = ""
    retry_after_s: int = 0


def _sha(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Accounts:
    """Users and sessions in the database (any engine migrated to the console schema)."""

    def __init__(self, engine: Engine, clock: Clock, *, session_ttl_s: int = SESSION_TTL_S,
                 hasher: PasswordHasher | None = None, cache_s: float = 5.0):
        self.engine = engine
        self.clock = clock
        self.session_ttl_s = session_ttl_s
        self.hasher = hasher or PasswordHasher()
        # sessions looked up in the last ``cache_s`` seconds (monotonic) skip the database: every API read
        # needs one. Logout and password changes here drop the cache at once; a session revoked by another
        # process (the CLI) stops working within ``cache_s``. Expiry is checked on every use.
        self.cache_s = cache_s
        self._cache: dict[str, tuple[float, Session | None]] = {}
        self._cache_lock = threading.Lock()
        # verified against for unknown user names, so "no such user" takes as long as "wrong password"
        self._dummy = self.hasher.hash(secrets.token_hex(16))

    # ----------------------------------------------------------------- users
    def add_user(self, username: str, password: str, role: str) -> User:
        """Create a user. Raises :class:`ConfigError` naming the problem (role, password, name taken)."""
        if role not in ROLES:
            raise ConfigError(f"role {role!r} is not one of {', '.join(ROLES)}; pick one with --role")
        if not username or len(username) > 64 or not username.replace("-", "").replace("_", "").replace(".", "").isalnum():
            raise ConfigError(f"user name {username!r}: use 1-64 letters, digits, '.', '-' or '_'")
        if len(password) < MIN_PASSWORD:
            raise ConfigError(f"password for {username!r} is {len(password)} characters; use at least {MIN_PASSWORD}")
        try:
            with self.engine.begin() as conn:
                uid = conn.execute(insert(T.users).values(
                    username=username, password_hash=self.hasher.hash(password), role=role,
                    created_ms=ms(self.clock.now()), disabled=False)).inserted_primary_key[0]  # type: ignore[index]
        except IntegrityError as e:
            raise ConfigError(f"user {username!r} exists already; choose another name or use `glofwatch user passwd`") from e
        return User(int(uid), username, role)  # type: ignore[arg-type]

    def set_password(self, username: str, password: str) -> None:
        if len(password) < MIN_PASSWORD:
            raise ConfigError(f"password for {username!r} is {len(password)} characters; use at least {MIN_PASSWORD}")
        with self.engine.begin() as conn:
            n = conn.execute(update(T.users).where(T.users.c.username == username)
                             .values(password_hash=self.hasher.hash(password))).rowcount
            if n == 0:
                raise ConfigError(f"no user {username!r}; create it with `glofwatch user add {username}`")
            conn.execute(update(T.user_sessions).where(T.user_sessions.c.user_id.in_(
                select(T.users.c.id).where(T.users.c.username == username))).values(revoked=True))
        with self._cache_lock:
            self._cache.clear()

    def users(self) -> list[dict[str, object]]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(T.users.c.id, T.users.c.username, T.users.c.role, T.users.c.created_ms,
                                       T.users.c.disabled).order_by(T.users.c.id)).mappings().all()
        return [dict(r) for r in rows]

    def authenticate(self, username: str, password: str) -> User | None:
        """The user when the password matches (and the account is enabled), else None."""
        with self.engine.connect() as conn:
            row = conn.execute(select(T.users).where(T.users.c.username == username)).mappings().first()
        if row is None or row["disabled"]:
            with contextlib.suppress(VerificationError):
                self.hasher.verify(self._dummy, password)
            return None
        try:
            self.hasher.verify(row["password_hash"], password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        if self.hasher.check_needs_rehash(row["password_hash"]):
            with self.engine.begin() as conn:
                conn.execute(update(T.users).where(T.users.c.id == row["id"])
                             .values(password_hash=self.hasher.hash(password)))
        return User(int(row["id"]), row["username"], row["role"])

    # -------------------------------------------------------------- sessions
    def open_session(self, user: User) -> tuple[str, str, int]:
        """A new session for ``user``: (token, csrf token, expiry ms). The token is shown once."""
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
        now = ms(self.clock.now())
        exp = now + self.session_ttl_s * 1000
        with self.engine.begin() as conn:
            conn.execute(insert(T.user_sessions).values(token_sha256=_sha(token), user_id=user.id, csrf=csrf,
                                                         created_ms=now, expires_ms=exp, revoked=False))
        return token, csrf, exp

    def session(self, token: str) -> Session | None:
        """The live session of ``token`` (not expired, not revoked, user enabled), else None."""
        if not token:
            return None
        found, s = self.peek(token)
        if found:
            return s
        now = time.monotonic()
        s = self._lookup(token)
        with self._cache_lock:
            if len(self._cache) > 10_000:  # bound memory against floods of random tokens
                self._cache.clear()
            self._cache[token] = (now, s)
        return s

    def peek(self, token: str) -> tuple[bool, Session | None]:
        """(True, session or None) when the cache knows ``token``; (False, None) when the database must be asked."""
        with self._cache_lock:
            hit = self._cache.get(token)
        if hit is None or time.monotonic() - hit[0] >= self.cache_s:
            return False, None
        s = hit[1]
        return True, (s if s is not None and s.expires_ms > ms(self.clock.now()) else None)

    def _lookup(self, token: str) -> Session | None:
        j = T.user_sessions.join(T.users, T.users.c.id == T.user_sessions.c.user_id)
        with self.engine.connect() as conn:
            r = conn.execute(select(T.users.c.id, T.users.c.username, T.users.c.role, T.users.c.disabled,
                                    T.user_sessions.c.csrf, T.user_sessions.c.expires_ms, T.user_sessions.c.revoked)
                             .select_from(j).where(T.user_sessions.c.token_sha256 == _sha(token))).mappings().first()
        if r is None or r["revoked"] or r["disabled"] or int(r["expires_ms"]) <= ms(self.clock.now()):
            return None
        return Session(User(int(r["id"]), r["username"], r["role"]), r["csrf"], int(r["expires_ms"]))

    def close_session(self, token: str) -> None:
        with self._cache_lock:
            self._cache.pop(token, None)
        with self.engine.begin() as conn:
            conn.execute(update(T.user_sessions).where(T.user_sessions.c.token_sha256 == _sha(token)).values(revoked=True))


@dataclass
class LoginLimiter:
    """Sliding-window limit on failed logins, per user name and per client address.

    ``per_user`` failures of one name within ``window_s`` (from any address) or ``per_client``
    failures from one address lock further attempts until the oldest failure leaves the window.
    A successful login clears the name's count. Thread-safe; clock injected.
    """

    clock: Clock
    per_user: int = 5
    per_client: int = 20
    window_s: int = 300
    _fails: dict[str, deque[int]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _recent(self, key: str, now: int) -> deque[int]:
        q = self._fails.setdefault(key, deque())
        while q and q[0] <= now - self.window_s * 1000:
            q.popleft()
        return q

    def check(self, username: str, client: str) -> int:
        """Seconds to wait before ``username`` may try again from ``client`` (0: go ahead)."""
        now = ms(self.clock.now())
        wait = 0
        with self._lock:
            for key, limit in ((f"u:{username}", self.per_user), (f"c:{client}", self.per_client)):
                q = self._recent(key, now)
                if len(q) >= limit:
                    wait = max(wait, (q[0] + self.window_s * 1000 - now + 999) // 1000)
        return int(wait)

    def failed(self, username: str, client: str) -> None:
        now = ms(self.clock.now())
        with self._lock:
            self._recent(f"u:{username}", now).append(now)
            self._recent(f"c:{client}", now).append(now)

    def succeeded(self, username: str) -> None:
        with self._lock:
            self._fails.pop(f"u:{username}", None)


def login(accounts: Accounts, limiter: LoginLimiter, username: str, password: str, client: str) -> LoginResult:
    """Check the limit, the password, and open a session: the whole login as one result."""
    wait = limiter.check(username, client)
    if wait:
        return LoginResult("rate_limited", reason=f"too many failed logins; try again in {wait} s", retry_after_s=wait)
    user = accounts.authenticate(username, password)
    if user is None:
        limiter.failed(username, client)
        return LoginResult("refused", reason="wrong user name or password")
    limiter.succeeded(username)
    token, csrf, exp = accounts.open_session(user)
    return LoginResult("ok", user=user, token=token, csrf=csrf, expires_ms=exp)
