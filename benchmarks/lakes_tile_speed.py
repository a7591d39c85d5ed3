"""Speed of mapping a full Sentinel-2 tile (BENCHMARKS.md, "Lakes and terrain").

Generates (once, cached in --cache) a synthetic L2A tile of the real size: B03 and B08 at 10 m
(10980 x 10980, uint16), B11 and SCL at 20 m (5490 x 5490), tiled deflate GeoTIFFs in UTM 43N, with
``--lakes`` round lakes of 0.01-1 km^2 on noisy land, a cloud bank in the SCL, and a few unknown lakes
to discover. Then maps it end to end (open lazily with Dask chunks, 10 m bands block-averaged to 20 m,
each known lake in its window, the pixel rule over the whole tile for new water bodies) on a Dask
LocalCluster of 1 and then 2 single-threaded worker processes, and prints the wall time of each.

Run: .venv/bin/python benchmarks/lakes_tile_speed.py [--cache /tmp/glofwatch_s2_tile] [--workers 1 2] [--lakes 60]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

N10, N20 = 10980, 5490
ORIGIN = (600_000.0, 4_800_000.0)


def make_tile(folder: Path, n_lakes: int, seed: int = 0) -> list[tuple[str, float, float, float]]:
    """Write the tile if missing; returns the known lakes (id, x, y, radius_m)."""
    import rasterio
    from rasterio.transform import from_origin

    rng = np.random.default_rng(seed)
    lakes = [(f"L{i:03d}", ORIGIN[0] + rng.uniform(2e3, 107e3), ORIGIN[1] - rng.uniform(2e3, 107e3),
              float(np.sqrt(rng.uniform(1e4, 1e6) / np.pi))) for i in range(n_lakes + 5)]
    folder.mkdir(parents=True, exist_ok=True)
    name = "S2B_MSIL2A_20250801T053639_T43TGH"
    if (folder / f"{name}_SCL_20m.tif").exists():
        return [lk for lk in lakes[:n_lakes]]
    for band, n, px in (("B03", N10, 10.0), ("B08", N10, 10.0), ("B11", N20, 20.0), ("SCL", N20, 20.0)):
        prof = {"driver": "GTiff", "height": n, "width": n, "count": 1, "dtype": "uint8" if band == "SCL" else "uint16",
                "crs": "EPSG:32643", "transform": from_origin(*ORIGIN, px, px), "tiled": True, "blockxsize": 512,
                "blockysize": 512, "compress": "deflate", "nodata": 0}
        land = {"B03": 1300, "B08": 2600, "B11": 2400}.get(band, 4)
        water = {"B03": 900, "B08": 350, "B11": 150}.get(band, 6)
        with rasterio.open(folder / f"{name}_{band}_{int(px)}m.tif", "w", **prof) as dst:
            step = 1024 if px == 10 else 512
            for r0 in range(0, n, step):
                h = min(step, n - r0)
                y = ORIGIN[1] - (r0 + np.arange(h)[:, None] + 0.5) * px
                x = ORIGIN[0] + (np.arange(n)[None, :] + 0.5) * px
                frac = np.zeros((h, n), "float32")
                for _, lx, ly, rad in lakes:
                    if abs(ly - y[0, 0]) > rad + step * px + 100:
                        continue
                    frac = np.maximum(frac, np.clip((rad - np.hypot(x - lx, y - ly)) / px + 0.5, 0, 1))
                if band == "SCL":
                    a = np.where(frac > 0.5, water, land).astype("uint8")
                    a[(y < ORIGIN[1] - 80_000) & (x < ORIGIN[0] + 20_000)] = 9  # a cloud bank
                else:
                    a = (frac * water + (1 - frac) * land + rng.normal(0, 60, (h, n))).clip(1, 10000).astype("uint16")
                dst.write(a, 1, window=rasterio.windows.Window(0, r0, n, h))
    return lakes[:n_lakes]


def run(folder: Path, lakes: list[tuple[str, float, float, float]], workers: int) -> tuple[float, object]:
    from distributed import Client, LocalCluster
    from shapely.geometry import Point

    from glofwatch.lakes.mapper import map_scene
    from glofwatch.lakes.scene import open_scene

    known = [(lid, Point(x, y).buffer(r * 0.9), "") for lid, x, y, r in lakes]
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0") as cl, Client(cl):
        t0 = time.perf_counter()
        scene = open_scene(folder, chunks=2048)
        sm = map_scene(scene, known, lakes_crs="EPSG:32643")
        return time.perf_counter() - t0, sm


def run_threads(folder: Path, lakes: list[tuple[str, float, float, float]], threads: int) -> tuple[float, float, object]:
    """In-process threaded scheduler: wall and CPU seconds of this process (CPU time is robust to a busy machine)."""
    import dask
    from shapely.geometry import Point

    from glofwatch.lakes.mapper import map_scene
    from glofwatch.lakes.scene import open_scene

    known = [(lid, Point(x, y).buffer(r * 0.9), "") for lid, x, y, r in lakes]
    with dask.config.set(scheduler="threads", num_workers=threads):
        t0, c0 = time.perf_counter(), time.process_time()
        sm = map_scene(open_scene(folder, chunks=2048), known, lakes_crs="EPSG:32643")
        return time.perf_counter() - t0, time.process_time() - c0, sm


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", type=Path, default=Path("/tmp/glofwatch_s2_tile"))
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--lakes", type=int, default=60)
    a = ap.parse_args()
    t0 = time.perf_counter()
    lakes = make_tile(a.cache, a.lakes)
    print(f"tile ready in {time.perf_counter() - t0:.1f} s ({a.cache})")
    dt, cpu, sm = run_threads(a.cache, lakes, 2)
    print(f"in-process, 2 threads: {dt:.1f} s wall, {cpu:.1f} s CPU; "
          f"{sum(m.status == 'mapped' for m in sm.lakes)}/{len(sm.lakes)} lakes mapped, {len(sm.new_bodies)} new water bodies")
    for w in a.workers:
        dt, sm = run(a.cache, lakes, w)
        mapped = sum(m.status == "mapped" for m in sm.lakes)
        print(f"{w} worker(s): {dt:.1f} s for the full tile; {mapped}/{len(sm.lakes)} lakes mapped, "
              f"{sum(m.status == 'obscured' for m in sm.lakes)} obscured, {len(sm.new_bodies)} new water bodies")


if __name__ == "__main__":
    main()
