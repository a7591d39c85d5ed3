"""Map every known lake of a scene and look for new water bodies: the orchestration around
:mod:`glofwatch.lakes.water`. Windows are cut lazily from the (Dask-backed) scene, so a full tile
reads only the lake windows plus one pass of the pixel rule for discovery.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import shapely
import shapely.affinity
from affine import Affine
from shapely.geometry import Point, mapping, shape
from shapely.geometry.base import BaseGeometry

from glofwatch.lakes.adaptive import BANDS as ADAPTIVE_BANDS
from glofwatch.lakes.adaptive import CLOUD as ADAPTIVE_CLOUD
from glofwatch.lakes.adaptive import REQUIRED as ADAPTIVE_REQUIRED
from glofwatch.lakes.adaptive import SHADOW as ADAPTIVE_SHADOW
from glofwatch.lakes.adaptive import WATER as ADAPTIVE_WATER
from glofwatch.lakes.adaptive import adaptive_classes
from glofwatch.lakes.masks import cloud_mask, qa_pixel_mask, scl_mask, snow_mask, terrain_mask
from glofwatch.lakes.scene import Scene
from glofwatch.lakes.water import KnownLake, LakeMap, MapParams, WaterBody, find_water_bodies, map_lake, water_rule


@dataclass
class SceneMap:
    """The result of one scene: a map per known lake, new water bodies, and what went wrong.

    status: ``ok``; ``partial`` (some lakes obscured/outside); ``failed`` (nothing usable; ``error`` says why).
    """

    scene: str
    date: str | None
    crs: str
    status: Literal["ok", "partial", "failed"] = "ok"
    lakes: list[LakeMap] = field(default_factory=list)
    new_bodies: list[WaterBody] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: str = ""

    def summary(self) -> dict[str, Any]:
        return {"scene": self.scene, "date": self.date, "status": self.status, "error": self.error,
                "notes": self.notes, "lakes": [m.as_dict() for m in self.lakes],
                "new_water_bodies": [{"area_m2": round(b.area_m2, 1), "area_err_m2": round(b.area_err_m2, 1),
                                      "touches_edge": b.touches_edge} for b in self.new_bodies]}


def project(geom: BaseGeometry, src: Any, dst: Any) -> BaseGeometry:
    """``geom`` from CRS ``src`` to CRS ``dst`` (always x=lon/easting, y=lat/northing)."""
    from pyproj import Transformer

    t = Transformer.from_crs(src, dst, always_xy=True)
    return shapely.transform(geom, lambda x, y: t.transform(x, y), interleaved=False)


def lakes_from_site(site: Any) -> list[tuple[str, BaseGeometry, str]]:
    """The site's lakes as (id, lon/lat geometry, name): a circle of the lake's last mapped area around its point
    (radius sqrt(area/pi); 100 m when no area is known). Radius is converted at the lake's latitude."""
    out = []
    for lk in site.lakes:
        r_m = math.sqrt(lk.area_m2 / math.pi) if lk.area_m2 else 100.0
        lon, lat = lk.location
        deg = r_m / 111_320.0
        k = math.cos(math.radians(lat))
        circle = shapely.affinity.scale(Point(lon, lat).buffer(deg, 32), xfact=1.0 / k, yfact=1.0, origin=(lon, lat))
        out.append((lk.id, circle, lk.name))
    return out


def lakes_from_geojson(fc: dict[str, Any], *, id_key: str = "id", year: int | None = None
                       ) -> list[tuple[str, BaseGeometry, str]]:
    """Known lake outlines from a GeoJSON FeatureCollection (CRS: :func:`geojson_crs`); ids from ``id_key``,
    then ``lake``, then ``GLIMS_ID``, else the feature index. ``year``: only features with that ``year``."""
    out = []
    for i, f in enumerate(fc.get("features", [])):
        pr = f.get("properties") or {}
        if year is not None and pr.get("year") != year:
            continue
        lid = str(pr.get(id_key) or pr.get("lake") or pr.get("GLIMS_ID") or f.get("id") or f"lake-{i}")
        out.append((lid, shape(f["geometry"]), str(pr.get("name", ""))))
    return out


