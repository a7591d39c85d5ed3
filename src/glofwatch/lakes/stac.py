"""Scenes given as STAC items (the I/O edge): an Item JSON, an ItemCollection, or a catalog searched by bbox and time.

A STAC item is a scene whose bands are *assets* (each an href to a GeoTIFF/COG). This module turns each item
into a :class:`StacScene`, a small picklable record of the band -> href table (plus scale/offset, date and
sensor), and :func:`open_stac_scene` reads those hrefs lazily with rioxarray + Dask chunks and hands them to
the same :func:`glofwatch.lakes.scene.assemble_scene` as the file reader, so an item maps exactly like the
same bands given as files.

Band lookup, per asset, first match wins:

1. ``eo:bands`` (STAC 1.0) or ``bands`` with ``eo:common_name`` (STAC 1.1): the common name (green, nir,
   nir08, swir16...), the provider-neutral way;
2. the asset key, in either of the two usual conventions: Sentinel-2 L2A ``B03``/``B08``/``B11``/``SCL``
   or Element 84 Earth Search ``green``/``nir``/``swir16``/``scl``; Landsat C2 L2 ``green``/``nir08``/
   ``swir16``/``qa_pixel`` or ``SR_B3``/``SR_B5``/``SR_B6``/``QA_PIXEL``.

Reflectance: ``raster:bands`` scale/offset of the asset when given (Earth Search and the USGS/Planetary
Computer Landsat items carry them, which also takes care of Sentinel-2's +1000 offset from baseline 04.00);
otherwise the sensor's standard scaling of the file reader.

pystac is used to parse and walk catalogs (it resolves relative hrefs and follows child links); odc-stac
was not used: its loader reprojects to a common grid itself, which would bypass the reader the file path
uses and make the STAC path map differently. Remote searches go through pystac-client (:func:`search_api`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from glofwatch.clock import parse_iso
from glofwatch.errors import MissingExtraError
from glofwatch.lakes.scene import (
    BAND_ALIASES,
    LANDSAT_TM_ALIASES,
    NEEDED,
    Scene,
    SceneError,
    _need_eo,
    _to_reflectance,
    _which_band,
    assemble_scene,
)

STAC_TYPES = ("Feature", "FeatureCollection", "Catalog", "Collection")
# STAC common names (eo extension) -> our band names; the aliases table covers the rest.
COMMON_NAMES = {"green": "green", "nir": "nir", "nir08": "nir", "nir09": None, "swir16": "swir1", "swir22": "swir2",
                "blue": "blue", "red": "red", "coastal": None, "rededge": None, "cirrus": None, "pan": None}
MASK_KEYS = {"scl": "scl", "qa_pixel": "qa_pixel"}


@dataclass
class StacScene:
    """One STAC item reduced to what the reader needs; plain data, so it travels to Dask workers.

    bands: our band name -> (asset key, absolute href, scale, offset); scale/offset are None when the item
    gives none (the sensor's default scaling then applies). error: why the item cannot be mapped (a missing
    asset), reported per scene by the workflow instead of stopping the run.
    """

    id: str
    source: str
    bands: dict[str, tuple[str, str, float | None, float | None]] = field(default_factory=dict)
    date: str | None = None
    sensor: str = "unknown"
    error: str = ""
    s2_offset: float = 0.0  # -1000 for unscaled Sentinel-2 DN of processing baseline >= 04.00 (see _s2_offset)

    @property
    def label(self) -> str:
        return f"STAC item {self.id} ({self.source})"


def _need_pystac() -> Any:
    try:
        import pystac
    except ImportError as e:  # pragma: no cover - depends on the install
        raise MissingExtraError("STAC scenes need `pip install 'glofwatch[eo]'` (pystac)") from e
    return pystac


def is_stac_file(path: str | Path) -> bool:
    """True for a ``.json`` file holding a STAC Item, ItemCollection, Catalog or Collection."""
    p = Path(path)
    if p.suffix.lower() != ".json" or not p.is_file():
        return False
    import orjson

    try:
        d = orjson.loads(p.read_bytes())
    except orjson.JSONDecodeError:
        return False
    return isinstance(d, dict) and d.get("type") in STAC_TYPES and ("stac_version" in d or d.get("type") == "FeatureCollection")


def _sensor(props: dict[str, Any], item_id: str) -> str:
    plat = f"{props.get('platform', '')} {props.get('constellation', '')} {item_id}".lower()
    if "sentinel-2" in plat or "sentinel2" in plat or re.search(r"\bs2[ab_]", plat):
        return "sentinel-2"
    if re.search(r"landsat[-_]?[89]|l[co]0[89]", plat):
        return "landsat-oli"
    if re.search(r"landsat[-_]?[457]\b|l[te]0[457]", plat):
        return "landsat-tm"
    return "unknown"


def _common_name(asset: dict[str, Any]) -> str | None:
    """The single eo common name of an asset (STAC 1.0 ``eo:bands`` or 1.1 ``bands``), None if absent or several."""
    bands = asset.get("eo:bands") or asset.get("bands") or []
    names = {b.get("common_name") or b.get("eo:common_name") for b in bands if isinstance(b, dict)} - {None}
    return names.pop() if len(names) == 1 else None


def _scale_offset(asset: dict[str, Any]) -> tuple[float | None, float | None]:
    rb = asset.get("raster:bands") or asset.get("bands") or []
    if len(rb) == 1 and isinstance(rb[0], dict):
        scale, offset = rb[0].get("scale", rb[0].get("raster:scale")), rb[0].get("offset", rb[0].get("raster:offset"))
        if scale is not None:
            return float(scale), float(offset or 0.0)
    return None, None


def _band_of(key: str, asset: dict[str, Any], sensor: str) -> str | None:
    cn = _common_name(asset)
    if cn in COMMON_NAMES:
        return COMMON_NAMES[cn]
    k = key.lower()
    if k in MASK_KEYS:
        return MASK_KEYS[k]
    roles = set(asset.get("roles") or ())
    if roles & {"thumbnail", "overview", "metadata"} and "data" not in roles:
        return None
    if sensor == "landsat-tm" and any(k in names for names in LANDSAT_TM_ALIASES.values()):
        return _which_band(k, sensor)
    if any(k in names for names in BAND_ALIASES.values()):
        return _which_band(k, sensor)
    return None


def _s2_offset(props: dict[str, Any], sensor: str) -> float:
    """Sentinel-2 L2A from processing baseline 04.00 (2022-01-25) store reflectance + 1000 DN. Items that say so
    by ``s2:processing_baseline`` (Planetary Computer, Earth Search) and have not removed it already
    (``earthsearch:boa_offset_applied``) get -1000; assets with raster:bands scale/offset use those instead."""
    if sensor != "sentinel-2" or props.get("earthsearch:boa_offset_applied"):
        return 0.0
    try:
        return -1000.0 if float(props.get("s2:processing_baseline", 0)) >= 4.0 else 0.0
    except (TypeError, ValueError):
        return 0.0


def scene_from_item(item: Any, source: str) -> StacScene:
    """Map a ``pystac.Item``'s assets to bands (never raises: a missing band becomes ``error``)."""
    props = item.properties or {}
    sensor = _sensor(props, item.id)
    dt = item.datetime or item.common_metadata.start_datetime
    sc = StacScene(id=item.id, source=source, date=dt.date().isoformat() if dt else None, sensor=sensor,
                   s2_offset=_s2_offset(props, sensor))
    for key, asset in item.assets.items():
        d = asset.to_dict()
        band = _band_of(key, d, sensor)
        if band and band not in sc.bands:
            scale, offset = _scale_offset(d)
            sc.bands[band] = (key, asset.get_absolute_href() or asset.href, scale, offset)
    has_index = "ndwi" in sc.bands or "mndwi" in sc.bands
    if "green" not in sc.bands and not has_index:
        sc.error = f"{sc.label}: missing asset for band green (keys {sorted(item.assets)}); need {NEEDED}"
    elif not has_index and "nir" not in sc.bands and "swir1" not in sc.bands:
        sc.error = f"{sc.label}: missing asset for band nir and swir1 (keys {sorted(item.assets)}); need {NEEDED}"
    return sc


