"""Scene-adaptive water for scenes without a cloud mask: cloud shadows found by geometry, then a
classifier trained on the scene itself.

A fixed index rule fails where cloud shadow is spectrally water (Landsat-5 shadow over forest:
MNDWI ~0.33, SWIR1 ~0.05, darker than the river it is confused with), and thresholds fitted on one
sensor do not transfer to another (BENCHMARKS.md, "Water mapping on real labelled data"). Two facts
do transfer:

1. **A shadow is its cloud, moved.** Every cloud casts its shadow in the same direction (away from
   the sun), at a distance that grows with the cloud's height. The direction is found from the
   scene: the shift of the cloud mask that darkens the clear ground most in total (one FFT
   cross-correlation over all shifts). Each cloud is then moved along that direction (+-10 degrees) to the distance
   where its footprint is darkest (median NIR+SWIR1 below ``shadow_max_ratio`` of the clear
   ground), as Fmask matches shadows (Zhu & Woodcock 2012), without needing the sun angles.
2. **Within one scene, water, shadow, land and cloud are separable** even where a fixed rule is
   not: the scene labels its own training pixels (water = NDWI > 0 and MNDWI > 0 away from any
   cloud and matched shadow; shadow = dark pixels in a matched shadow; land = NDWI < -0.2; cloud),
   a linear discriminant on the log reflectances is fitted on them, and every pixel is classified.

No threshold here was fitted to a labelled chip: the labelled DLR chips only score the result
(``benchmarks/lakes_water_chips.py``). When the scene has too few water seeds (no water, or all
of it under cloud), the fixed :func:`glofwatch.lakes.water.water_rule` is used, minus cloud and
matched shadow.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy import ndimage as ndi

if TYPE_CHECKING:
    from glofwatch.lakes.water import WaterRule

#: bands the adaptive classifier uses (reflectance 0..1); ``swir2`` is optional
BANDS: tuple[str, ...] = ("blue", "green", "red", "nir", "swir1", "swir2")
REQUIRED: tuple[str, ...] = ("blue", "green", "nir", "swir1")


@dataclass(frozen=True)
class AdaptiveParams:
    """Options of :func:`adaptive_water` (physical defaults, none fitted on a labelled chip).

    cloud_blue_min, cloud_swir1_min: thick cloud is bright in blue and in SWIR1 (snow is dark in SWIR1).
    max_shadow_m: farthest a shadow is searched from its cloud (4.5 km: a cloud top near 3 km under a
        sun 35 degrees high).
    min_cloud_px: clouds smaller than this cast no searched shadow.
    shadow_max_ratio: a cloud's best-matching footprint must be darker than this share of the clear
        ground's median NIR+SWIR1, else the cloud gets no shadow (its shadow is off the scene or under
        another cloud).
    dark_ratio: shadow training pixels are darker than this share of the clear median.
    seed_ndwi_min, seed_mndwi_min: water training pixels (the plain indices' zero crossings).
    land_ndwi_max: land training pixels.
    min_water_seeds: fewer water seeds than this: the fixed rule is used instead.
    samples_per_class: training pixels drawn per class (deterministic, ``random_seed``).
    posterior_min: a pixel is water when the discriminant's water posterior exceeds this.
    """

    cloud_blue_min: float = 0.20
    cloud_swir1_min: float = 0.15
    max_shadow_m: float = 4500.0
    min_cloud_px: int = 20
    shadow_max_ratio: float = 0.85
    dark_ratio: float = 0.80
    seed_ndwi_min: float = 0.0
    seed_mndwi_min: float = 0.0
    land_ndwi_max: float = -0.2
    min_water_seeds: int = 50
    samples_per_class: int = 5000
    posterior_min: float = 0.5
    random_seed: int = 0
    #: the fixed rule used when the scene has too few water seeds (None: ``glofwatch.lakes.water.DEFAULT_RULE``)
    rule: WaterRule | None = None


@dataclass
class AdaptiveWater:
    """The result for one scene: masks (True = that class) and what was learned.

    method: ``adaptive`` (scene-trained discriminant) or ``rule`` (too few water seeds; the reason in ``note``).
    shadow_azimuth_deg: direction from cloud to shadow, clockwise from the top of the array (None: no shadow found).
    seeds: training pixels per class.
    """

    water: np.ndarray
    cloud: np.ndarray
    shadow: np.ndarray
    posterior: np.ndarray | None
    method: str
    shadow_azimuth_deg: float | None = None
    seeds: dict[str, int] = field(default_factory=dict)
    note: str = ""


def _shift(a: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """``a`` moved by (dy, dx) pixels, filled with False/0 where nothing moves in."""
    out = np.zeros_like(a)
    H, W = a.shape
    if abs(dy) >= H or abs(dx) >= W:
        return out
    out[max(dy, 0):H + min(dy, 0), max(dx, 0):W + min(dx, 0)] = a[max(-dy, 0):H + min(-dy, 0), max(-dx, 0):W + min(-dx, 0)]
    return out


def _offset(az_deg: float, d: float) -> tuple[int, int]:
    a = np.radians(az_deg)
    return int(round(-np.cos(a) * d)), int(round(np.sin(a) * d))


def _coarsen(a: np.ndarray, f: int) -> np.ndarray:
    H, W = (a.shape[0] // f) * f, (a.shape[1] // f) * f
    return a[:H, :W].reshape(H // f, f, W // f, f).mean(axis=(1, 3))


def shadow_direction(cloud: np.ndarray, bright: np.ndarray, *, max_px: int, min_overlap: int = 200,
                     work_px: int = 512) -> float | None:
    """Azimuth (degrees clockwise from the array's top) of the shift of ``cloud`` that darkens the clear ground
    most (brightness below the clear median, summed over the shifted clouds), over every shift of
    3..``max_px`` pixels at once (FFT cross-correlation). A scene larger than ``work_px`` is block-averaged
    to about that size first (the direction needs no fine detail). None when no shift overlaps
    ``min_overlap`` clear pixels (no cloud, or all cloud)."""
    from scipy.signal import fftconvolve

    if not cloud.any():
        return None
    clear = ~ndi.binary_dilation(cloud, iterations=2)
    if not clear.any():
        return None
    ref = float(np.median(bright[clear]))
    f = max(1, int(np.ceil(max(cloud.shape) / work_px)))
    c, cl, br = cloud.astype("float64"), clear.astype("float64"), np.where(clear, bright, 0.0)
    if f > 1:
        c, cl, br = (_coarsen(c, f) >= 0.5).astype("float64"), _coarsen(cl, f), _coarsen(br, f)
        max_px, min_overlap = max(3, max_px // f), max(1, min_overlap // (f * f))
    # sum over the shifted cloud of (clear ground brightness) and of (clear), for every shift (dy, dx)
    num = fftconvolve(br, c[::-1, ::-1], mode="full")
    den = fftconvolve(cl, c[::-1, ::-1], mode="full")
    H, W = c.shape
    ly, lx = min(max_px, H - 1), min(max_px, W - 1)
    num, den = num[H - 1 - ly:H + ly, W - 1 - lx:W + lx], den[H - 1 - ly:H + ly, W - 1 - lx:W + lx]
    dy, dx = np.mgrid[-ly:ly + 1, -lx:lx + 1]
    dist = np.hypot(dy, dx)
    ok = (den > min_overlap) & (dist >= min(3, max_px)) & (dist <= max_px)
    if not ok.any():
        return None
    # darkness summed over the footprint (not its mean): the true direction darkens the ground under every
    # cloud at once, a chance alignment of one cloud with another's shadow only under that one
    deficit = np.where(ok, den * ref - num, -np.inf)
    i = np.unravel_index(np.argmax(deficit), deficit.shape)
    return float(np.degrees(np.arctan2(dx[i], -dy[i])) % 360.0)


def matched_shadows(cloud: np.ndarray, bright: np.ndarray, azimuth_deg: float, *, max_px: int, min_cloud_px: int = 20,
                    max_ratio: float = 0.85, spread_deg: float = 10.0, grow_px: int = 2) -> np.ndarray:
    """Each cloud (8-connected, >= ``min_cloud_px``) moved along ``azimuth_deg`` (+-``spread_deg``) to the distance
    where the median brightness of its footprint on clear ground is lowest; kept when that is below
    ``max_ratio`` of the clear ground's median. Returns the union of the footprints (+-4 px along the
    direction, grown by ``grow_px``), minus the clouds."""
    H, W = cloud.shape
    near = ndi.binary_dilation(cloud, iterations=2)
    clear = ~near
    zone = np.zeros_like(cloud)
    if not clear.any():
        return zone
    ref = float(np.median(bright[clear]))
    lab, n = ndi.label(cloud, structure=np.ones((3, 3), bool))
    cand = [(a, d, *_offset(a, d)) for a in (azimuth_deg - spread_deg, azimuth_deg, azimuth_deg + spread_deg)
            for d in range(2, max_px + 1, 2)]
    shift_az = np.array([c[0] for c in cand])
    shift_d = np.array([c[1] for c in cand])
    shifts = np.array([(c[2], c[3]) for c in cand], dtype=np.int64)
    for i, sl in enumerate(ndi.find_objects(lab), start=1):
        obj = lab[sl] == i
        if obj.sum() < min_cloud_px:
            continue
        ys, xs = np.nonzero(obj)
        ys, xs = ys + sl[0].start, xs + sl[1].start
        best: tuple[float, float, int] | None = None
        # every candidate shift of this cloud at once (rows), in slices of at most ~4 M pixel lookups
        step = max(1, 4_000_000 // ys.size)
        for k0 in range(0, len(shifts), step):
            sh = shifts[k0:k0 + step]
            yy, xx = ys[None, :] + sh[:, 0:1], xs[None, :] + sh[:, 1:2]
            inside = (yy >= 0) & (yy < H) & (xx >= 0) & (xx < W)
            free = inside & clear[np.clip(yy, 0, H - 1), np.clip(xx, 0, W - 1)]
            usable = (inside.mean(1) >= 0.3) & (free.sum(1) >= 0.3 * ys.size)
            if not usable.any():
                continue
            vals = np.where(free, bright[np.clip(yy, 0, H - 1), np.clip(xx, 0, W - 1)], np.nan)[usable]
            med = np.nanmedian(vals, axis=1) / max(ref, 1e-6)
            j = int(np.argmin(med))
            if best is None or med[j] < best[0]:
                row = np.flatnonzero(usable)[j] + k0
                best = (float(med[j]), float(shift_az[row]), int(shift_d[row]))
        if best is None or best[0] > max_ratio:
            continue
        _, a, d = best
        for dd in range(max(0, d - 4), d + 5, 2):
            dy, dx = _offset(a, dd)
            yy, xx = ys + dy, xs + dx
            inside = (yy >= 0) & (yy < H) & (xx >= 0) & (xx < W)
            zone[yy[inside], xx[inside]] = True
    if grow_px:
        zone = ndi.binary_dilation(zone, iterations=grow_px)
    return zone & ~cloud


def _lda_posterior(X: np.ndarray, y: np.ndarray, Xall: np.ndarray, target: int) -> np.ndarray:
    """Posterior of class ``target`` from a linear discriminant (pooled covariance, priors = training shares)."""
    classes = np.unique(y)
    means = np.stack([X[y == c].mean(0) for c in classes])
    resid = X - means[np.searchsorted(classes, y)]
    cov = resid.T @ resid / max(len(X) - len(classes), 1)
    cov += np.eye(cov.shape[0]) * 1e-6 * np.trace(cov) / cov.shape[0]
    icov = np.linalg.inv(cov)
    priors = np.array([(y == c).mean() for c in classes])
    coef = means @ icov  # (k, f)
    const = -0.5 * np.einsum("kf,kf->k", coef, means) + np.log(priors)
    score = Xall @ coef.T + const
    score -= score.max(1, keepdims=True)
    p = np.exp(score)
    p /= p.sum(1, keepdims=True)
    return p[:, int(np.searchsorted(classes, target))]


def adaptive_water(bands: dict[str, Any], *, px_m: float = 30.0, params: AdaptiveParams = AdaptiveParams()) -> AdaptiveWater:
    """Water of one 2-D scene (numpy reflectance bands ``blue, green, nir, swir1`` and optionally ``red, swir2``).

    px_m: pixel size in metres (sets the shadow search distance). NaN pixels are never water.
    """
    missing = [b for b in REQUIRED if b not in bands]
    if missing:
        raise KeyError(f"adaptive_water needs bands {', '.join(REQUIRED)}; missing {', '.join(missing)}")
    B = {k: np.asarray(bands[k], dtype="float64") for k in BANDS if k in bands}
    shape = B["green"].shape
    if len(shape) != 2:
        raise ValueError(f"adaptive_water needs 2-D bands (a scene), got shape {shape}; use water_rule for samples")
    valid = np.logical_and.reduce([np.isfinite(v) for v in B.values()])
    B = {k: np.where(valid, v, 0.0) for k, v in B.items()}
    g, nir, s1 = B["green"], B["nir"], B["swir1"]
    with np.errstate(divide="ignore", invalid="ignore"):
        nd = np.where(valid, (g - nir) / (g + nir), np.nan)
        md = np.where(valid, (g - s1) / (g + s1), np.nan)
    p = params
    cloud = valid & (B["blue"] > p.cloud_blue_min) & (s1 > p.cloud_swir1_min)
    bright = nir + s1
    max_px = max(3, int(p.max_shadow_m / px_m))
    az = shadow_direction(cloud, bright, max_px=max_px)
    shadow = (matched_shadows(cloud, bright, az, max_px=max_px, min_cloud_px=p.min_cloud_px, max_ratio=p.shadow_max_ratio)
              if az is not None else np.zeros(shape, bool))
    clear = valid & ~cloud
    ref = float(np.median(bright[clear & ~shadow])) if (clear & ~shadow).any() else float("nan")
    seed_water = clear & ~shadow & (nd > p.seed_ndwi_min) & (md > p.seed_mndwi_min)
    seed_shadow = shadow & valid & (bright < p.dark_ratio * ref)
    seed_land = clear & ~shadow & ~seed_water & (nd < p.land_ndwi_max)
    seeds = {"water": int(seed_water.sum()), "shadow": int(seed_shadow.sum()), "land": int(seed_land.sum()),
             "cloud": int(cloud.sum())}

    def fallback(why: str) -> AdaptiveWater:
        from glofwatch.lakes.water import DEFAULT_RULE, water_rule

        w = np.asarray(water_rule({k: B[k] for k in ("green", "nir", "swir1")}, p.rule or DEFAULT_RULE)) & clear & ~shadow
        return AdaptiveWater(w, cloud, shadow, None, "rule", az, seeds, why)

    if seeds["water"] < p.min_water_seeds:
        return fallback(f"{seeds['water']} water seed pixels (< {p.min_water_seeds}): fixed rule minus cloud and shadow")
    rng = np.random.default_rng(p.random_seed)
    X = np.log(np.clip(np.stack([B[k] for k in BANDS if k in B], -1).reshape(-1, len(B)), 1e-3, None))
    idx, lab = [], []
    for code, m in enumerate((seed_shadow, seed_water, seed_land, cloud)):
        flat = np.flatnonzero(m.ravel())
        if flat.size < 2:
            continue
        idx.append(rng.choice(flat, min(p.samples_per_class, flat.size), replace=False))
        lab.append(np.full(idx[-1].size, code))
    if len(idx) < 2:
        return fallback("only one class of training pixels in the scene: fixed rule minus cloud and shadow")
    ii, yy = np.concatenate(idx), np.concatenate(lab)
    post = _lda_posterior(X[ii], yy, X, target=1).reshape(shape)
    post = np.where(valid, post, 0.0)
    return AdaptiveWater(post > p.posterior_min, cloud, shadow, post, "adaptive", az, seeds)


#: codes of :func:`adaptive_classes`
CLEAR, WATER, CLOUD, SHADOW = 0, 1, 2, 3


def _codes_np(*arrays: np.ndarray, names: tuple[str, ...], px_m: float, params: AdaptiveParams) -> np.ndarray:
    r = adaptive_water(dict(zip(names, arrays, strict=True)), px_m=px_m, params=params)
    out = np.full(r.water.shape, CLEAR, dtype="uint8")
    out[r.shadow] = SHADOW
    out[r.cloud] = CLOUD
    out[r.water & ~r.cloud] = WATER
    return out


def adaptive_classes(bands: dict[str, Any], *, px_m: float, params: AdaptiveParams = AdaptiveParams(),
                     block_px: int = 4096) -> Any:
    """:func:`adaptive_water` as one uint8 raster (``CLEAR``, ``WATER``, ``CLOUD``, ``SHADOW``) for numpy,
    xarray or Dask-backed xarray bands. A Dask scene larger than ``block_px`` x ``block_px`` is classified
    block by block (each chunk is its own scene for the training pixels) with an overlap of the shadow
    search distance, so a cloud near a chunk edge still finds its shadow in the next chunk."""
    names = tuple(k for k in BANDS if k in bands)
    arrs = [getattr(bands[k], "data", bands[k]) for k in names]
    first = arrs[0]
    if hasattr(first, "map_overlap") and first.size > block_px * block_px:
        import dask.array as da

        depth = min(max(3, int(params.max_shadow_m / px_m)), min(min(c) for c in first.chunks) - 1)
        arrs = [a.rechunk(first.chunks) for a in arrs]
        return da.map_overlap(_codes_np, *arrs, depth=depth, boundary="none", dtype="uint8", names=names, px_m=px_m,
                              params=params, trim=True)
    if hasattr(first, "compute"):
        import dask

        arrs = list(dask.compute(*arrs))
    return _codes_np(*[np.asarray(a, dtype="float32") for a in arrs], names=names, px_m=px_m, params=params)
