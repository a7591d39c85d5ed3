"""D8 flow directions, the path of a flood from a lake outlet, and chainage to each zone.

- :func:`flow_directions`: pyflwdir ``from_dem`` (depression filling by priority flood, Wang & Liu
  2006, then steepest-descent D8 with the cell distances of a lon/lat grid where needed).
- :func:`trace`: the downstream path from a lake; chainage 0 at the lake's outlet (where the path
  leaves the lake's outline), so "zone at 18 km" means 18 km along the channel from the dam.
- :func:`zone_chainage`: where the path first enters each zone polygon (or passes within
  ``tolerance_m`` of it: zones often sit beside, not on, the thalweg of a coarse DEM).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from shapely.geometry import LineString, Point, Polygon
from shapely.geometry.base import BaseGeometry

from glofwatch.terrain.dem import Dem, DemError

EARTH_R = 6_371_008.8


def flow_directions(dem: Dem, *, outlets: str = "edge") -> Any:
    """A ``pyflwdir.FlwdirRaster`` (D8) from the DEM; NaN cells are outside.

    outlets: ``edge`` (every cell on the DEM's or the data's edge may drain out: right for a valley
    window) or ``min`` (one outlet, the lowest edge cell: right for a whole basin).
    """
    import pyflwdir

    elv = np.where(np.isnan(dem.elevation), -9999.0, dem.elevation).astype("float32")
    return pyflwdir.from_dem(elv, nodata=-9999.0, transform=dem.transform, latlon=dem.latlon, outlets=outlets)


def downstream_path(flw: Any, start: int, *, max_steps: int = 10_000_000) -> np.ndarray:
    """Linear indices from ``start`` down the D8 graph to a pit or the grid's edge (inclusive)."""
    ds = flw.idxs_ds
    out = [int(start)]
    i = int(start)
    for _ in range(max_steps):
        j = int(ds[i])
        if j == i or j < 0 or j >= ds.size:
            break
        out.append(j)
        i = j
    return np.asarray(out, dtype=np.int64)


def _xy(dem: Dem, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r, c = np.unravel_index(idx, dem.shape)
    x, y = dem.transform @ (c + 0.5, r + 0.5)
    return np.asarray(x), np.asarray(y)


def _seg_lengths(x: np.ndarray, y: np.ndarray, latlon: bool) -> np.ndarray:
    if not latlon:
        return np.hypot(np.diff(x), np.diff(y))
    lat1, lat2 = np.radians(y[:-1]), np.radians(y[1:])
    dlat, dlon = lat2 - lat1, np.radians(np.diff(x))
    a = np.sin(dlat / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin(dlon / 2) ** 2
    return 2 * EARTH_R * np.arcsin(np.sqrt(a))


@dataclass(frozen=True)
class FlowPath:
    """A flood path: cell indices, coordinates (DEM CRS), elevation and chainage (m, 0 at the outlet)."""

    lake: str
    idx: np.ndarray
    x: np.ndarray
    y: np.ndarray
    z: np.ndarray
    chainage_m: np.ndarray
    outlet_i: int  # position in the arrays where the path leaves the lake

    @property
    def length_m(self) -> float:
        return float(self.chainage_m[-1])

    def line(self) -> LineString:
        return LineString(np.c_[self.x[self.outlet_i:], self.y[self.outlet_i:]])

    def mean_slope(self, start_m: float = 0.0, end_m: float | None = None) -> float:
        """Mean gradient (m/m) of the channel between two chainages."""
        end_m = self.length_m if end_m is None else end_m
        sel = (self.chainage_m >= start_m) & (self.chainage_m <= end_m) & np.isfinite(self.z)
        if sel.sum() < 2:
            return float("nan")
        c, z = self.chainage_m[sel], self.z[sel]
        return float(max((z[0] - z[-1]) / max(c[-1] - c[0], 1.0), 0.0))


def trace(dem: Dem, flw: Any, lake: str, lon: float, lat: float, *, lake_outline: BaseGeometry | None = None,
          lake_radius_m: float = 0.0, crs_lonlat: Any = "EPSG:4326") -> FlowPath:
    """The downstream D8 path from a lake (its point, in lon/lat) to the DEM's edge or a pit.

    The outlet is where the path leaves ``lake_outline`` (DEM CRS) or a circle of ``lake_radius_m``.
    """
    x0, y0 = lon, lat
    if not dem.latlon:
        from pyproj import Transformer

        x0, y0 = Transformer.from_crs(crs_lonlat, dem.crs, always_xy=True).transform(lon, lat)
    c0, r0 = (~dem.transform) @ (x0, y0)
    r0, c0 = int(math.floor(r0)), int(math.floor(c0))
    if not (0 <= r0 < dem.shape[0] and 0 <= c0 < dem.shape[1]) or np.isnan(dem.elevation[r0, c0]):
        raise DemError(f"{dem.source}: lake {lake} at ({lon:.4f}, {lat:.4f}) is outside the DEM (or on no data); "
                       "give a DEM that covers the lake and its valley")
    # pyflwdir 0.5.12's ``path()`` hands the Affine transform to numba, which cannot type it (affine 2.4+):
    # follow its downstream-index array instead (the same D8 graph, a few thousand steps at most).
    idx = downstream_path(flw, r0 * dem.shape[1] + c0)
    x, y = _xy(dem, idx)
    seg = _seg_lengths(x, y, dem.latlon)
    cum = np.r_[0.0, np.cumsum(seg)]
    z = dem.elevation.ravel()[idx]
    if lake_outline is not None:
        inside = np.array([lake_outline.contains(Point(a, b)) for a, b in zip(x, y, strict=True)])
    else:
        inside = cum <= lake_radius_m
    out_i = int(np.argmin(inside)) if inside.any() and not inside.all() else 0
    return FlowPath(lake, idx, x, y, z, cum - cum[out_i], out_i)


def zone_chainage(path: FlowPath, zones: dict[str, Polygon], *, dem_latlon: bool, tolerance_m: float = 500.0
                  ) -> dict[str, float]:
    """Chainage (km) where the path first enters or passes within ``tolerance_m`` of each zone (same CRS as the path).

    Zones the path never comes near are left out (the flood does not go there on this DEM).
    """
    out: dict[str, float] = {}
    xs, ys = path.x[path.outlet_i:], path.y[path.outlet_i:]
    ch = path.chainage_m[path.outlet_i:]
    for zid, poly in zones.items():
        tol = tolerance_m / (111_320.0 * math.cos(math.radians(poly.centroid.y))) if dem_latlon else tolerance_m
        grown = poly.buffer(tol)
        hit = [i for i, (a, b) in enumerate(zip(xs, ys, strict=True)) if grown.contains(Point(a, b))]
        if hit:
            out[zid] = round(float(ch[hit[0]]) / 1000.0, 2)
    return dict(sorted(out.items(), key=lambda kv: kv[1]))
