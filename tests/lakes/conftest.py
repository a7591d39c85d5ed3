"""Helpers for lake tests: small GeoTIFF scenes written on the fly."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import rasterio
from rasterio.transform import from_origin

# A 20 m grid in UTM 43N near the demo site's lakes (cha-1 at 77.032 E, 42.872 N ~ x 666 000, y 4 748 800).
ORIGIN = (664_000.0, 4_751_000.0)
PX = 20.0


def write_tif(path: Path, bands: dict[str, np.ndarray], *, crs: str | None = "EPSG:32643", px: float = PX,
              origin: tuple[float, float] = ORIGIN, dtype: str = "float32") -> Path:
    arrs = list(bands.values())
    h, w = arrs[0].shape
    profile = {"driver": "GTiff", "height": h, "width": w, "count": len(arrs), "dtype": dtype,
               "transform": from_origin(origin[0], origin[1], px, px)}
    if crs:
        profile["crs"] = crs
    with rasterio.open(path, "w", **profile) as dst:
        for i, (name, a) in enumerate(bands.items(), start=1):
            dst.write(a.astype(dtype), i)
            dst.set_band_description(i, name)
    return path


def synthetic_lake(n: int = 200, *, radius_px: float = 30.0, turbid: bool = False, seed: int = 0
                   ) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """Reflectance of a round lake on rocky land with mixed shore pixels. Returns (bands, water fraction, truth)."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:n, 0:n]
    d = np.hypot(yy - n / 2, xx - n / 2)
    frac = np.clip(radius_px + 0.5 - d, 0, 1)  # 1 inside, linear over the one-pixel shore ring
    water = {"blue": 0.08, "green": 0.10 if not turbid else 0.16, "red": 0.07, "nir": 0.04 if not turbid else 0.12,
             "swir1": 0.02, "swir2": 0.01}
    land = {"blue": 0.10, "green": 0.13, "red": 0.16, "nir": 0.25, "swir1": 0.28, "swir2": 0.22}
    bands = {b: (frac * water[b] + (1 - frac) * land[b] + rng.normal(0, 0.01, (n, n))).astype("float32")
             for b in water}
    return bands, frac, frac >= 0.5
