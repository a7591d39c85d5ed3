"""Maintenance windows (:mod:`glofwatch.telemetry.maintenance`): list, open, end.

A window tells detection that a technician is at a station (or one of its sensors): its readings in the
window are ignored and its history starts afresh after it. Opening and ending need the operator role and a
reason, and are written to the audit log *before* the answer goes back, refusals included (a window the
site does not allow, an unknown or already ended window). Times come from the console's clock.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Request
from pydantic import BaseModel, Field

from glofwatch.clock import ms, parse_iso
from glofwatch.console.deps import ConsoleContext, Principal, client_of, ctx, operator, viewer
from glofwatch.errors import ConfigError
from glofwatch.telemetry import maintenance as mt

router = APIRouter(prefix="/api/v1", tags=["maintenance"])

DEFAULT_HOURS = 2.0
RECENT_MS = 24 * mt.HOUR_MS  # windows that ended this long ago are still listed
EARLIEST_MS, LATEST_MS = ms(datetime(2000, 1, 1, tzinfo=UTC)), ms(datetime(2100, 1, 1, tzinfo=UTC))
Reason = Annotated[str, Field(min_length=3, max_length=2000, description="why: goes to the audit log and the window")]
Time = Annotated[str | None, Field(max_length=64, description="ISO 8601 time (UTC when it has no offset)")]
WindowId = Annotated[int, Path(ge=1, le=2**31 - 1)]


class OpenIn(BaseModel):
    station: Annotated[str, Field(min_length=1, max_length=64)]
    sensor: Annotated[str | None, Field(max_length=64, description="one sensor; none: every sensor of the station")] = None
    start: Time = Field(default=None, description="when the work starts (default: now)")
    hours: Annotated[float | None, Field(gt=0, le=10_000, allow_inf_nan=False,
                                         description=f"length in hours (default 2, at most {mt.MAX_HOURS:.0f}); "
                                                     "or give until")] = None
    until: Time = Field(default=None, description="when the work ends (instead of hours)")
    reason: Reason


class EndIn(BaseModel):
    reason: Reason


def _now(c: ConsoleContext) -> int:
    return ms(c.clock.now())


def _listed(w: mt.Window, now_ms: int) -> dict[str, Any]:
    return {**w.as_dict(), "active": w.active(now_ms)}


def _time(s: str, what: str) -> int:
    try:
        t = ms(parse_iso(s))
    except (ValueError, OverflowError) as e:
        raise HTTPException(422, f"{what}={s!r} is not an ISO 8601 time; write e.g. 2025-07-27T06:00:00Z") from e
    if not EARLIEST_MS <= t < LATEST_MS:
        raise HTTPException(422, f"{what}={s!r} is out of range (years 2000 to 2099)")
    return t


def _target(station: str, sensor: str | None) -> str:
    return f"{station}/{sensor}" if sensor else station


def _audited(c: ConsoleContext, p: Principal, request: Request, action: str, target: str, reason: str,
             detail: dict[str, Any], fn: Callable[[], tuple[mt.Window, dict[str, Any]]]) -> mt.Window:
    """Run ``fn`` (which returns the window and what to add to the audit detail); audit the outcome or the refusal."""
    try:
        try:
            w, more = fn()
        except KeyError as e:
            raise HTTPException(404, str(e.args[0]) if e.args else "not found") from e
    except HTTPException as e:
        c.audit.append(username=p.user.username, role=p.user.role, action=action + ".refused", target=target, reason=reason,
                       detail={**detail, "status": e.status_code, "error": e.detail}, client=client_of(request))
        raise
    c.audit.append(username=p.user.username, role=p.user.role, action=action, target=_target(w.station, w.sensor),
                   reason=reason, detail={**detail, **more}, client=client_of(request))
    c.hub.publish("stations")  # the pages re-read the stations and their windows
    return w


@router.get("/maintenance")
def list_windows(_: Principal = Depends(viewer), c: ConsoleContext = Depends(ctx)) -> list[dict[str, Any]]:
    """Maintenance windows in force now, those to come, and those that ended in the last 24 h (newest first),
    each with ``active`` at the console's clock."""
    now = _now(c)
    return [_listed(w, now) for w in mt.windows(c.store.engine, c.site.id, ending_after_ms=now - RECENT_MS)]


@router.post("/maintenance", status_code=201)
def open_window(body: OpenIn, request: Request, p: Principal = Depends(operator),
                c: ConsoleContext = Depends(ctx)) -> dict[str, Any]:
    """Open a window for a station or one of its sensors: from ``start`` (default now) for ``hours`` (default 2)
    or until ``until``. Operator role; audited with the reason. A window the site does not allow (unknown station
    or sensor, ending before it starts, longer than 72 h) is refused with 422 and a message saying what to change."""
    now = _now(c)

    def run() -> tuple[mt.Window, dict[str, Any]]:
        if body.hours is not None and body.until is not None:
            raise HTTPException(422, "give hours or until, not both")
        start = _time(body.start, "start") if body.start else now
        hours = DEFAULT_HOURS if body.hours is None else body.hours
        end = _time(body.until, "until") if body.until else start + round(hours * mt.HOUR_MS)
        try:
            w = mt.open_window(c.store.engine, c.site, station=body.station, sensor=body.sensor, start_ms=start, end_ms=end,
                               reason=body.reason, by=p.user.username, now_ms=now)
        except ConfigError as e:
            raise HTTPException(422, str(e)) from e
        return w, {"id": w.id, "start": w.as_dict()["start"], "end": w.as_dict()["end"]}

    w = _audited(c, p, request, "maintenance.open", _target(body.station, body.sensor), body.reason,
                 body.model_dump(exclude_none=True, exclude={"reason"}), run)
    return _listed(w, now)


@router.post("/maintenance/{window_id}/end")
def end_window(window_id: WindowId, body: EndIn, request: Request, p: Principal = Depends(operator),
               c: ConsoleContext = Depends(ctx)) -> dict[str, Any]:
    """End a window now (one not yet begun never applies). Operator role; audited. 404: no such window at this
    site; 409: it has already ended."""
    now = _now(c)

    def run() -> tuple[mt.Window, dict[str, Any]]:
        try:
            w = mt.end_window(c.store.engine, c.site, window_id, now_ms=now)
        except ConfigError as e:
            raise HTTPException(409, str(e)) from e
        return w, {"start": w.as_dict()["start"], "end": w.as_dict()["end"]}

    w = _audited(c, p, request, "maintenance.end", str(window_id), body.reason, {"id": window_id}, run)
    return _listed(w, now)
