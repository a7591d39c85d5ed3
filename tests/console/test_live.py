"""Live updates over a real socket: SSE events for the console's own actions and for other writers."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest

from glofwatch.clock import FixedClock
from glofwatch.console.demo import seed_quiet_day
from glofwatch.site import Site
from glofwatch.store import Store, open_store
from tests.console.conftest import PASSWORD, T0, LiveServer, make_app, start_server, stop_server


@pytest.fixture
def server(site: Site, sqlite_store: Store) -> Iterator[LiveServer]:
    s = start_server(make_app(site, sqlite_store, FixedClock(T0)))
    yield s
    stop_server(s)


def _events(url: str, token: str, out: queue.Queue[str], stop: threading.Event) -> None:
    with httpx.Client(timeout=10) as c, c.stream("GET", url + "/api/v1/live", headers={"Authorization": f"Bearer {token}"}) as r:
        assert r.headers["content-type"].startswith("text/event-stream")
        for line in r.iter_lines():
            if line.startswith("event: "):
                out.put(line[7:])
            if stop.is_set():
                return


def _wait_for(q: queue.Queue[str], kind: str, timeout: float = 15.0) -> None:
    seen = []
    while True:
        ev = q.get(timeout=timeout)
        seen.append(ev)
        if ev == kind:
            return


def test_sse_tells_about_alerts_and_new_readings(server: LiveServer, site: Site) -> None:
    tok = httpx.post(server.url + "/api/v1/auth/login", json={"username": "ivanov", "password": PASSWORD, "bearer": True}).json()["token"]
    assert httpx.get(server.url + "/api/v1/live").status_code == 401
    q: queue.Queue[str] = queue.Queue()
    stop = threading.Event()
    t = threading.Thread(target=_events, args=(server.url, tok, q, stop), daemon=True)
    t.start()
    _wait_for(q, "hello")
    # the console's own action: published at once
    r = httpx.post(server.url + "/api/v1/alerts", headers={"Authorization": f"Bearer {tok}"},
                   json={"level": "watch", "zones": ["cak-grig"], "reason": "heavy rain forecast", "drill": True})
    assert r.status_code == 201
    _wait_for(q, "alerts")
    # another process storing readings (here: a second engine on the same file): found by the poller
    other = open_store(str(server.app.state.console.store.engine.url.database))
    seed_quiet_day(site, other, T0 - timedelta(minutes=5), hours=1)
    _wait_for(q, "stations")
    stop.set()
