"""A simple inundation footprint: cells whose height above the nearest cell of the flood path is below the flow depth.

Flow depth comes from the peak discharge with Manning's equation for a wide rectangular channel,
h = (Q n / (B sqrt(S)))^(3/5), with the channel's local slope S from the DEM. It is a screening
footprint (no routing, no attenuation, no debris bulking), meant to list who to warn first; replace it
with a hydraulic model's result where one exists.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from glofwatch.terrain.dem import Dem
from glofwatch.terrain.flowpaths import FlowPath


@dataclass(frozen=True)
class Channel:
    """Channel assumptions of the depth estimate (declared, so a site can replace them).

    width_m: active channel width; manning_n: roughness (0.05-0.1 for boulder channels and debris-laden
    flows; Chow 1959); min_slope: floor for the gradient on flats.
    """

    width_m: float = 30.0
    manning_n: float = 0.07
    min_slope: float = 0.005


def normal_depth(q_m3s: float, slope: float, channel: Channel = Channel()) -> float:
    """Manning normal depth (m) of a wide rectangular channel for discharge ``q_m3s``."""
    s = max(slope, channel.min_slope)
    return float((q_m3s * channel.manning_n / (channel.width_m * np.sqrt(s))) ** 0.6)


def height_above_path(dem: Dem, path: FlowPath, *, max_distance_m: float = 1000.0) -> tuple[np.ndarray, np.ndarray]:
    """Height of each cell above the *nearest* (in plan) cell of the flood path, and that cell's position on the path.

    Why not D8 HAND (``pyflwdir.FlwdirRaster.hand``): HAND measures the drop to the drain cell a cell
    flows *into*, which in a steep valley lies far downstream, so the valley floor beside a channel with
    a 5 % gradient reads several metres "above" it and no flood ever spreads. Height above the nearest
    path cell is what a cross-section through the valley shows. NaN beyond ``max_distance_m``.
    """
    from scipy import ndimage as ndi

    on = np.zeros(dem.shape, bool)
    cells = path.idx[path.outlet_i:]
    on.ravel()[cells] = True
    py, px = _cell_size_m(dem)
    dist, (ri, ci) = ndi.distance_transform_edt(~on, sampling=(py, px), return_indices=True)
    near = ri * dem.shape[1] + ci
    z_near = dem.elevation.ravel()[near.ravel()].reshape(dem.shape)
    h = dem.elevation - z_near
    h[dist > max_distance_m] = np.nan
    pos = np.full(dem.elevation.size, -1, dtype=np.int64)
    pos[cells] = np.arange(path.outlet_i, path.outlet_i + len(cells))
    return h, pos[near.ravel()].reshape(dem.shape)


def _cell_size_m(dem: Dem) -> tuple[float, float]:
    T = dem.transform
    if not dem.latlon:
        return abs(T.e), abs(T.a)
    lat = T.f + T.e * dem.shape[0] / 2
    return abs(T.e) * 111_320.0, abs(T.a) * 111_320.0 * float(np.cos(np.radians(lat)))


def footprint(dem: Dem, path: FlowPath, q_m3s: float, *, channel: Channel = Channel(),
              reach_m: float = 1000.0, max_distance_m: float = 1000.0) -> tuple[np.ndarray, np.ndarray]:
    """Boolean footprint, and the flow depth (m) at each path position (NaN inside the lake).

    The depth varies along the path with the local gradient (mean over ``reach_m``); a cell is flooded when
    its height above the nearest path cell is below that cell's depth.
    """
    ch = path.chainage_m
    depth = np.array([normal_depth(q_m3s, path.mean_slope(c - reach_m / 2, c + reach_m / 2), channel) if c >= 0 else np.nan
                      for c in ch])
    h, pos = height_above_path(dem, path, max_distance_m=max_distance_m)
    d = np.where(pos >= 0, depth[np.clip(pos, 0, None)], np.nan)
    fp = np.isfinite(h) & (h <= d)
    fp.ravel()[path.idx[path.outlet_i:]] = True
    return fp, depth