def _parse_datetime(value: str | None) -> tuple[datetime | None, datetime | None]:
    """A STAC datetime filter: ``2025-08-01``, ``2025-08-01/2025-09-30``, ``../2025-09-30`` (UTC)."""
    if not value:
        return None, None
    parts = value.split("/") if "/" in value else [value, value]
    out: list[datetime | None] = []
    for i, s in enumerate(parts[:2]):
        if s in ("", ".."):
            out.append(None)
            continue
        try:
            t = parse_iso(s)
        except ValueError as e:
            raise SceneError(f"--datetime {value!r}: give YYYY-MM-DD or START/END (ISO 8601, '..' for open)") from e
        if i == 1 and len(s) == 10:  # a date as end: the whole day
            t = t.replace(hour=23, minute=59, second=59)
        out.append(t)
    return out[0], out[1]


def _matches(item: Any, bbox: tuple[float, float, float, float] | None, start: datetime | None, end: datetime | None) -> bool:
    if bbox and item.bbox:
        b = item.bbox
        w, s, e, n = (b[0], b[1], b[3], b[4]) if len(b) == 6 else (b[0], b[1], b[2], b[3])  # 6: with zmin, zmax
        if e < bbox[0] or w > bbox[2] or n < bbox[1] or s > bbox[3]:
            return False
    t = item.datetime or item.common_metadata.start_datetime
    if t is not None:
        t = t if t.tzinfo else t.replace(tzinfo=UTC)
        if (start and t < start) or (end and t > end):
            return False
    return True


