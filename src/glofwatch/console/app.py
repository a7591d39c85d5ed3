"""The console server: API under ``/api/v1``, the public CAP feed, live events and the web console at ``/``.

``create_app(site, store, clock)`` wires everything for one site and one database; with no
arguments it serves the bundled Issyk-Kul reference site on the default SQLite file, so
``glofwatch serve`` works out of the box. Optional parts join when their packages are present:
station HTTP ingest (``glofwatch.telemetry.sources.http``) and, when delivery channels are given,
a background dispatcher that empties the alert outbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Integer, func, select
from starlette.datastructures import MutableHeaders

from glofwatch.clock import Clock, SystemClock
from glofwatch.console.alerting import Alerting, Unavailable
from glofwatch.console.audit import AuditLog
from glofwatch.console.auth import Accounts, LoginLimiter
from glofwatch.console.deps import COOKIE, ConsoleContext
from glofwatch.console.fastpath import SnapshotFastPath
from glofwatch.console.live import Hub, poll
from glofwatch.console.snapshot import Snapshots
from glofwatch.site.model import Site
from glofwatch.store import tables as T
from glofwatch.store.observations import Store

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
API_VERSION = "1"

# script-src 'self' only: no inline script, no CDN. Leaflet and uPlot set element styles from
# script (allowed under CSP), the console's own CSS is a file.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
       "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")


SECURITY_HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
                    "Referrer-Policy": "no-referrer"}
FAST_HEADERS = [(k.lower().encode(), v.encode()) for k, v in {**SECURITY_HEADERS, "Cache-Control": "no-store"}.items()]


class SecurityHeaders:
    """Adds CSP and friends to every response (plain ASGI: BaseHTTPMiddleware costs a task per request)."""

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        api = scope["path"].startswith("/api/")

        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                h = MutableHeaders(scope=message)
                for k, v in SECURITY_HEADERS.items():
                    h.setdefault(k, v)
                if api:
                    h.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _stations_fingerprint(store: Store, site_id: str) -> tuple[Any, ...]:
    with store.engine.connect() as conn:
        a = conn.execute(select(func.max(T.latest.c.received_ms), func.count())).one()
        b = conn.execute(select(func.max(T.station_status.c.last_received_ms), func.count(),
                                func.sum(func.cast(T.station_status.c.silent, Integer)))
                         .where(T.station_status.c.site == site_id)).one()
        # maintenance windows opened or ended by another process (`glofwatch maintenance`): rows are never deleted,
        # ending one early sets ended_early
        m = conn.execute(select(func.count(), func.sum(func.cast(T.maintenance.c.ended_early, Integer)))
                         .where(T.maintenance.c.site == site_id)).one()
    return tuple(a) + tuple(b) + tuple(m)


def _warm_imports() -> None:
    """Import what the first requests would otherwise wait for (lakes: scipy), off the event loop."""
    with contextlib.suppress(ImportError):
        import glofwatch.lakes.api  # noqa: F401


def _start_dispatcher(c: ConsoleContext, channels: Sequence[str], every_s: float,
                      stop: threading.Event) -> threading.Thread | None:
    """A thread that empties the outbox every ``every_s`` seconds through ``channels`` (URLs)."""
    try:
        from glofwatch.dissemination.channels import channel_from_url
        from glofwatch.dissemination.dispatch import Dispatcher
    except ImportError as e:
        log.warning("delivery channels given but dissemination is not installed (%s): no messages will be sent", e)
        return None
    d = Dispatcher(c.store.engine, c.site, [channel_from_url(u) for u in channels], clock=c.clock)

    def loop() -> None:
        with d:  # connects every channel once; a channel that cannot connect fails over, others go on
            while not stop.is_set():
                try:
                    rep = d.run_until_idle()
                    d.check_escalations()
                    if any(getattr(rep, k, 0) for k in ("sent", "transient", "permanent", "skipped", "fallbacks")):
                        c.hub.publish("deliveries")
                except Exception:  # noqa: BLE001 - keep dispatching after a failed round; the outbox keeps state
                    log.exception("dispatch round failed; retrying in %.0f s", every_s)
                stop.wait(every_s)

    t = threading.Thread(target=loop, name="glofwatch-dispatch", daemon=True)
    t.start()
    return t


def create_app(
    site: Site | None = None,
    store: Store | None = None,
    clock: Clock | None = None,
    *,
    alerting: Alerting | None = None,
    channels: Sequence[str] = (),
    dispatch_every_s: float = 2.0,
    poll_s: float = 2.0,
    heartbeat_s: float = 15.0,
    secure_cookies: bool = False,
    public_base_url: str = "",
    limiter: LoginLimiter | None = None,
    hasher: PasswordHasher | None = None,
    snapshot_age_s: float = 2.0,
    ingest: bool = True,
    detect: bool = False,
) -> FastAPI:
    """The console app for one site on one store.

    site/store/clock: default the bundled reference site, the default database, the system clock.
    channels: delivery channel URLs (docs/warnings.md); when given, a dispatcher thread sends the outbox.
    poll_s: how often changes written by other processes are looked for (live events).
    secure_cookies: set the session cookie's Secure flag (serve behind HTTPS).
    hasher: the argon2 password hasher (default parameters of argon2-cffi; tests pass a cheap one).
    snapshot_age_s: the longest a latest-state answer is reused when nothing announced a change.
    ingest: mount station HTTP ingest (POST /api/v1/ingest, station tokens) when available.
    detect: run live detection on readings ingested over HTTP; its decisions become alerts
        (``glofwatch serve`` turns it on).
    """
    if site is None:
        from glofwatch.site import load_site

        site = load_site(None)
    if store is None:
        from glofwatch.store import open_store

        store = open_store(None)
    clock = clock or SystemClock()
    hub = Hub()
    c = ConsoleContext(site=site, store=store, clock=clock, accounts=Accounts(store.engine, clock, hasher=hasher),
                       limiter=limiter or LoginLimiter(clock), audit=AuditLog(store.engine, clock),
                       alerting=alerting or Alerting(store.engine, site, clock), hub=hub,
                       snapshots=Snapshots(hub, max_age_s=snapshot_age_s),
                       secure_cookies=secure_cookies, public_base_url=public_base_url)

    def alerts_fp() -> Any:
        try:
            return [(a.get("id"), a.get("active")) for a in c.alerting.alerts()]
        except Unavailable:
            return None

    def deliveries_fp() -> Any:
        try:
            return [(a.get("id"), c.alerting.delivery_summary(a["id"])) for a in c.alerting.alerts(active_only=True)]
        except Unavailable:
            return None

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        hub.bind(asyncio.get_running_loop())
        app.state.stop = asyncio.Event()
        tstop = threading.Event()
        fps = {"stations": lambda: _stations_fingerprint(store, site.id), "alerts": alerts_fp, "deliveries": deliveries_fp}
        poller = asyncio.create_task(poll(hub, fps, poll_s, app.state.stop))
        warm = asyncio.get_running_loop().run_in_executor(None, _warm_imports)  # first /lakes would pay scipy's import
        disp = _start_dispatcher(c, channels, dispatch_every_s, tstop) if channels else None
        try:
            yield
        finally:
            app.state.stop.set()
            hub.close()
            tstop.set()
            poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await poller
            if disp is not None:
                disp.join(timeout=10)
            with contextlib.suppress(Exception):
                await warm

    # no /docs or /redoc: FastAPI loads Swagger UI / ReDoc from a CDN, which an offline regional office cannot
    # reach (and the CSP forbids); the spec itself is at /openapi.json for any local tool
    app = FastAPI(title="glofwatch console API", version=API_VERSION, lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="Glacial lake outburst flood early warning: site, stations, series, alerts, deliveries, "
                              "evacuation, CAP feed, live events. Log in with POST /api/v1/auth/login; only the CAP feed "
                              "is public.")
    app.state.console = c
    app.state.stop = asyncio.Event()
    app.state.heartbeat_s = heartbeat_s
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    app.add_middleware(SecurityHeaders)
    # outermost: answers fresh latest-state snapshots to known sessions before routing (see fastpath.py)
    app.add_middleware(SnapshotFastPath, get_ctx=lambda: c, cookie=COOKIE, extra_headers=FAST_HEADERS)

    from glofwatch.console.routers import alerts, auth, live, maintenance
    from glofwatch.console.routers import site as site_routes

    app.include_router(auth.router)
    app.include_router(site_routes.router)
    app.include_router(alerts.router)
    app.include_router(maintenance.router)
    app.include_router(alerts.public)
    app.include_router(live.router)

    if ingest:
        try:
            from glofwatch.telemetry.pipeline import Ingestor
            from glofwatch.telemetry.sources.http import router as ingest_router
        except ImportError:  # pragma: no cover - present in every full installation
            log.info("station HTTP ingest not available in this installation")
        else:
            listeners: list[Any] = [lambda _batch: hub.publish("stations")]
            if detect:
                from glofwatch.detection.live import live_detection

                listeners.insert(0, live_detection(site, store, clock=clock))
            ingestor = Ingestor(site, store, clock=clock, listeners=listeners)
            app.include_router(ingest_router(lambda: ingestor))

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
