"""Console fixtures: an app on a fresh store with one user of each role, and a live server in a thread."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
import uvicorn
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient

from glofwatch.clock import Clock, FixedClock
from glofwatch.console.app import create_app
from glofwatch.site import Site
from glofwatch.store import Store

PASSWORD = "correct horse battery"
T0 = datetime(2025, 7, 27, 8, 0, tzinfo=UTC)


# argon2id with small parameters: the same code path, milliseconds instead of ~0.1 s a hash on a busy machine
FAST_HASH = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def make_app(site: Site, store: Store, clock: Clock | None = None, **kw: object) -> FastAPI:
    app = create_app(site, store, clock or FixedClock(T0), poll_s=0.2, heartbeat_s=1.0, hasher=FAST_HASH, **kw)  # type: ignore[arg-type]
    acc = app.state.console.accounts
    for name, role in (("viewer1", "viewer"), ("ivanov", "operator"), ("admin1", "admin")):
        acc.add_user(name, PASSWORD, role)
    return app


def login(client: TestClient, name: str = "ivanov") -> str:
    """Log in with the session cookie; returns the CSRF token."""
    r = client.post("/api/v1/auth/login", json={"username": name, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return str(r.json()["csrf"])


@pytest.fixture
def app(site: Site, sqlite_store: Store) -> FastAPI:
    return make_app(site, sqlite_store)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LiveServer:
    app: FastAPI
    url: str
    server: uvicorn.Server
    thread: threading.Thread


def start_server(app: FastAPI) -> LiveServer:
    """uvicorn in a thread on a free loopback port, ready when this returns."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on",
                                           timeout_graceful_shutdown=3))
    t = threading.Thread(target=server.run, daemon=True)
    t.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not t.is_alive():
            raise RuntimeError("console test server did not start")
        time.sleep(0.05)
    return LiveServer(app, f"http://127.0.0.1:{port}", server, t)


def stop_server(s: LiveServer) -> None:
    s.server.should_exit = True
    s.thread.join(timeout=10)