def geojson_crs(fc: dict[str, Any]) -> str:
    """The CRS of a GeoJSON FeatureCollection: its legacy ``crs`` member (``urn:ogc:def:crs:EPSG::32627``)
    when present, else EPSG:4326 (RFC 7946)."""
    name = str(((fc.get("crs") or {}).get("properties") or {}).get("name", ""))
    m = re.search(r"EPSG:+(\d+)", name)
    if m:
        return f"EPSG:{m.group(1)}"
    return "EPSG:4326"


def _window(bounds: tuple[float, float, float, float], transform: Affine, shape_: tuple[int, int]) -> tuple[slice, slice] | None:
    inv = ~transform
    xs, ys = zip(*[inv @ (x, y) for x in (bounds[0], bounds[2]) for y in (bounds[1], bounds[3])], strict=True)
    c0, c1 = max(0, int(math.floor(min(xs)))), min(shape_[1], int(math.ceil(max(xs))))
    r0, r1 = max(0, int(math.floor(min(ys)))), min(shape_[0], int(math.ceil(max(ys))))
    if c0 >= c1 or r0 >= r1:
        return None
    return slice(r0, r1), slice(c0, c1)


def _dem_on(dem: Any, transform: Affine, crs: Any, shape_: tuple[int, int]) -> np.ndarray:
    """A DEM (rioxarray DataArray) resampled bilinearly onto a window grid."""
    from rasterio.enums import Resampling
    from rasterio.warp import reproject

    out = np.full(shape_, np.nan, dtype="float32")
    src = dem.values.astype("float32")
    nod = dem.rio.nodata
    if nod is not None:
        src = np.where(src == nod, np.nan, src)
    reproject(src, out, src_transform=dem.rio.transform(), src_crs=dem.rio.crs, dst_transform=transform, dst_crs=crs,
              resampling=Resampling.bilinear, src_nodata=np.nan, dst_nodata=np.nan)
    return out


def _masks(b: dict[str, np.ndarray], dem_win: np.ndarray | None, px: float, sun: tuple[float, float] | None
           ) -> tuple[np.ndarray, np.ndarray]:
    """(exclude, obscure) for a window: exclude = cannot be lake water; obscure = the surface is hidden."""
    anyb = next(iter(b.values()))
    obscure = np.zeros(anyb.shape, bool)
    if "scl" in b:
        obscure |= scl_mask(b["scl"])
    elif "qa_pixel" in b:
        obscure |= qa_pixel_mask(np.nan_to_num(b["qa_pixel"]).astype("uint16"))
    else:
        if "blue" in b and "swir1" in b:
            obscure |= cloud_mask(b["blue"], b["swir1"])
        if {"green", "nir", "swir1"} <= b.keys():
            obscure |= snow_mask(b["green"], b["nir"], b["swir1"])
    exclude = obscure.copy()
    if dem_win is not None:
        exclude |= terrain_mask(dem_win, px, sun_azimuth_deg=sun[0] if sun else None,
                                sun_elevation_deg=sun[1] if sun else None)
    return exclude, obscure


