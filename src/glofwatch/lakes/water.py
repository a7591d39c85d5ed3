"""Water from reflectance: a pixel rule for whole scenes, and an adaptive (Otsu) threshold per lake window.

Two ways to ask "where is water", for two jobs:

- **Known lakes** (:func:`map_lake`): in a window around the lake's last outline (buffered by
  ``buffer_m``) the water index is bimodal, lake against shore, and Otsu's threshold falls between the
  two modes *of this lake on this date*. That handles turbid proglacial water (a lower index than a
  clear lake) and mixed shore pixels (the threshold sits where the shore's histogram valley is) without
  a fixed index threshold, and it never looks at glacier ice, sea or shadow far from the lake.
- **New water bodies** (:func:`water_rule` + :func:`find_water_bodies`): the whole scene with a pixel
  rule, connected components above a size, away from the known lakes.

Outputs are polygons in the scene's projected CRS with area and its uncertainty: one pixel around
the perimeter (perimeter x pixel size), the usual convention for lake inventories (e.g. Fujita et al.
2009; Hanshaw & Bookhagen 2014 use a similar ring).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from affine import Affine
from scipy import ndimage as ndi
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from glofwatch.lakes.adaptive import AdaptiveParams
from glofwatch.lakes.indices import mndwi, ndwi

LakeStatus = Literal["mapped", "obscured", "not_found", "outside"]


@dataclass(frozen=True)
class WaterRule:
    """A pixel is water when NDWI > ``ndwi_min`` and MNDWI > ``mndwi_min`` and NIR < ``nir_max`` and
    SWIR1 < ``swir1_max`` (reflectance 0..1). Tests on missing bands are skipped.

    Pixels half water and half shore fail these tests (their NIR and SWIR1 are the land's, halved), so
    one ring of neighbours of the water found is added back when it passes looser ``shore_*`` tests.

    The shipped values were fitted on the three labelled DLR chips (Sentinel-2, Landsat-7, Landsat-5,
    ``benchmarks/lakes_water_chips.py``) by maximising the summed water IoU over a grid; scored
    leave-one-chip-out they beat NDWI > 0 on two chips of three (see BENCHMARKS.md). The SWIR1 ceiling
    is what removes cloud shadow, the plain index's main confusion: shadows keep some SWIR1, water absorbs it.
    """

    ndwi_min: float = 0.0
    mndwi_min: float = 0.0
    nir_max: float = 0.30
    swir1_max: float = 0.08
    #: mixed shore pixels: a pixel next to water (4-neighbours) is water too when NDWI > shore_ndwi_min,
    #: MNDWI > shore_mndwi_min and SWIR1 < shore_swir1_max (None: no shore growth)
    shore_ndwi_min: float | None = -0.3
    shore_mndwi_min: float = -0.1
    shore_swir1_max: float = 0.12
    source: str = "fitted on ukis-csmask chips S2/L7/L5 (Wieland et al. 2019), benchmarks/lakes_water_chips.py"


DEFAULT_RULE = WaterRule()


def water_rule(bands: dict[str, Any], rule: WaterRule = DEFAULT_RULE) -> Any:
    """Boolean water mask of a scene from the bands present (``green`` and ``nir`` or ``swir1`` required)."""
    g = bands["green"]
    m = None
    if "nir" in bands:
        m = ndwi(g, bands["nir"]) > rule.ndwi_min
        m = m & (bands["nir"] < rule.nir_max)
    if "swir1" in bands:
        s = (mndwi(g, bands["swir1"]) > rule.mndwi_min) & (bands["swir1"] < rule.swir1_max)
        m = s if m is None else m & s
    if m is None:
        raise KeyError("water_rule needs 'green' and at least one of 'nir' or 'swir1'")
    if rule.shore_ndwi_min is not None and "nir" in bands and "swir1" in bands and getattr(g, "ndim", 0) == 2:
        cand = ((ndwi(g, bands["nir"]) > rule.shore_ndwi_min) & (mndwi(g, bands["swir1"]) > rule.shore_mndwi_min)
                & (bands["swir1"] < rule.shore_swir1_max))
        m = grow_shore(m, cand)
    return m


def _grow_np(seed: np.ndarray, cand: np.ndarray) -> np.ndarray:
    return seed | (ndi.binary_dilation(seed, structure=ndi.generate_binary_structure(2, 1)) & cand)


def grow_shore(seed: Any, cand: Any) -> Any:
    """``seed`` plus its 4-neighbours that are ``cand``; numpy, xarray or Dask-backed xarray (one-pixel overlap)."""
    if isinstance(seed, np.ndarray):
        return _grow_np(seed, np.asarray(cand))
    data = getattr(seed, "data", seed)
    if hasattr(data, "map_overlap"):
        import dask.array as da

        out = da.map_overlap(_grow_np, data, getattr(cand, "data", cand), depth=1, boundary="none", dtype=bool)
    else:
        out = _grow_np(np.asarray(data), np.asarray(getattr(cand, "data", cand)))
    return seed.copy(data=out) if hasattr(seed, "copy") and hasattr(seed, "dims") else out


def otsu(values: np.ndarray, *, bins: int = 256) -> float:
    """Otsu's threshold of the finite values (scikit-image's implementation)."""
    from skimage.filters import threshold_otsu

    v = values[np.isfinite(values)]
    return float(threshold_otsu(v, nbins=bins))


@dataclass(frozen=True)
class KnownLake:
    """A lake to map: its id and last known outline (a polygon, or a point buffered to its area), in the scene CRS."""

    id: str
    outline: BaseGeometry
    name: str = ""


@dataclass(frozen=True)
class LakeMap:
    """One lake on one scene.

    status: ``mapped``; ``obscured`` (more than ``max_obscured`` of the lake's last outline hidden by
    cloud, shadow or snow: the area is a lower bound); ``not_found`` (no water touches the outline);
    ``outside`` (the lake is not in the scene).
    area_m2 +- area_err_m2: polygon area and one pixel around its perimeter.
    threshold: the index threshold used (Otsu of this window, or the fallback).
    obscured_fraction: share of the lake's last outline hidden by masks.
    """

    lake: str
    status: LakeStatus
    area_m2: float = 0.0
    area_err_m2: float = 0.0
    perimeter_m: float = 0.0
    threshold: float | None = None
    index: str = ""
    obscured_fraction: float = 0.0
    polygon: BaseGeometry | None = None
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"lake": self.lake, "status": self.status, "area_m2": round(self.area_m2, 1),
                "area_err_m2": round(self.area_err_m2, 1), "perimeter_m": round(self.perimeter_m, 1),
                "threshold": None if self.threshold is None else round(self.threshold, 4), "index": self.index,
                "obscured_fraction": round(self.obscured_fraction, 4), "note": self.note}


@dataclass(frozen=True)
class WaterBody:
    """Water found outside every known lake's window (a candidate new lake)."""

    polygon: BaseGeometry
    area_m2: float
    area_err_m2: float
    touches_edge: bool


