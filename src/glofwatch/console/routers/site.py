"""The site, its map layers, stations with latest values and health, and resampled series."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

import pandas as pd
from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import Response

from glofwatch.clock import iso, ms, parse_iso
from glofwatch.console import geo
from glofwatch.console.alerting import Unavailable
from glofwatch.console.deps import ConsoleContext, Principal, ctx, viewer
from glofwatch.telemetry.queries import series, stations_overview

router = APIRouter(prefix="/api/v1", tags=["site"])
MAX_POINTS = 5000

Layer = Literal["lakes", "zones", "households", "sirens", "shelters", "stations", "flow_paths"]


@router.get("/site")
def site_info(_: Principal = Depends(viewer), c: ConsoleContext = Depends(ctx)) -> dict[str, Any]:
    """Name, languages, authority, map bounds and what the site holds."""
    s = c.site
    return {"id": s.id, "name": s.site.name, "timezone": s.site.timezone, "languages": s.site.languages,
            "authority": s.site.authority, "bounds": geo.bounds(s), "now": iso(ms(c.clock.now())),
            "counts": {"lakes": len(s.lakes), "stations": len(s.stations), "zones": len(s.zones),
                       "households": len(s.households), "sirens": len(s.sirens), "shelters": len(s.shelters)},
            "zones": [{"id": z.id, "name": z.name} for z in s.zones],
            "alerting": c.alerting.available() is None}


@router.get("/lakes")
def lakes(_: Principal = Depends(viewer), c: ConsoleContext = Depends(ctx)) -> list[dict[str, Any]]:
    """The lakes with their dam type, area and volume, the zones a flood from each reaches and, from the
    lakes package, the mapped area history, its growth, a ``watch`` decision when it grows fast and the
    hazard numbers (volume, peak discharge with its range)."""
    try:
        from glofwatch.lakes.api import lakes_overview
    except ImportError:  # pragma: no cover - the lakes package and its scipy are part of a full installation
        overview: dict[str, dict[str, Any]] = {}
    else:
        overview = {x["lake"]: x for x in lakes_overview(c.store.engine, c.site, now=c.clock.now())}
    out = []
    for lk in c.site.lakes:
        fp = c.site.flow_path(lk.id)
        o = overview.get(lk.id, {})
        out.append({**lk.model_dump(), "river": fp.river if fp else "", "zones": dict(fp.zones) if fp else {},
                    "history": o.get("history", []), "growth": o.get("growth"), "decision": o.get("decision"),
                    "hazard": o.get("hazard")})
    return out


def _health(c: ConsoleContext) -> list[dict[str, Any]]:
    return stations_overview(c.store, c.site, ms(c.clock.now()))


def _zone_levels(c: ConsoleContext) -> dict[str, dict[str, Any]]:
    try:
        return c.alerting.zone_levels()
    except Unavailable:
        return {}


@router.get("/geo/{layer}", response_class=Response, responses={200: {"content": {"application/geo+json": {}}}})
async def geojson(layer: Layer, _: Principal = Depends(viewer), c: ConsoleContext = Depends(ctx)) -> Response:
    """A map layer as GeoJSON: lakes, zones (with their alert level), households (no contact data),
    sirens, shelters, stations (with health) or flow_paths (schematic)."""

    def build() -> dict[str, Any]:
        zl = _zone_levels(c) if layer == "zones" else None
        health = {h["station"]: h["state"] for h in _health(c)} if layer == "stations" else None
        return geo.layer(c.site, layer, zone_levels=zl, health=health)

    deps = {"zones": ("alerts",), "stations": ("stations",)}.get(layer, ())
    return Response(await c.snapshots.get(f"geo:{layer}", deps, build), media_type="application/geo+json")


def _stations(c: ConsoleContext) -> list[dict[str, Any]]:
    out = []
    for r in _health(c):
        st = c.site.station(r["station"])
        r["location"] = list(st.location) if st else None
        r["last_obs"] = iso(r["last_obs_ms"]) if r["last_obs_ms"] is not None else None
        for x in r["sensors"]:
            if isinstance(x.get("value"), float) and not math.isfinite(x["value"]):
                x["value"] = None
        out.append(r)
    return out


@router.get("/stations", response_class=Response, responses={200: {"content": {"application/json": {}}}})
async def stations(_: Principal = Depends(viewer), c: ConsoleContext = Depends(ctx)) -> Response:
    """Every station: health (ok, late, silent, never), last reading, battery, latest value of each sensor."""
    return Response(await c.snapshots.get("stations", ("stations",), lambda: _stations(c)), media_type="application/json")


def _when(s: str | None, default: datetime, what: str) -> datetime:
    if not s:
        return default
    try:
        d = parse_iso(s)
    except ValueError as e:
        raise HTTPException(422, f"{what}={s!r} is not an ISO 8601 time; write e.g. 2025-07-27T06:00:00Z") from e
    return d if d.tzinfo else d.replace(tzinfo=default.tzinfo)


@router.get("/stations/{station}/{sensor}/series")
def observations(
    station: str,
    sensor: str,
    start: Annotated[str | None, Query(description="window start, ISO 8601 UTC (default: end - 24 h)")] = None,
    end: Annotated[str | None, Query(description="window end, ISO 8601 UTC (default: now)")] = None,
    every: Annotated[str, Query(max_length=16, description="bin width (10min, 1h, ...) or 'raw'")] = "10min",
    agg: Literal["mean", "min", "max", "sum", "last", "count"] = "mean",
    quality: Literal["good", "usable", "all"] = "usable",
    _: Principal = Depends(viewer),
    c: ConsoleContext = Depends(ctx),
) -> dict[str, Any]:
    """One sensor's readings over [start, end), resampled; empty bins are null (gaps are shown, not filled)."""
    st = c.site.station(station)
    if st is None or st.sensor(sensor) is None:
        raise HTTPException(404, f"no sensor {station}/{sensor} in site {c.site.id}; GET /api/v1/stations lists them")
    t1 = _when(end, c.clock.now(), "end")
    t0 = _when(start, t1 - timedelta(hours=24), "start")
    if t0 >= t1:
        raise HTTPException(422, f"start {t0.isoformat()} is not before end {t1.isoformat()}")
    step: str | None = None if every == "raw" else every
    if step is not None:
        try:
            width = pd.Timedelta(pd.tseries.frequencies.to_offset(step))
        except (ValueError, TypeError) as e:
            raise HTTPException(422, f"every={every!r} is not a bin width; use e.g. 5min, 10min, 1h or raw") from e
        if width <= pd.Timedelta(0) or (t1 - t0) / width > MAX_POINTS:
            raise HTTPException(422, f"{every} bins over this window give more than {MAX_POINTS} points; use a wider bin")
    elif (t1 - t0) > timedelta(days=7):
        raise HTTPException(422, "raw readings are served for windows up to 7 days; resample longer windows with every=")
    df = series(c.store, c.site, station, sensor, ms(t0), ms(t1), every=step, agg=agg, quality=quality)
    t = df.index.as_unit("ms").asi8.tolist() if len(df) else []
    vals = [None if (v is None or not math.isfinite(v)) else float(v) for v in df["value"].tolist()]
    return {"station": station, "sensor": sensor, "unit": st.sensor(sensor).unit,  # type: ignore[union-attr]
            "start": iso(ms(t0)), "end": iso(ms(t1)), "every": every, "agg": agg, "t_ms": t, "value": vals}