def map_scene(scene: Scene, lakes: list[tuple[str, BaseGeometry, str]], *, lakes_crs: Any = "EPSG:4326",
              dem: Any = None, sun: tuple[float, float] | None = None, params: MapParams = MapParams(),
              discover: bool = True) -> SceneMap:
    """Map each known lake (buffered window, Otsu threshold) and find new water bodies in ``scene``.

    lakes: (id, outline, name) in ``lakes_crs``. dem: a rioxarray DataArray (any CRS) for the slope and
    terrain-shadow masks; sun: (azimuth, elevation) in degrees for terrain shadow.
    """
    ds = scene.ds
    crs = ds.rio.crs
    T: Affine = ds.rio.transform()
    px = abs(T.a)
    shape_ = (ds.sizes["y"], ds.sizes["x"])
    res = SceneMap(scene=scene.id, date=scene.date, crs=str(crs), notes=list(scene.notes))
    known = np.zeros(shape_, bool)
    todo = []
    for lid, geom, name in lakes:
        g = project(geom, lakes_crs, crs)
        win = _window(g.buffer(params.buffer_m).bounds, T, shape_)
        if win is None:
            res.lakes.append(LakeMap(lid, "outside", note="the lake is outside the scene"))
            continue
        known[win] = True
        todo.append((lid, g, name, win))
    # one compute for every window: a tile's lakes share reads and the scheduler sees one graph
    import dask

    windows = dask.compute(*[{k: v.isel(y=w[0], x=w[1]).data for k, v in ds.data_vars.items()} for *_, w in todo])
    from rasterio.features import geometry_mask

    for (lid, g, name, win), raw in zip(todo, windows, strict=True):
        wt = T @ Affine.translation(win[1].start, win[0].start)
        b = {k: np.asarray(v, dtype="float32") for k, v in raw.items()}
        dem_win = _dem_on(dem, wt, crs, next(iter(b.values())).shape) if dem is not None else None
        exclude, obscure = _masks(b, dem_win, px, sun)
        outside_buffer = geometry_mask([g.buffer(params.buffer_m)], out_shape=exclude.shape, transform=wt)
        res.lakes.append(map_lake(KnownLake(lid, g, name), {k: v for k, v in b.items() if k not in ("scl", "qa_pixel")}, wt,
                                  exclude=exclude | outside_buffer, obscure=obscure, params=params))
    if discover:
        bands = {k: ds[k] for k in ("green", "nir", "swir1") if k in ds}
        if "green" in bands:
            water = water_rule(bands, params.rule)
            hidden = None
            if "scl" in ds:
                hidden = scl_mask(ds["scl"])
            elif "qa_pixel" in ds:
                hidden = qa_pixel_mask(ds["qa_pixel"])
            elif params.discovery == "adaptive" and all(k in ds for k in ADAPTIVE_REQUIRED):
                # no cloud mask with the scene: clouds, their matched shadows and water from the scene itself
                codes = adaptive_classes({k: ds[k] for k in ADAPTIVE_BANDS if k in ds}, px_m=px, params=params.adaptive)
                codes = ds["green"].copy(data=codes)
                water = codes == ADAPTIVE_WATER
                hidden = (codes == ADAPTIVE_CLOUD) | (codes == ADAPTIVE_SHADOW)
            elif "blue" in ds and "swir1" in ds:
                hidden = cloud_mask(ds["blue"], ds["swir1"])
            if hidden is not None:
                water = water & ~hidden
                w_, clear_ = dask.compute(water.data, (~hidden).mean().data)
                clear = float(clear_)
                if clear < 0.05:
                    res.notes.append(f"only {clear:.1%} of the scene is clear of cloud: new water bodies cannot be searched")
            else:
                (w_,) = dask.compute(water.data)
            w = np.asarray(w_, dtype=bool)
            if dem is not None:
                w &= ~terrain_mask(_dem_on(dem, T, crs, shape_), px)
            res.new_bodies = find_water_bodies(w, T, min_area_m2=params.min_new_area_m2, known=known)
        else:
            res.notes.append("no reflectance bands (index rasters only): new water bodies not searched")
    if res.lakes and all(m.status in ("outside", "obscured") for m in res.lakes):
        res.status = "failed" if all(m.status == "outside" for m in res.lakes) else "partial"
        if all(m.status == "outside" for m in res.lakes):
            res.error = "the scene does not overlap any lake of the site; check the scene's footprint and the site"
    elif any(m.status != "mapped" for m in res.lakes):
        res.status = "partial"
    return res


def to_geojson(maps: list[SceneMap]) -> dict[str, Any]:
    """RFC 7946 FeatureCollection (lon/lat) of lake maps and new water bodies of many scenes."""
    feats = []
    for sm in maps:
        for m in sm.lakes:
            if m.polygon is None or m.polygon.is_empty:
                continue
            g = project(m.polygon, sm.crs, "EPSG:4326")
            feats.append({"type": "Feature", "geometry": mapping(g),
                          "properties": {"kind": "lake", "scene": sm.scene, "date": sm.date, **m.as_dict()}})
        for i, b in enumerate(sm.new_bodies):
            g = project(b.polygon, sm.crs, "EPSG:4326")
            feats.append({"type": "Feature", "geometry": mapping(g),
                          "properties": {"kind": "new_water_body", "scene": sm.scene, "date": sm.date, "n": i,
                                         "area_m2": round(b.area_m2, 1), "area_err_m2": round(b.area_err_m2, 1),
                                         "touches_edge": b.touches_edge}})
    return {"type": "FeatureCollection", "features": feats}