@dataclass(frozen=True)
class MapParams:
    """Options of the mapper (keyword-only everywhere).

    buffer_m: window around the last outline in which the threshold is fitted (300 m: wide enough for
        the shore's land mode and a lake that grew, narrow enough to exclude glacier ice and sea).
    index: "auto" (MNDWI when SWIR1 is present, else NDWI), "ndwi" or "mndwi".
    threshold_range: Otsu results outside it are clipped (a window with almost no water or no land
        would otherwise put the threshold in the middle of one class).
    fallback_threshold: used when a window has too few valid pixels for Otsu.
    max_obscured: above this share of the outline masked, the map is ``obscured``.
    min_new_area_m2: smallest new water body reported (10 000 m^2 = 0.01 km^2, 25 Sentinel-2 20 m pixels).
    """

    buffer_m: float = 300.0
    index: Literal["auto", "ndwi", "mndwi"] = "auto"
    threshold_range: tuple[float, float] = (-0.25, 0.5)
    fallback_threshold: float = 0.0
    max_obscured: float = 0.3
    min_new_area_m2: float = 10_000.0
    rule: WaterRule = field(default_factory=WaterRule)
    #: new water bodies on a scene without a cloud mask (no SCL / QA_PIXEL): "adaptive" (clouds, their matched
    #: shadows and a classifier trained on the scene itself, :mod:`glofwatch.lakes.adaptive`) or "rule" (the
    #: pixel rule minus a bright-cloud mask). Scenes with SCL or QA_PIXEL always use the rule and that mask.
    discovery: Literal["adaptive", "rule"] = "adaptive"
    adaptive: AdaptiveParams = field(default_factory=AdaptiveParams)


def pick_index(bands: dict[str, np.ndarray], which: str = "auto") -> tuple[str, np.ndarray]:
    """The water index used for thresholding: given directly (band ``ndwi``/``mndwi``) or computed."""
    if which in ("auto", "mndwi") and "mndwi" in bands:
        return "mndwi", bands["mndwi"]
    if which in ("auto", "mndwi") and "swir1" in bands and "green" in bands:
        return "mndwi", mndwi(bands["green"], bands["swir1"])
    if which in ("auto", "ndwi") and "ndwi" in bands:
        return "ndwi", bands["ndwi"]
    if "nir" in bands and "green" in bands:
        return "ndwi", ndwi(bands["green"], bands["nir"])
    raise KeyError(f"no water index possible from bands {sorted(bands)}: give green+nir (NDWI), green+swir1 "
                   "(MNDWI), or an index raster named ndwi/mndwi")


def polygons_from_mask(mask: np.ndarray, transform: Affine) -> BaseGeometry:
    """The union of the True pixels as (Multi)Polygon in the grid's CRS (rasterio.features.shapes)."""
    from rasterio.features import shapes

    polys = [shape(g) for g, v in shapes(mask.astype("uint8"), mask=mask, transform=transform, connectivity=8) if v]
    if not polys:
        return Polygon()
    return unary_union(polys)


