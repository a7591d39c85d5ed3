"""Many scenes, one report: each scene is mapped on its own (in-process, or as one task per scene on a
Dask distributed cluster), and a bad scene becomes a ``failed`` entry with its message while the others
go on. The same code runs a valley on a laptop and a country on a cluster: only ``client`` changes.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shapely.geometry.base import BaseGeometry

from glofwatch.errors import GlofwatchError
from glofwatch.lakes.mapper import SceneMap, lakes_from_site, map_scene
from glofwatch.lakes.water import MapParams


@dataclass
class RunReport:
    scenes: list[SceneMap] = field(default_factory=list)

    @property
    def ok(self) -> int:
        return sum(s.status == "ok" for s in self.scenes)

    @property
    def failed(self) -> int:
        return sum(s.status == "failed" for s in self.scenes)

    @property
    def partial(self) -> int:
        return sum(s.status == "partial" for s in self.scenes)


def map_one(path: str | Path, lakes: list[tuple[str, BaseGeometry, str]], *, dem_path: str | None = None,
            params: MapParams = MapParams(), chunks: int | None = 2048, date: str | None = None,
            sun: tuple[float, float] | None = None, discover: bool = True, lakes_crs: str = "EPSG:4326") -> SceneMap:
    """Open and map one scene; never raises for a bad scene (the error is in the result)."""
    from glofwatch.lakes.scene import open_scene

    p = Path(path)
    try:
        scene = open_scene(p, chunks=chunks, date=date)
        dem = None
        if dem_path:
            import rioxarray

            dem = rioxarray.open_rasterio(dem_path, masked=False).squeeze("band", drop=True)
        return map_scene(scene, lakes, lakes_crs=lakes_crs, dem=dem, sun=sun, params=params, discover=discover)
    except GlofwatchError as e:
        return SceneMap(scene=p.stem, date=None, crs="", status="failed", error=str(e))
    except Exception as e:  # one broken scene must not stop a country-wide run
        return SceneMap(scene=p.stem, date=None, crs="", status="failed",
                        error=f"{p}: unexpected {type(e).__name__}: {e}", notes=[traceback.format_exc(limit=3)])


def map_scenes(paths: list[str | Path], *, site: Any = None, lakes: list[tuple[str, BaseGeometry, str]] | None = None,
               dem_path: str | None = None, params: MapParams = MapParams(), client: Any = None,
               chunks: int | None = 2048, discover: bool = True, sun: tuple[float, float] | None = None,
               lakes_crs: str = "EPSG:4326") -> RunReport:
    """Map every scene against the known lakes (``lakes``, else the site's lakes).

    sun: (azimuth, elevation) in degrees for the DEM's terrain-shadow mask (one value for all scenes).
    client: a ``dask.distributed.Client``; each scene becomes one task on the cluster. Without it the
    scenes run one after another here, each computed with Dask's threaded scheduler.
    """
    known = lakes if lakes is not None else (lakes_from_site(site) if site is not None else [])
    kw = {"dem_path": dem_path, "params": params, "chunks": chunks, "discover": discover, "sun": sun, "lakes_crs": lakes_crs}
    if client is None:
        return RunReport([map_one(p, known, **kw) for p in paths])
    futures = client.map(_map_one_sync, [str(p) for p in paths], lakes=known, pure=False, **kw)
    return RunReport(client.gather(futures))


def _map_one_sync(path: str, *, lakes: list[tuple[str, BaseGeometry, str]], **kw: Any) -> SceneMap:
    """A scene inside a cluster task: its chunks are computed in the task, not re-submitted to the scheduler."""
    import dask

    with dask.config.set(scheduler="threads"):
        return map_one(path, lakes, **kw)