def read_stac(path: str | Path, *, bbox: tuple[float, float, float, float] | None = None,
              datetime_range: str | None = None) -> list[StacScene]:
    """The scenes of a local STAC file: one Item, the items of an ItemCollection, or every item below a
    Catalog/Collection, filtered by ``bbox`` (lon/lat W,S,E,N) and ``datetime_range`` when given.

    Raises :class:`SceneError` (naming the file) when the file is not readable STAC.
    """
    pystac = _need_pystac()
    p = Path(path).resolve()
    start, end = _parse_datetime(datetime_range)
    try:
        import orjson

        kind = orjson.loads(p.read_bytes()).get("type")
        if kind == "Feature":
            items = [pystac.Item.from_file(str(p))]
        elif kind == "FeatureCollection":
            items = list(pystac.ItemCollection.from_file(str(p)))
            for it in items:  # relative hrefs are relative to the collection file
                for a in it.assets.values():
                    if not re.match(r"^[a-z][a-z0-9+.-]*://", a.href) and not Path(a.href).is_absolute():
                        a.href = str((p.parent / a.href).resolve())
        else:
            items = list(pystac.read_file(str(p)).get_items(recursive=True))
    except Exception as e:  # pystac raises many kinds (JSON, schema, missing child links)
        raise SceneError(f"{p}: not a readable STAC Item/ItemCollection/Catalog ({type(e).__name__}: {e})") from e
    return [scene_from_item(it, p.name) for it in items if _matches(it, bbox, start, end)]


def search_api(url: str, *, bbox: tuple[float, float, float, float] | None, datetime_range: str | None,
               collections: list[str] | None = None, max_items: int = 100) -> list[StacScene]:
    """Items of a remote STAC API search (pystac-client). Raises SceneError naming the URL when unreachable."""
    if not bbox and not datetime_range:
        raise SceneError(f"{url}: give --bbox and/or --datetime for a STAC API search (a whole catalog is too much)")
    try:
        from pystac_client import Client
    except ImportError as e:  # pragma: no cover - depends on the install
        raise MissingExtraError("STAC API search needs `pip install 'glofwatch[eo]'` (pystac-client)") from e
    try:
        client = Client.open(url, timeout=20)
        search = client.search(bbox=list(bbox) if bbox else None, datetime=datetime_range, collections=collections,
                               max_items=max_items)
        items = list(search.items())
    except Exception as e:  # network, HTTP and API errors all mean the same to the user
        raise SceneError(f"STAC API {url} not reachable or refused the search ({type(e).__name__}: {e}); "
                         "check the network/proxy, or download the items and give the local JSON files") from e
    return [scene_from_item(it, url) for it in items]


def open_stac_scene(sc: StacScene, *, chunks: int | dict[str, int] | None = 2048) -> Scene:
    """Read a :class:`StacScene`'s assets lazily and assemble them like a folder of band files.

    Every failure names the item and the asset (key and href).
    """
    _need_eo()
    import rioxarray

    if sc.error:
        raise SceneError(sc.error)
    arrays: dict[str, Any] = {}
    for band, (key, href, scale, offset) in sc.bands.items():
        try:
            da = rioxarray.open_rasterio(href, chunks=chunks, masked=False)
        except Exception as e:  # missing file, HTTP error, not a raster
            raise SceneError(f"{sc.label}: asset {key!r} ({href}) cannot be read ({type(e).__name__}: {e}); "
                             "is the href reachable from here? re-download the asset or fix the href") from e
        if da.sizes.get("band", 1) != 1:
            da = da.isel(band=0)
        da = da.squeeze("band", drop=True) if "band" in da.dims else da.drop_vars("band", errors="ignore")
        if scale is not None and band not in ("scl", "qa_pixel") and da.dtype.kind in "ui":
            nodata = da.rio.nodata
            missing = da == (0 if nodata is None else nodata)
            f = da.astype("float32") * np.float32(scale) + np.float32(offset or 0.0)
            arrays[band] = f.where(~missing, np.float32(np.nan))
        else:
            arrays[band] = _to_reflectance(da, band, sc.sensor, sc.s2_offset)
    return assemble_scene(arrays, id=sc.id, path=sc.label, date=sc.date, sensor=sc.sensor)


def parse_bbox(value: str | None) -> tuple[float, float, float, float] | None:
    """``--bbox W,S,E,N`` in degrees."""
    if not value:
        return None
    try:
        w, s, e, n = (float(v) for v in value.split(","))
    except ValueError as err:
        raise SceneError(f"--bbox {value!r}: give west,south,east,north in degrees, e.g. --bbox 76.9,42.8,77.2,42.95") from err
    if not (-180 <= w <= e <= 180 and -90 <= s <= n <= 90):
        raise SceneError(f"--bbox {value!r}: need west <= east and south <= north, in degrees")
    return w, s, e, n
