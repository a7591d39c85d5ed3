"""Latest-state endpoints under 200 concurrent clients on loopback: latency percentiles.

    python benchmarks/console_latest_load.py [--clients 200] [--seconds 20] [--period 1.0] [--closed]

Target (issue 5): p99 < 50 ms with 200 concurrent clients. A client is one open console (or a
partner system) that keeps a connection open and re-reads the latest state: the station table
(/api/v1/stations), the zones with their alert levels (/api/v1/geo/zones), the station markers
(/api/v1/geo/stations) and the current alerts (/api/v1/alerts?active=true), one request every
``--period`` seconds with random phase (200 clients at 1 s = 200 requests/s). ``--closed`` runs the
clients back to back instead (no pause: the saturation throughput, latency then is queueing).
The server is `glofwatch serve --demo` in its own process (SQLite, one uvicorn worker); the
clients are asyncio tasks in this process, one keep-alive connection each (see :class:`Conn`).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import random
import time

import httpx
import numpy as np
from console_server import Server, console_server, login_token

from glofwatch.testing.services import pg_database

ENDPOINTS = ["/api/v1/stations", "/api/v1/geo/zones", "/api/v1/geo/stations", "/api/v1/alerts?active=true"]


class Conn:
    """One keep-alive HTTP/1.1 connection speaking just enough of the protocol for GETs.

    A load generator must cost less than the server it measures: on this shared 2-core machine
    httpx spends ~1-2 ms of CPU a request, more than the server; raw asyncio streams spend ~0.1 ms
    (what wrk does in C). Responses are read by Content-Length (the server always sends it here).
    """

    def __init__(self, host: str, port: int, token: str):
        self.host, self.port, self.token = host, port, token
        self.r: asyncio.StreamReader | None = None
        self.w: asyncio.StreamWriter | None = None

    async def get(self, path: str) -> int:
        if self.w is None:
            self.r, self.w = await asyncio.open_connection(self.host, self.port)
        assert self.r is not None
        self.w.write(f"GET {path} HTTP/1.1\r\nHost: {self.host}\r\nAuthorization: Bearer {self.token}\r\n\r\n".encode())
        head = await self.r.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        n = 0
        for line in head.split(b"\r\n"):
            if line[:15].lower() == b"content-length:":
                n = int(line[15:])
        await self.r.readexactly(n)
        return status

    async def close(self) -> None:
        if self.w is not None:
            self.w.close()


async def client(conn: Conn, until: float, period: float, closed: bool, lat: list[float], errors: list[str],
                 rng: random.Random) -> None:
    if not closed:
        await asyncio.sleep(rng.random() * period)
    i = rng.randrange(len(ENDPOINTS))
    try:
        while time.perf_counter() < until:
            t0 = time.perf_counter()
            try:
                status = await conn.get(ENDPOINTS[i % len(ENDPOINTS)])
                if status != 200:
                    errors.append(str(status))
            except (OSError, asyncio.IncompleteReadError, ValueError) as e:
                errors.append(type(e).__name__)
                conn.w = None
            dt = time.perf_counter() - t0
            lat.append(dt)
            i += 1
            if not closed:
                await asyncio.sleep(max(0.0, period - dt))
    finally:
        await conn.close()


async def run(srv: Server, clients: int, seconds: float, period: float, closed: bool) -> dict[str, float]:
    url = srv.url
    token = login_token(url)
    # warm up: first reads build caches and connection pools
    async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {token}"}) as c:
        for e in ENDPOINTS * 3:
            (await c.get(e)).raise_for_status()
    lat: list[float] = []
    errors: list[str] = []
    rng = random.Random(5)
    host, port = url.removeprefix("http://").split(":")
    conns = [Conn(host, int(port), token) for _ in range(clients)]
    until = time.perf_counter() + seconds
    t0, cpu0 = time.perf_counter(), srv.cpu_s()
    await asyncio.gather(*(client(c, until, period, closed, lat, errors, random.Random(rng.random())) for c in conns))
    wall, cpu = time.perf_counter() - t0, srv.cpu_s() - cpu0
    a = np.array(lat) * 1000
    return {"requests": len(a), "rps": len(a) / wall, "p50_ms": float(np.percentile(a, 50)),
            "p90_ms": float(np.percentile(a, 90)), "p99_ms": float(np.percentile(a, 99)),
            "max_ms": float(a.max()), "errors": len(errors), "server_cpu_ms": cpu / max(1, len(a)) * 1000,
            "load": os.getloadavg()[0],
            "first_error": errors[0] if errors else ""}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clients", type=int, default=200)
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--period", type=float, default=1.0, help="seconds between one client's requests")
    ap.add_argument("--closed", action="store_true", help="no pause between requests (saturation)")
    ap.add_argument("--pg", action="store_true", help="serve from a throw-away PostgreSQL database "
                    "(GLOFWATCH_TEST_PG_URL, default postgresql://postgres@127.0.0.1:5432/test) instead of SQLite")
    a = ap.parse_args()
    with contextlib.ExitStack() as stack:
        db = stack.enter_context(pg_database()) if a.pg else None
        srv = stack.enter_context(console_server(db))
        res = asyncio.run(run(srv, a.clients, a.seconds, a.period, a.closed))
    print("database: " + ("PostgreSQL" if a.pg else "SQLite"))
    mode = "closed loop" if a.closed else f"one request per {a.period:g} s per client"
    print(f"{a.clients} clients, {mode}, {a.seconds:g} s, {platform.node()} ({platform.processor() or platform.machine()})")
    print(f"requests {res['requests']}  ({res['rps']:.0f}/s)  errors {res['errors']} {res['first_error']}")
    print(f"server CPU per request {res['server_cpu_ms']:.2f} ms; "
          f"machine load average {res['load']:.1f} on {os.cpu_count()} cores")
    print(f"latency ms: p50 {res['p50_ms']:.1f}  p90 {res['p90_ms']:.1f}  p99 {res['p99_ms']:.1f}  max {res['max_ms']:.1f}")


if __name__ == "__main__":
    main()
