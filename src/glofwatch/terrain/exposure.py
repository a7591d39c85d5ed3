"""Who is inside a footprint: households (and their zones) in the flooded cells."""

from __future__ import annotations

from typing import Any

import numpy as np

from glofwatch.terrain.dem import Dem


def households_in(footprint: np.ndarray, dem: Dem, households: list[Any], *, crs_lonlat: Any = "EPSG:4326") -> list[Any]:
    """The households whose (lon, lat) falls in a True cell of ``footprint`` (a grid of ``dem``)."""
    if not households:
        return []
    lon = np.array([h.lon for h in households])
    lat = np.array([h.lat for h in households])
    x, y = lon, lat
    if not dem.latlon:
        from pyproj import Transformer

        x, y = Transformer.from_crs(crs_lonlat, dem.crs, always_xy=True).transform(lon, lat)
    c, r = (~dem.transform) @ (np.asarray(x), np.asarray(y))
    r, c = np.floor(r).astype(int), np.floor(c).astype(int)
    H, W = footprint.shape
    ok = (r >= 0) & (r < H) & (c >= 0) & (c < W)
    inside = np.zeros(len(households), bool)
    inside[ok] = footprint[r[ok], c[ok]]
    return [h for h, i in zip(households, inside, strict=True) if i]
