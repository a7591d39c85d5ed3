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
from glofwatch.lakes.stac import StacScene, is_stac_file, read_stac
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


def map_one(path: str | Path | StacScene, lakes: list[tuple[str, BaseGeometry, str]], *, dem_path: str | None = None,
            params: MapParams = MapParams(), chunks: int | None = 2048, date: str | None = None,
            sun: tuple[float, float] | None = None, discover: bool = True, lakes_crs: str = "EPSG:4326") -> SceneMap:
    """Open and map one scene (a file, a folder, or one STAC item); never raises for a bad scene (the error is in the result)."""
    from glofwatch.lakes.scene import open_scene
    from glofwatch.lakes.stac import open_stac_scene

    stac = path if isinstance(path, StacScene) else None
    p = Path(stac.id if stac else path)  # type: ignore[arg-type]
    name = stac.id if stac else p.stem
    try:
        scene = open_stac_scene(stac, chunks=chunks) if stac else open_scene(p, chunks=chunks, date=date)
        dem = None
        if dem_path:
            import rioxarray

            dem = rioxarray.open_rasterio(dem_path, masked=False).squeeze("band", drop=True)
        return map_scene(scene, lakes, lakes_crs=lakes_crs, dem=dem, sun=sun, params=params, discover=discover)
    except GlofwatchError as e:
        return SceneMap(scene=name, date=stac.date if stac else None, crs="", status="failed", error=str(e))
    except Exception as e:  # one broken scene must not stop a country-wide run
        return SceneMap(scene=name, date=None, crs="", status="failed",
                        error=f"{stac.label if stac else p}: unexpected {type(e).__name__}: {e}",
                        notes=[traceback.format_exc(limit=3)])


def map_scenes(paths: list[str | Path | StacScene], *, site: Any = None, lakes: list[tuple[str, BaseGeometry, str]] | None = None,
               dem_path: str | None = None, params: MapParams = MapParams(), client: Any = None,
               chunks: int | None = 2048, discover: bool = True, sun: tuple[float, float] | None = None,
               lakes_crs: str = "EPSG:4326", bbox: tuple[float, float, float, float] | None = None,
               datetime_range: str | None = None) -> RunReport:
    """Map every scene against the known lakes (``lakes``, else the site's lakes).

    paths: GeoTIFF/COG files, folders of band files, STAC JSON files (an Item, an ItemCollection, or a
    catalog whose items are filtered by ``bbox`` lon/lat W,S,E,N and ``datetime_range``), or
    :class:`StacScene` records (e.g. from :func:`glofwatch.lakes.stac.search_api`).

    sun: (azimuth, elevation) in degrees for the DEM's terrain-shadow mask (one value for all scenes).
    client: a ``dask.distributed.Client``; each scene becomes one task on the cluster. Without it the
    scenes run one after another here, each computed with Dask's threaded scheduler.
    """
    known = lakes if lakes is not None else (lakes_from_site(site) if site is not None else [])
    kw = {"dem_path": dem_path, "params": params, "chunks": chunks, "discover": discover, "sun": sun, "lakes_crs": lakes_crs}
    todo, unreadable = expand_scenes(paths, bbox=bbox, datetime_range=datetime_range)
    if client is None:
        return RunReport(unreadable + [map_one(p, known, **kw) for p in todo])
    futures = client.map(_map_one_sync, [p if isinstance(p, StacScene) else str(p) for p in todo], lakes=known, pure=False, **kw)
    return RunReport(unreadable + client.gather(futures))


def expand_scenes(paths: list[str | Path | StacScene], *, bbox: tuple[float, float, float, float] | None = None,
                  datetime_range: str | None = None) -> tuple[list[str | Path | StacScene], list[SceneMap]]:
    """Replace each STAC JSON file by its items (filtered by bbox/datetime); files and folders stay as they are.

    Returns (scenes to map, failed results for STAC files that could not be read at all).
    """
    todo: list[str | Path | StacScene] = []
    failed: list[SceneMap] = []
    for p in paths:
        if isinstance(p, StacScene) or not is_stac_file(p):
            todo.append(p)
            continue
        try:
            todo.extend(read_stac(p, bbox=bbox, datetime_range=datetime_range))
        except GlofwatchError as e:
            failed.append(SceneMap(scene=Path(p).stem, date=None, crs="", status="failed", error=str(e)))
    return todo, failed


def _map_one_sync(path: str | StacScene, *, lakes: list[tuple[str, BaseGeometry, str]], **kw: Any) -> SceneMap:
    """A scene inside a cluster task: its chunks are computed in the task, not re-submitted to the scheduler.

    The scene's chunks use as many threads as the worker has (``--nthreads``), not one per core of the
    machine: otherwise every worker of a many-worker host would start a thread per core and the
    workers would fight over the same cores.
    """
    import dask

    with dask.config.set(scheduler="threads", num_workers=worker_threads()):
        return map_one(path, lakes, **kw)


def worker_threads() -> int | None:
    """The current Dask worker's thread count, or None outside a worker (Dask then uses one per core)."""
    try:
        from distributed import get_worker

        return int(get_worker().state.nthreads)
    except (ImportError, ValueError, AttributeError):  # not inside a worker
        return None
