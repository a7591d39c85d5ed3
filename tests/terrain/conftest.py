"""A synthetic valley DEM under the demo site (no real Issyk-Kul DEM exists in shared data)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin

RES = 0.0005  # degrees (~40-55 m)
W, S, E, N = 77.00, 42.62, 77.13, 42.90


def valley_centre(lat: np.ndarray) -> np.ndarray:
    """Thalweg longitude: from cha-1 (77.034, 42.885) down to the Cholpon-Ata zones (77.083) then south."""
    return np.interp(lat, [42.62, 42.70, 42.80, 42.885, 42.90], [77.083, 77.083, 77.045, 77.034, 77.034])


def valley_dem() -> tuple[np.ndarray, object]:
    h, w = int(round((N - S) / RES)), int(round((E - W) / RES))
    lat = N - (np.arange(h) + 0.5) * RES
    lon = W + (np.arange(w) + 0.5) * RES
    LON, LAT = np.meshgrid(lon, lat)
    cross = np.abs(LON - valley_centre(LAT))
    # a valley floor ~500 m wide rising 1 m per cell away from the river, then steep valley sides
    side = np.where(cross < 0.003, 2000.0 * cross, 6.0 + 20000.0 * (cross - 0.003))
    z = 1600.0 + (LAT - S) * 7500.0 + side
    return z.astype("float32"), from_origin(W, N, RES, RES)


@pytest.fixture
def valley_tif(tmp_path: Path) -> Path:
    z, T = valley_dem()
    p = tmp_path / "valley.tif"
    with rasterio.open(p, "w", driver="GTiff", height=z.shape[0], width=z.shape[1], count=1, dtype="float32",
                       crs="EPSG:4326", transform=T, nodata=-9999.0) as dst:
        dst.write(z, 1)
    return p
