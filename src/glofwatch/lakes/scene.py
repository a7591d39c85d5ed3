"""Reading satellite scenes into one xarray Dataset of reflectance on one grid (the I/O edge).

A scene is given as

- a folder of single-band files, as the providers deliver them: Sentinel-2 L2A (``*_B03*.tif|jp2``,
  ``*_B08*``, ``*_B11*``, ``*_SCL*``...) or Landsat Collection 2 Level 2 (``*_SR_B3.TIF``...,
  ``*_QA_PIXEL.TIF``); or
- one multi-band GeoTIFF/COG whose band descriptions name the bands (``green``, ``nir``, ``B03``,
  ``SR_B5``...); a 6-band file without descriptions is read in the order blue, green, red, nir, swir1,
  swir2 (the order of the common 6-band stacks).

Bands are read lazily with rioxarray and Dask chunks (``chunks``), converted to reflectance 0..1,
and brought to the coarsest grid among them (Sentinel-2 10 m bands are averaged 2x2 onto the 20 m
SWIR grid: lazily, by ``coarsen``). Every problem raises :class:`SceneError` naming the file and the fix;
the caller reports it and goes on with the next scene.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from glofwatch.errors import GlofwatchError, MissingExtraError

BAND_ALIASES: dict[str, tuple[str, ...]] = {
    "blue": ("blue", "b02", "sr_b2", "b2"),
    "green": ("green", "b03", "sr_b3", "b3"),
    "red": ("red", "b04", "sr_b4", "b4"),
    "nir": ("nir", "b08", "b8a", "sr_b5", "b5", "nir08"),
    "swir1": ("swir1", "swir16", "b11", "sr_b6", "b6"),
    "swir2": ("swir2", "swir22", "b12", "sr_b7", "b7"),
    "scl": ("scl",),
    "qa_pixel": ("qa_pixel",),
    "ndwi": ("ndwi",),
    "mndwi": ("mndwi",),
}
# Landsat 4-7 number their bands differently (green B2, NIR B4, SWIR1 B5, SWIR2 B7).
LANDSAT_TM_ALIASES: dict[str, tuple[str, ...]] = {
    "blue": ("sr_b1",), "green": ("sr_b2",), "red": ("sr_b3",), "nir": ("sr_b4",), "swir1": ("sr_b5",), "swir2": ("sr_b7",),
}
SIX_BAND_ORDER = ("blue", "green", "red", "nir", "swir1", "swir2")
NEEDED = "green and nir (NDWI) or green and swir1 (MNDWI), or an ndwi/mndwi index band"


class SceneError(GlofwatchError):
    """One scene cannot be used; the message names the file and what to do."""


@dataclass
class Scene:
    """A scene on one projected grid: ``ds`` holds reflectance bands (and ``scl`` when given)."""

    id: str
    path: str
    ds: Any  # xarray.Dataset (dims y, x), possibly Dask-backed
    date: str | None = None
    sensor: str = "unknown"
    notes: list[str] = field(default_factory=list)

    @property
    def crs(self) -> Any:
        return self.ds.rio.crs

    @property
    def transform(self) -> Any:
        return self.ds.rio.transform()


def _need_eo() -> None:
    try:
        import rioxarray  # noqa: F401
    except ImportError as e:  # pragma: no cover - depends on the install
        raise MissingExtraError("satellite lake mapping needs `pip install 'glofwatch[eo]'` (rioxarray, rasterio, dask)") from e


def _date_from_name(name: str) -> str | None:
    m = re.search(r"(19|20)(\d{2})-?(0[1-9]|1[0-2])-?([0-2]\d|3[01])", name)
    return f"{m.group(1)}{m.group(2)}-{m.group(3)}-{m.group(4)}" if m else None


def _sensor(name: str) -> str:
    n = name.upper()
    if re.search(r"L[CO]0[89]", n):
        return "landsat-oli"
    if re.search(r"L[TE]0[457]", n):
        return "landsat-tm"
    if "S2" in n or "MSIL2A" in n or "_SCL" in n or re.search(r"_B(0[2-8]|1[12])", n):
        return "sentinel-2"
    return "unknown"


def _which_band(stem: str, sensor: str) -> str | None:
    s = stem.lower()
    tables = [LANDSAT_TM_ALIASES, BAND_ALIASES] if sensor == "landsat-tm" else [BAND_ALIASES]
    for table in tables:
        for band, names in table.items():
            for a in names:
                if re.search(rf"(^|[_\-.]){re.escape(a)}($|[_\-.])", s):
                    return band
    return None


def _to_reflectance(da: Any, band: str, sensor: str, s2_offset: float) -> Any:
    if band in ("scl", "qa_pixel", "ndwi", "mndwi"):
        return da
    if da.dtype.kind in "ui":
        nodata = da.rio.nodata
        missing = da == (0 if nodata is None else nodata)
        f = da.astype("float32")  # float32, not where()'s float64: half the memory and time on a full tile
        if sensor == "landsat-oli" or sensor == "landsat-tm":
            f = f * np.float32(2.75e-5) - np.float32(0.2)  # Collection 2 Level 2 surface reflectance scale and offset
        else:
            f = (f + np.float32(s2_offset)) * np.float32(1e-4)
        return f.where(~missing, np.float32(np.nan))
    return da.astype("float32")


def open_scene(path: str | Path, *, chunks: int | dict[str, int] | None = 2048, s2_offset: float = 0.0,
               date: str | None = None) -> Scene:
    """Open a scene (a folder of band files or one multi-band GeoTIFF) as reflectance on one grid.

    ``s2_offset``: Sentinel-2 L2A products of processing baseline 04.00 and later (from 2022-01-25)
    store reflectance + 1000; give -1000 for them (the BOA_ADD_OFFSET of the product metadata).
    """
    _need_eo()
    import rioxarray

    p = Path(path)
    if not p.exists():
        raise SceneError(f"{p}: no such file or folder")
    sensor = _sensor(p.name)
    arrays: dict[str, Any] = {}
    try:
        if p.is_dir():
            files = sorted(f for f in p.iterdir() if f.suffix.lower() in (".tif", ".tiff", ".jp2", ".vrt"))
            if sensor == "unknown" and files:
                sensor = _sensor(files[0].name)
            for f in files:
                b = _which_band(f.stem, sensor)
                if b and b not in arrays:
                    arrays[b] = rioxarray.open_rasterio(f, chunks=chunks, masked=False).squeeze("band", drop=True)
        else:
            da = rioxarray.open_rasterio(p, chunks=chunks, masked=False)
            ln = da.attrs.get("long_name")
            descr = [str(d or "") for d in ln] if isinstance(ln, tuple | list) else ([str(ln)] if ln else [])
            names = [_which_band(d, sensor) for d in descr] if descr else []
            if not any(names):
                if da.sizes["band"] == 6:
                    names = list(SIX_BAND_ORDER)
                elif da.sizes["band"] == 1 and _which_band(p.stem, sensor) in ("ndwi", "mndwi"):
                    names = [_which_band(p.stem, sensor)]
                else:
                    raise SceneError(f"{p}: {da.sizes['band']} bands without names; set band descriptions (green, nir, "
                                     "swir1...) with gdal_edit.py -mo or give a folder of band files named like *_B03.tif")
            for i, n in enumerate(names):
                if n and n not in arrays:
                    arrays[n] = da.isel(band=i, drop=True)
    except SceneError:
        raise
    except Exception as e:  # rasterio raises a zoo of errors for damaged files
        raise SceneError(f"{p}: cannot read ({type(e).__name__}: {e}); is the file complete? re-download it") from e
    arrays = {b: _to_reflectance(a, b, sensor, s2_offset) for b, a in arrays.items()}
    return assemble_scene(arrays, id=p.stem, path=str(p), date=date or _date_from_name(p.name), sensor=sensor)


def assemble_scene(arrays: dict[str, Any], *, id: str, path: str, date: str | None, sensor: str) -> Scene:
    """Check and bring the (already reflectance-scaled) band arrays of one scene onto one projected grid.

    Shared by the file/folder reader above and the STAC reader (:mod:`glofwatch.lakes.stac`), so a scene
    maps the same whichever way its bands arrive. Errors name ``path`` (a file, or ``item ID``).
    """
    import xarray as xr
    from affine import Affine

    p = path
    has_index = "ndwi" in arrays or "mndwi" in arrays
    if "green" not in arrays and not has_index:
        raise SceneError(f"{p}: missing band green; found {sorted(arrays) or 'no known band'}; need {NEEDED}")
    if not has_index and "nir" not in arrays and "swir1" not in arrays:
        raise SceneError(f"{p}: missing band nir and swir1; found {sorted(arrays)}; need {NEEDED}")
    crs = next(iter(arrays.values())).rio.crs
    if crs is None:
        raise SceneError(f"{p}: no coordinate reference system; georeference the file (gdal_translate -a_srs EPSG:...)")
    for b, a in arrays.items():
        if a.rio.crs != crs:
            raise SceneError(f"{p}: band {b} is in {a.rio.crs}, others in {crs}; reproject the bands to one CRS")
    # Bring every band to the coarsest grid (lazily by block averaging when the factor is an integer).
    res = {b: abs(a.rio.resolution()[0]) for b, a in arrays.items()}
    coarse = max(res, key=lambda b: res[b])
    ref = arrays[coarse]
    for b, a in list(arrays.items()):
        f = res[coarse] / res[b]
        if abs(f - 1) < 1e-6:
            continue
        if abs(f - round(f)) < 1e-6 and b not in ("scl", "qa_pixel"):
            k = int(round(f))
            c = a.coarsen(x=k, y=k, boundary="trim").mean()
            c = c.rio.write_crs(crs).rio.write_transform(a.rio.transform() @ Affine.scale(k))
            arrays[b] = c.assign_coords(x=ref.x[: c.sizes["x"]], y=ref.y[: c.sizes["y"]])
        else:
            from rasterio.enums import Resampling

            nearest = b in ("scl", "qa_pixel")
            arrays[b] = a.rio.reproject_match(ref, resampling=Resampling.nearest if nearest else Resampling.average)
    ny = min(a.sizes["y"] for a in arrays.values())
    nx = min(a.sizes["x"] for a in arrays.values())
    ds = xr.Dataset({b: a.isel(y=slice(0, ny), x=slice(0, nx)).drop_vars("spatial_ref", errors="ignore")
                     for b, a in arrays.items()})
    ds = ds.rio.write_crs(crs).rio.write_transform(ref.rio.transform())
    notes: list[str] = []
    if ds.rio.crs.is_geographic:
        utm = ds.rio.estimate_utm_crs()
        ds = ds.rio.reproject(utm)
        notes.append(f"reprojected from {crs} to {utm} (areas need metres)")
    return Scene(id=id, path=path, ds=ds, date=date, sensor=sensor, notes=notes)
