"""Glacial lakes where glacier ice reads as water: Breidamerkurjokull, Iceland, 1991 (BENCHMARKS.md).

Landsat-5 NDWI (1991 composite) + ArcticDEM 30 m, scored against the 1991 reference outlines:

- baseline: NDWI > 0.3 over the whole scene (glacier ice, sea and wet sand count as water);
- glofwatch: each lake mapped in a 300 m window around its 1985 outline (an inventory six years old),
  then around its 1990 outline (last year's map, routine monitoring); the 1991 outlines are never
  input. Otsu threshold per window, DEM slope mask.

Reports the scene IoU and the IoU and area error of each 1991 lake, by size class.
Run: .venv/bin/python benchmarks/lakes_iceland.py
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import rioxarray
from rasterio.features import rasterize
from shapely.geometry import shape

from glofwatch.lakes.mapper import map_scene
from glofwatch.lakes.scene import open_scene
from glofwatch.lakes.water import MapParams, iou

D = Path(__file__).resolve().parents[2] / "shared" / "data"
NDWI = D / "imagery" / "landsat5_ndwi_1991_breidamerkurjokull_iceland.tif"
DEM = D / "dem" / "arcticdem_v4_30m_breidamerkurjokull_iceland.tif"
OUTLINES = D / "lakes" / "breidamerkurjokull_iceland_glacial_lakes_1985_2025_utm27n.geojson"


def outlines(year: int) -> list:
    fc = json.loads(OUTLINES.read_text())
    return [shape(f["geometry"]) for f in fc["features"] if f["properties"]["year"] == year]


def main(prior_year: int = 1985) -> None:
    print(f"\n### windows from the {prior_year} outlines")
    scene = open_scene(NDWI, date="1991-08-01")
    T = scene.ds.rio.transform()
    shp = (scene.ds.sizes["y"], scene.ds.sizes["x"])
    ref_polys = outlines(1991)
    ref = rasterize(ref_polys, out_shape=shp, transform=T).astype(bool)
    base = np.asarray(scene.ds["ndwi"].values) > 0.3
    prior = [(f"lake{i}", g, "") for i, g in enumerate(outlines(prior_year))]
    dem = rioxarray.open_rasterio(DEM).squeeze("band", drop=True)
    sm = map_scene(scene, prior, lakes_crs="EPSG:32627", dem=dem, params=MapParams(), discover=False)
    ours = [m.polygon for m in sm.lakes if m.polygon is not None and not m.polygon.is_empty]
    pred = rasterize(ours, out_shape=shp, transform=T).astype(bool) if ours else np.zeros(shp, bool)
    print(f"scene water IoU vs 1991 outlines: NDWI > 0.3 baseline {iou(base, ref):.3f}; glofwatch {iou(pred, ref):.3f}")
    print("\n| 1991 lake | area (km^2) | IoU | mapped area (km^2) +- one-pixel ring | area error |")
    print("|---|---|---|---|---|")
    for i, g in enumerate(sorted(ref_polys, key=lambda g: -g.area)):
        r = rasterize([g], out_shape=shp, transform=T).astype(bool)
        near = rasterize([g.buffer(300)], out_shape=shp, transform=T).astype(bool) & ~(ref & ~r)
        p = pred & near
        a = p.sum() * 900 / 1e6
        ring = sum(m.area_err_m2 * (m.polygon.intersection(g.buffer(300)).area / max(m.polygon.area, 1))
                   for m in sm.lakes if m.polygon is not None) / 1e6
        ref_km2 = g.area / 1e6
        print(f"| {i + 1} | {ref_km2:.3f} | {iou(p, r):.3f} | {a:.3f} +- {ring:.3f} | {(a - ref_km2) / ref_km2:+.1%} |")
    for m in sm.lakes:
        print(f"  {m.lake}: {m.status}, threshold {m.threshold}, {m.area_m2 / 1e6:.3f} km^2 {m.note}")


if __name__ == "__main__":
    main(1985)  # six years before: a stale inventory
    main(1990)  # the previous year: routine monitoring
