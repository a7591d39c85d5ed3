"""Scale-out of satellite lake mapping: N full-size Sentinel-2 scenes on 1 and 2 Dask workers.

Each scene is one task on the cluster (``map_scenes(..., client=...)``); inside its task a scene runs its
chunks on the worker's own threads. The scenes are N links to the synthetic full tile of
``lakes_tile_speed.py`` (built on first use, ~1 min), so every worker reads real GeoTIFFs of the real size.
Prints wall time, scenes per minute, the speed-up over 1 worker, the workers' CPU seconds per scene and
how many cores they kept busy, plus the load average: the speed-up only means something on otherwise idle
cores, while CPU per scene (constant when nothing is serialised) and cores busy show the scaling even on
a shared machine.

Run: .venv/bin/python benchmarks/lakes_scenes_scaling.py [--scenes 4] [--workers 1 2] [--threads 1]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lakes_tile_speed import make_tile  # noqa: E402


def _cpu_seconds() -> float:
    """CPU seconds of this worker process so far (run on every worker)."""
    import psutil

    t = psutil.Process().cpu_times()
    return t.user + t.system


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", type=Path, default=Path("/tmp/glofwatch_s2_tile"))
    ap.add_argument("--scenes", type=int, default=4)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--threads", type=int, default=1, help="threads per worker")
    a = ap.parse_args()
    from distributed import Client, LocalCluster
    from shapely.geometry import Point

    from glofwatch.lakes.workflow import map_scenes

    lakes = make_tile(a.cache, 60)
    known = [(lid, Point(x, y).buffer(r * 0.9), "") for lid, x, y, r in lakes]
    links = a.cache.parent / f"{a.cache.name}_scenes"
    links.mkdir(exist_ok=True)
    paths = []
    for i in range(a.scenes):  # distinct scene names, the same real-size band files
        p = links / f"S2_2025080{i % 10}_{i:03d}"
        if not p.exists():
            p.symlink_to(a.cache.resolve(), target_is_directory=True)
        paths.append(p)
    base = None
    for w in a.workers:
        cluster = LocalCluster(n_workers=w, threads_per_worker=a.threads, processes=True, dashboard_address=":0")
        with cluster as cl, Client(cl) as c:
            cpu0 = sum(c.run(_cpu_seconds).values())
            t0 = time.perf_counter()
            rep = map_scenes(paths, lakes=known, lakes_crs="EPSG:32643", client=c)
            dt = time.perf_counter() - t0
            cpu = sum(c.run(_cpu_seconds).values()) - cpu0
        base = base if base is not None else dt * a.workers[0]  # wall time of one worker, scaled if the list starts above 1
        ok = sum(s.status in ("ok", "partial") for s in rep.scenes)
        print(f"{w} worker(s) x {a.threads} thread(s): {a.scenes} scenes in {dt:.1f} s "
              f"({60 * a.scenes / dt:.1f} scenes/min; speed-up over 1 worker x{base / dt:.2f}); "
              f"{ok}/{a.scenes} scenes mapped; workers' CPU {cpu / a.scenes:.1f} s a scene, {cpu / dt:.2f} cores busy; "
              f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
