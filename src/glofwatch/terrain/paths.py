"""The site-level terrain run: for each lake, path, chainage to zones, arrival times, footprint, households.
Pure over a loaded DEM and site; :mod:`glofwatch.terrain.commands` adds the files."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import yaml
from shapely.geometry import Polygon

from glofwatch.detection.decision import Arrival
from glofwatch.errors import GlofwatchError
from glofwatch.terrain.arrival import WaveSpeed, arrivals
from glofwatch.terrain.dem import Dem
from glofwatch.terrain.exposure import households_in
from glofwatch.terrain.flowpaths import FlowPath, trace, zone_chainage
from glofwatch.terrain.inundation import Channel, footprint


@dataclass
class LakePath:
    """The terrain answer for one lake. ``status`` failed: ``error`` says why (lake outside the DEM...)."""

    lake: str
    status: Literal["ok", "no_zone", "failed"] = "ok"
    zones: dict[str, float] = field(default_factory=dict)
    arrivals: list[Arrival] = field(default_factory=list)
    length_km: float = 0.0
    mean_slope: float = 0.0
    peak_discharge_m3s: float = 0.0
    depth_m: tuple[float, float] = (0.0, 0.0)
    footprint_cells: int = 0
    households: list[str] = field(default_factory=list)
    people: int = 0
    error: str = ""
    path: FlowPath | None = None
    footprint: np.ndarray | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"lake": self.lake, "status": self.status, "zones_km": self.zones, "length_km": round(self.length_km, 2),
                "mean_slope": round(self.mean_slope, 4), "peak_discharge_m3s": round(self.peak_discharge_m3s, 1),
                "depth_m": [round(x, 2) for x in self.depth_m], "footprint_cells": self.footprint_cells,
                "households": self.households, "people": self.people, "error": self.error,
                "arrivals": [{"zone": a.zone, "chainage_km": a.chainage_km, "eta_min": round(a.eta_min, 1),
                              "eta_min_early": round(a.eta_min_early, 1), "eta_min_late": round(a.eta_min_late, 1)}
                             for a in self.arrivals]}


def lake_paths(site: Any, dem: Dem, flw: Any, *, peak_discharge: dict[str, float] | None = None,
               speed: WaveSpeed = WaveSpeed(), channel: Channel = Channel(), tolerance_m: float = 500.0,
               max_distance_m: float = 1000.0) -> list[LakePath]:
    """Flow path, zones, arrivals, footprint and households for every lake of ``site`` on ``dem``.

    peak_discharge: lake id -> Qp (m3/s) for the footprint; default from :func:`glofwatch.lakes.hazard.estimate`
    on the lake's last mapped area (the upper end of its range: a footprint that plans for the big one).
    """
    from glofwatch.lakes.hazard import estimate

    zones = {z.id: Polygon(z.polygon) for z in site.zones}
    if not dem.latlon:
        from pyproj import Transformer

        t = Transformer.from_crs("EPSG:4326", dem.crs, always_xy=True)
        zones = {k: Polygon(np.c_[t.transform(*np.asarray(p.exterior.coords).T)]) for k, p in zones.items()}
    out = []
    for lk in site.lakes:
        r = LakePath(lk.id)
        try:
            radius = float(np.sqrt(lk.area_m2 / np.pi)) if lk.area_m2 else 50.0
            p = trace(dem, flw, lk.id, *lk.location, lake_radius_m=radius)
        except GlofwatchError as e:
            r.status, r.error = "failed", str(e)
            out.append(r)
            continue
        r.path = p
        r.length_km = p.length_m / 1000.0
        r.mean_slope = p.mean_slope()
        r.zones = zone_chainage(p, zones, dem_latlon=dem.latlon, tolerance_m=tolerance_m)
        r.arrivals = arrivals(r.zones, speed)
        if peak_discharge and lk.id in peak_discharge:
            q = peak_discharge[lk.id]
        else:
            q = estimate(lk.area_m2 or 10_000.0, lk.dam, volume_m3=lk.volume_m3).peak_discharge_range_m3s[1]
        r.peak_discharge_m3s = q
        fp, depth = footprint(dem, p, q, channel=channel, max_distance_m=max_distance_m)
        r.footprint = fp
        r.footprint_cells = int(fp.sum())
        d = depth[np.isfinite(depth)]
        r.depth_m = (float(d.min()), float(d.max())) if d.size else (0.0, 0.0)
        hh = households_in(fp, dem, site.households)
        r.households = [h.id for h in hh]
        r.people = sum(h.members for h in hh)
        if not r.zones:
            r.status = "no_zone"
            r.error = f"the path from {lk.id} passes no zone within {tolerance_m:.0f} m on this DEM"
        out.append(r)
    return out


def flow_paths_yaml(results: list[LakePath], site: Any) -> list[dict[str, Any]]:
    """The site file's ``flow_paths`` entries from the results (lakes with at least one zone)."""
    old = {fp.lake: fp for fp in site.flow_paths}
    out = []
    for r in results:
        if r.zones:
            river = old[r.lake].river if r.lake in old else ""
            out.append({"lake": r.lake, "river": river, "zones": dict(r.zones)})
        elif r.lake in old:  # keep what the site had when the DEM gives nothing better
            out.append({"lake": r.lake, "river": old[r.lake].river, "zones": dict(old[r.lake].zones)})
    return out


def write_flow_paths(site_file: str | Path, entries: list[dict[str, Any]], *, note: str = "") -> Path:
    """Replace the top-level ``flow_paths:`` block of a site YAML, keeping every other line (and comment)."""
    p = Path(site_file)
    text = p.read_text(encoding="utf-8")
    body = yaml.safe_dump({"flow_paths": [{"lake": e["lake"], "river": e["river"], "zones": e["zones"]} for e in entries]},
                          sort_keys=False, default_flow_style=None, allow_unicode=True, width=120)
    if note:
        body = f"# {note}\n" + body
    m = re.search(r"^flow_paths:.*?(?=^\S|\Z)", text, flags=re.M | re.S)
    if m:
        # keep the comment lines that precede the next key with the next key
        block = m.group(0)
        trailing = re.search(r"(\n(?:#[^\n]*\n|\s*\n)*)$", block)
        tail = trailing.group(1) if trailing else "\n"
        text = text[: m.start()] + body.rstrip("\n") + tail + text[m.end():]
    else:
        text = text.rstrip("\n") + "\n\n" + body
    p.write_text(text, encoding="utf-8")
    return p
