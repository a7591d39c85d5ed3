"""Reading a DEM GeoTIFF (the I/O edge) into plain arrays, with the checks that matter for routing."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from affine import Affine

from glofwatch.errors import GlofwatchError


class DemError(GlofwatchError):
    """A DEM cannot be used for routing; the message names the file and the fix."""


@dataclass(frozen=True)
class Dem:
    """Elevation (metres, NaN = no data) on a grid. ``latlon`` when the CRS is geographic (degrees)."""

    elevation: np.ndarray
    transform: Affine
    crs: Any
    source: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def latlon(self) -> bool:
        return bool(getattr(self.crs, "is_geographic", False))

    @property
    def shape(self) -> tuple[int, int]:
        return self.elevation.shape  # type: ignore[return-value]


def read_dem(path: str | Path, *, window_lonlat: tuple[float, float, float, float] | None = None) -> Dem:
    """Read band 1 of a DEM as float64 with NaN for no data; optionally only a lon/lat window (a valley)."""
    import rasterio
    from rasterio.windows import from_bounds

    p = Path(path)
    if not p.exists():
        raise DemError(f"{p}: no such DEM file")
    try:
        with rasterio.open(p) as src:
            if src.crs is None:
                raise DemError(f"{p}: DEM without a coordinate reference system; georeference it (gdal_translate -a_srs)")
            win = None
            if window_lonlat is not None:
                from rasterio.warp import transform_bounds

                b = transform_bounds("EPSG:4326", src.crs, *window_lonlat)
                from rasterio.windows import Window

                win = from_bounds(*b, transform=src.transform).round_offsets().round_lengths()
                win = win.intersection(Window(0, 0, src.width, src.height))
            a = src.read(1, window=win).astype("float64")
            T = src.window_transform(win) if win is not None else src.transform
            nod = src.nodata
            crs = src.crs
    except DemError:
        raise
    except Exception as e:
        raise DemError(f"{p}: cannot read the DEM ({type(e).__name__}: {e})") from e
    if nod is not None:
        a[a == nod] = np.nan
    notes = []
    if np.isnan(a).all():
        raise DemError(f"{p}: the DEM holds no data in the area asked for; check it covers the site")
    nan_share = float(np.isnan(a).mean())
    if nan_share > 0:
        notes.append(f"{nan_share:.1%} of the DEM cells have no data (treated as outside the basin)")
    return Dem(a, T, crs, str(p), notes)