def _ring(geom: BaseGeometry, px: float, n_px: int) -> tuple[float, float, float]:
    area = n_px * px * px
    per = geom.length
    return area, per * px, per


def map_lake(lake: KnownLake, bands: dict[str, np.ndarray], transform: Affine, *,
             exclude: np.ndarray | None = None, obscure: np.ndarray | None = None,
             params: MapParams = MapParams()) -> LakeMap:
    """Map one lake in a window (arrays already cut to the lake's buffered window, same shape).

    Parameters
    ----------
    bands: reflectance (``green``, ``nir``, ``swir1``...) or index rasters (``ndwi``, ``mndwi``) of the window.
    transform: affine transform of the window (projected CRS, metres).
    exclude: True where a pixel cannot be lake water (terrain shadow, steep slope, cloud, shadow, snow).
    obscure: True where the surface is hidden (cloud, cloud shadow, snow): counts towards ``obscured``.

    Returns
    -------
    LakeMap with the water connected to the lake's last outline.
    """
    from rasterio.features import geometry_mask

    px = abs(transform.a)
    name, idx = pick_index(bands, params.index)
    shape_ = idx.shape
    prior = ~geometry_mask([lake.outline], out_shape=shape_, transform=transform, all_touched=True)
    if not prior.any():
        return LakeMap(lake.id, "outside", index=name, note="the lake's outline does not overlap this window")
    valid = np.isfinite(idx)
    if exclude is not None:
        valid &= ~exclude
    hidden = (~np.isfinite(idx)) | (obscure if obscure is not None else np.zeros(shape_, bool))
    obscured_fraction = float(hidden[prior].mean())
    lo, hi = params.threshold_range
    note = ""
    if valid.sum() >= 50 and np.nanstd(idx[valid]) > 1e-6:
        t = float(np.clip(otsu(idx[valid]), lo, hi))
    else:
        t = params.fallback_threshold
        note = f"too few clear pixels in the window ({int(valid.sum())}); fixed threshold {t}"
    water = valid & (idx > t)
    lab, n = ndi.label(water, structure=np.ones((3, 3), bool))
    keep_ids = np.unique(lab[prior & water])
    keep_ids = keep_ids[keep_ids > 0]
    status: LakeStatus
    if obscured_fraction > params.max_obscured:
        status = "obscured"
        note = (note + "; " if note else "") + (f"{obscured_fraction:.0%} of the lake's last outline is hidden by cloud, "
                                                "shadow or snow: the area is a lower bound")
    else:
        status = "mapped"
    if keep_ids.size == 0:
        return LakeMap(lake.id, "obscured" if status == "obscured" else "not_found", threshold=t, index=name,
                       obscured_fraction=obscured_fraction,
                       note=note or "no water pixel touches the lake's last outline (drained, frozen or misplaced outline?)")
    m = np.isin(lab, keep_ids)
    geom = polygons_from_mask(m, transform)
    area, err, per = _ring(geom, px, int(m.sum()))
    return LakeMap(lake.id, status, area_m2=area, area_err_m2=err, perimeter_m=per, threshold=t, index=name,
                   obscured_fraction=obscured_fraction, polygon=geom, note=note)


def find_water_bodies(water: np.ndarray, transform: Affine, *, min_area_m2: float,
                      known: np.ndarray | None = None) -> list[WaterBody]:
    """Connected water (8-neighbours) of at least ``min_area_m2``, not touching ``known`` (True = a known lake's window)."""
    px = abs(transform.a)
    min_px = max(1, int(np.ceil(min_area_m2 / (px * px))))
    lab, n = ndi.label(water, structure=np.ones((3, 3), bool))
    if n == 0:
        return []
    sizes = np.bincount(lab.ravel())
    big = np.flatnonzero(sizes >= min_px)
    big = big[big > 0]
    if known is not None and big.size:
        touching = np.unique(lab[known & (lab > 0)])
        big = np.setdiff1d(big, touching)
    out: list[WaterBody] = []
    slices = ndi.find_objects(lab)
    H, W = water.shape
    for i in big:
        sl = slices[i - 1]
        sub = lab[sl] == i
        t = transform @ Affine.translation(sl[1].start, sl[0].start)
        geom = polygons_from_mask(sub, t)
        area, err, _ = _ring(geom, px, int(sub.sum()))
        edge = sl[0].start == 0 or sl[1].start == 0 or sl[0].stop == H or sl[1].stop == W
        out.append(WaterBody(geom, area, err, edge))
    return sorted(out, key=lambda b: -b.area_m2)


def iou(a: np.ndarray, b: np.ndarray) -> float:
    """Intersection over union of two boolean masks (NaN when both are empty)."""
    u = np.logical_or(a, b).sum()
    return float(np.logical_and(a, b).sum() / u) if u else float("nan")


def as_multipolygon(g: BaseGeometry) -> MultiPolygon:
    if isinstance(g, MultiPolygon):
        return g
    if isinstance(g, Polygon):
        return MultiPolygon([g]) if not g.is_empty else MultiPolygon()
    return MultiPolygon([p for p in getattr(g, "geoms", []) if isinstance(p, Polygon)])
