"""Accounts, sessions, login limits and the append-only audit log, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from glofwatch.clock import FixedClock
from glofwatch.console.audit import AuditLog
from glofwatch.console.auth import Accounts, LoginLimiter, has_role, login
from glofwatch.errors import ConfigError
from glofwatch.store import Store
from tests.console.conftest import FAST_HASH, PASSWORD, T0


def test_roles_are_ordered() -> None:
    assert has_role("admin", "operator") and has_role("operator", "viewer")
    assert not has_role("viewer", "operator") and not has_role("nobody", "viewer")


def test_passwords_are_argon2_and_sessions_expire(store: Store) -> None:
    clock = FixedClock(T0)
    acc = Accounts(store.engine, clock, session_ttl_s=60, hasher=FAST_HASH)
    u = acc.add_user("ivanov", PASSWORD, "operator")
    with store.engine.connect() as conn:
        h = conn.execute(text("SELECT password_hash FROM users WHERE username='ivanov'")).scalar_one()
    assert h.startswith("$argon2id$") and PASSWORD not in h
    assert acc.authenticate("ivanov", "wrong password!") is None
    assert acc.authenticate("nobody", PASSWORD) is None
    assert acc.authenticate("ivanov", PASSWORD) == u
    token, csrf, _ = acc.open_session(u)
    s = acc.session(token)
    assert s is not None and s.user == u and s.csrf == csrf
    with store.engine.connect() as conn:  # only the hash of the token is stored
        assert conn.execute(text("SELECT count(*) FROM user_sessions WHERE token_sha256 = :t"), {"t": token}).scalar() == 0
    clock.advance(seconds=61)
    assert acc.session(token) is None


def test_bad_accounts_are_refused_with_the_fix(store: Store) -> None:
    acc = Accounts(store.engine, FixedClock(T0), hasher=FAST_HASH)
    with pytest.raises(ConfigError, match="role 'boss'"):
        acc.add_user("a", PASSWORD, "boss")
    with pytest.raises(ConfigError, match="at least 10"):
        acc.add_user("a", "short", "viewer")
    acc.add_user("a", PASSWORD, "viewer")
    with pytest.raises(ConfigError, match="exists already"):
        acc.add_user("a", PASSWORD, "viewer")


def test_password_change_logs_out(store: Store) -> None:
    acc = Accounts(store.engine, FixedClock(T0), hasher=FAST_HASH)
    u = acc.add_user("a", PASSWORD, "viewer")
    token, _, _ = acc.open_session(u)
    acc.set_password("a", "another long password")
    assert acc.session(token) is None


def test_login_is_rate_limited_per_user_and_client(sqlite_store: Store) -> None:
    clock = FixedClock(T0)
    acc = Accounts(sqlite_store.engine, clock, hasher=FAST_HASH)
    acc.add_user("ivanov", PASSWORD, "operator")
    lim = LoginLimiter(clock, per_user=3, per_client=5, window_s=60)
    for _ in range(3):
        assert login(acc, lim, "ivanov", "guess guess guess", "10.0.0.1").status == "refused"
    r = login(acc, lim, "ivanov", PASSWORD, "10.0.0.2")  # even the right password waits
    assert r.status == "rate_limited" and 0 < r.retry_after_s <= 60
    clock.advance(seconds=61)
    assert login(acc, lim, "ivanov", PASSWORD, "10.0.0.2").status == "ok"
    for i in range(5):  # one client spraying many names
        login(acc, lim, f"user{i}", "x" * 12, "10.0.0.9")
    assert login(acc, lim, "ivanov", PASSWORD, "10.0.0.9").status == "rate_limited"


def test_audit_log_is_append_only_in_the_database(store: Store) -> None:
    log = AuditLog(store.engine, FixedClock(T0))
    e = log.append(username="ivanov", role="operator", action="alert.issue", target="cha-town",
                   reason="lake rising 20 cm/h", detail={"level": "evacuate"})
    assert e.time == "2025-07-27T08:00:00Z"
    assert [x.reason for x in log.entries()] == ["lake rising 20 cm/h"]
    assert not hasattr(log, "update") and not hasattr(log, "delete")
    for stmt in ("UPDATE audit_log SET reason='nothing happened'", "DELETE FROM audit_log"):
        with pytest.raises(DatabaseError, match="append-only"), store.engine.begin() as conn:
            conn.execute(text(stmt))
    assert [x.reason for x in log.entries()] == ["lake rising 20 cm/h"]
