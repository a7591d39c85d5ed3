"""Which pixels can be trusted to say "water" or "not water": clouds, their shadows, snow and ice,
terrain shadow and slopes too steep to hold a lake. All masks are True where the pixel is *excluded*.

Masks are evidence, not truth, over mountain lakes (s2cloudless#93, python-fmask#11): the mapper
reports the share of each lake window they removed, so an operator sees "area is a lower bound,
38 % of the window was cloud" instead of a lake that silently shrank.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glofwatch.lakes.indices import ndsi

#: Sentinel-2 L2A scene classification (SCL) classes that hide the surface (DESIGN.md §2):
#: 3 cloud shadow, 8 cloud medium probability, 9 cloud high probability, 10 thin cirrus, 11 snow/ice;
#: 0 no data and 1 saturated/defective are invalid too. Class 6 is water, 2 dark/terrain shadow.
SCL_EXCLUDE: tuple[int, ...] = (0, 1, 3, 8, 9, 10, 11)


def scl_mask(scl: Any, exclude: tuple[int, ...] = SCL_EXCLUDE) -> Any:
    """True where the L2A scene classification says cloud, shadow, cirrus, snow or no data."""
    return np.isin(scl, exclude) if isinstance(scl, np.ndarray) else scl.isin(list(exclude))


#: Landsat Collection 2 QA_PIXEL bits that hide the surface: 0 fill, 1 dilated cloud, 2 cirrus,
#: 3 cloud, 4 cloud shadow, 5 snow (USGS Landsat 8-9 C2 L2 Science Product Guide, table 6-3).
QA_PIXEL_EXCLUDE_BITS: tuple[int, ...] = (0, 1, 2, 3, 4, 5)


def qa_pixel_mask(qa: Any, bits: tuple[int, ...] = QA_PIXEL_EXCLUDE_BITS) -> Any:
    """True where the Landsat QA_PIXEL band flags fill, cloud, dilated cloud, cirrus, cloud shadow or snow."""
    m = 0
    for b in bits:
        m |= 1 << b
    return (qa.astype("uint16") & m) != 0


def snow_mask(green: Any, nir: Any, swir1: Any, *, ndsi_min: float = 0.4, nir_min: float = 0.11,
              green_min: float = 0.10) -> Any:
    """Snow and bare ice: NDSI > 0.4 and bright in NIR (> 0.11) and green (> 0.10).

    The NIR and green tests are the classic MODIS/Landsat snow rules (Hall et al. 1995; Dozier 1989):
    without them every lake would be "snow", since water's NDSI is high too. Turbid proglacial water
    can reach NIR 0.1-0.2; a lake window is therefore thresholded *before* this mask removes anything
    (see :func:`glofwatch.lakes.water.map_lake`), and snow only removes pixels the index did not call water.
    """
    return (ndsi(green, swir1) > ndsi_min) & (nir > nir_min) & (green > green_min)


def cloud_mask(blue: Any, swir1: Any, *, blue_min: float = 0.25, swir1_min: float = 0.2) -> Any:
    """Thick cloud without a scene classification: bright in blue (> 0.25) and in SWIR1 (> 0.2).

    A fallback only (thin cloud and cirrus pass); prefer the L2A SCL or a trained cloud mask. Bright
    snow also passes the blue test but is dark in SWIR1, which keeps it out of this mask.
    """
    return (blue > blue_min) & (swir1 > swir1_min)


def slope_deg(dem: np.ndarray, res_x: float, res_y: float | None = None) -> np.ndarray:
    """Slope in degrees from a DEM on a projected grid (cell size in metres). NaN stays NaN."""
    gy, gx = np.gradient(dem.astype("float64"), abs(res_y or res_x), abs(res_x))
    return np.degrees(np.arctan(np.hypot(gx, gy)))


def hillshade(dem: np.ndarray, res_x: float, *, sun_azimuth_deg: float, sun_elevation_deg: float,
              res_y: float | None = None) -> np.ndarray:
    """Illumination 0..1 (cosine of the sun's incidence angle) of each cell; 0 is self-shadow.

    Azimuth clockwise from north, elevation above the horizon: the scene's metadata values
    (Sentinel-2 MEAN_SOLAR_*; Landsat SUN_AZIMUTH/SUN_ELEVATION). Rows run north to south.
    """
    gy, gx = np.gradient(dem.astype("float64"), abs(res_y or res_x), abs(res_x))
    slope = np.arctan(np.hypot(gx, gy))
    aspect = np.arctan2(-gx, gy)  # downslope direction, clockwise from north (rows increase southwards)
    az, zen = np.radians(sun_azimuth_deg), np.radians(90.0 - sun_elevation_deg)
    hs = np.cos(zen) * np.cos(slope) + np.sin(zen) * np.sin(slope) * np.cos(az - aspect)
    return np.clip(hs, 0.0, 1.0)


def terrain_mask(dem: np.ndarray, res_x: float, *, max_slope_deg: float = 12.0, sun_azimuth_deg: float | None = None,
                 sun_elevation_deg: float | None = None, min_illumination: float = 0.15,
                 res_y: float | None = None) -> np.ndarray:
    """Cells that cannot be a lake surface (slope > ``max_slope_deg``) or lie in terrain shadow
    (illumination < ``min_illumination`` when the sun's position is given). Lake surfaces are flat:
    a DEM made when the lake existed reads ~0 degrees there; 12 degrees leaves room for a coarse DEM
    at the shore and still removes the shadowed slopes that NDWI confuses with water."""
    m = slope_deg(dem, res_x, res_y) > max_slope_deg
    if sun_azimuth_deg is not None and sun_elevation_deg is not None:
        m |= hillshade(dem, res_x, sun_azimuth_deg=sun_azimuth_deg, sun_elevation_deg=sun_elevation_deg,
                       res_y=res_y) < min_illumination
    return m
