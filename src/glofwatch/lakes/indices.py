"""Spectral indices as pure functions of reflectance arrays (numpy, xarray or dask alike).

- NDWI (McFeeters 1996) = (green - nir) / (green + nir): open water > 0, vegetation < 0.
- MNDWI (Xu 2006) = (green - swir1) / (green + swir1): suppresses built-up land and much shadow.
- NDSI (Dozier 1989) = (green - swir1) / (green + swir1): the same formula as MNDWI. Snow and water
  both score high; they differ in the near infrared (snow is bright there, water is dark), which is
  why :func:`glofwatch.lakes.masks.snow_mask` adds an NIR test.

Inputs are surface or top-of-atmosphere reflectance (0..1). Division by zero gives NaN, never inf.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def normalized_difference(a: Any, b: Any) -> Any:
    """(a - b) / (a + b), NaN where a + b == 0. Works on numpy, xarray and dask arrays."""
    den = a + b
    with np.errstate(divide="ignore", invalid="ignore"):
        out = (a - b) / den
    if isinstance(out, np.ndarray):
        out[~np.isfinite(out)] = np.nan
        return out
    return out.where(np.isfinite(out)) if hasattr(out, "where") else out


def ndwi(green: Any, nir: Any) -> Any:
    """McFeeters NDWI. Sentinel-2: B03, B08; Landsat 8/9: B3, B5; Landsat 5/7: B2, B4."""
    return normalized_difference(green, nir)


def mndwi(green: Any, swir1: Any) -> Any:
    """Xu MNDWI. Sentinel-2: B03, B11; Landsat 8/9: B3, B6; Landsat 5/7: B2, B5."""
    return normalized_difference(green, swir1)


def ndsi(green: Any, swir1: Any) -> Any:
    """Normalised difference snow index (identical formula to MNDWI)."""
    return normalized_difference(green, swir1)
