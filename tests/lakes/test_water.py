from __future__ import annotations

import numpy as np
import pytest
from affine import Affine
from shapely.geometry import Point

from glofwatch.lakes.indices import mndwi, ndwi
from glofwatch.lakes.masks import hillshade, scl_mask, slope_deg, snow_mask
from glofwatch.lakes.water import KnownLake, MapParams, find_water_bodies, iou, map_lake, water_rule
from tests.lakes.conftest import synthetic_lake

T = Affine(20.0, 0, 0, 0, -20.0, 4000.0)  # 200 x 200 px of 20 m, origin (0, 4000)


def test_indices_are_normalised_differences_and_nan_on_zero() -> None:
    g, n = np.array([0.1, 0.0, 0.3]), np.array([0.05, 0.0, 0.1])
    out = ndwi(g, n)
    assert out[0] == pytest.approx(1 / 3) and np.isnan(out[1]) and out[2] == pytest.approx(0.5)
    assert mndwi(np.array([0.2]), np.array([0.2]))[0] == 0


@pytest.mark.parametrize("turbid", [False, True])
def test_known_lake_otsu_window_maps_clear_and_turbid_lakes(turbid: bool) -> None:
    bands, frac, truth = synthetic_lake(turbid=turbid)
    # the last outline is smaller and off-centre: the lake grew since
    lake = KnownLake("l1", Point(100 * 20 + 5 * 20, 4000 - 100 * 20).buffer(15 * 20))
    m = map_lake(lake, bands, T, params=MapParams())
    assert m.status == "mapped", m.note
    mask = np.zeros(truth.shape, bool)
    from rasterio.features import rasterize

    mask = rasterize([m.polygon], out_shape=truth.shape, transform=T).astype(bool)
    assert iou(mask, truth) >= 0.95
    true_area = frac.sum() * 400
    assert abs(m.area_m2 - true_area) <= m.area_err_m2, (m.area_m2, true_area, m.area_err_m2)
    # uncertainty is one pixel around the perimeter
    assert m.area_err_m2 == pytest.approx(m.perimeter_m * 20.0)
    # a fixed threshold that suits the clear lake loses the turbid one: the index of turbid water is low
    if turbid:
        assert (ndwi(bands["green"], bands["nir"]) > 0.3).sum() < 0.2 * truth.sum()


def test_cloud_over_the_lake_makes_it_obscured_not_smaller_silently() -> None:
    bands, _, _ = synthetic_lake()
    cloud = np.zeros((200, 200), bool)
    cloud[:, :100] = True
    lake = KnownLake("l1", Point(2000, 2000).buffer(600))
    m = map_lake(lake, bands, T, exclude=cloud, obscure=cloud)
    assert m.status == "obscured" and 0.4 < m.obscured_fraction < 0.6
    assert "lower bound" in m.note


def test_missing_lake_reported_not_found() -> None:
    bands, _, _ = synthetic_lake()
    lake = KnownLake("far", Point(300, 300).buffer(100))
    m = map_lake(lake, bands, T)
    assert m.status == "not_found"


def test_new_water_bodies_above_a_size_and_away_from_known_lakes() -> None:
    w = np.zeros((100, 100), bool)
    w[10:20, 10:20] = True  # 100 px = 40 000 m2
    w[50:52, 50:52] = True  # 4 px = 1 600 m2: below the size
    w[80:90, 80:90] = True  # in a known window
    known = np.zeros_like(w)
    known[75:95, 75:95] = True
    found = find_water_bodies(w, T, min_area_m2=10_000, known=known)
    assert len(found) == 1 and found[0].area_m2 == pytest.approx(40_000)
    assert found[0].polygon.area == pytest.approx(40_000)


def test_water_rule_rejects_cloud_shadow_that_ndwi_accepts() -> None:
    # a real shadow pixel from the Landsat-5 chip medians: NDWI > 0 but SWIR1 above water's
    shadow = {"green": np.array([0.14]), "nir": np.array([0.13]), "swir1": np.array([0.10])}
    water = {"green": np.array([0.12]), "nir": np.array([0.05]), "swir1": np.array([0.03])}
    assert ndwi(shadow["green"], shadow["nir"])[0] > 0
    assert not water_rule(shadow)[0] and water_rule(water)[0]


def test_masks() -> None:
    assert scl_mask(np.array([3, 4, 6, 8, 9, 10, 11])).tolist() == [True, False, False, True, True, True, True]
    # snow: bright in NIR; water: dark in NIR, though both have a high NDSI
    assert snow_mask(np.array([0.8, 0.1]), np.array([0.7, 0.03]), np.array([0.1, 0.01])).tolist() == [True, False]
    ramp = np.tile(np.arange(50, dtype=float) * 20 * np.tan(np.radians(30)), (50, 1))  # 30 degrees, rising east
    assert np.nanmedian(slope_deg(ramp, 20.0)) == pytest.approx(30, abs=0.1)
    # the slope faces west; a sun in the east at 10 degrees leaves it in shadow, a western sun lights it
    assert np.median(hillshade(ramp, 20.0, sun_azimuth_deg=90, sun_elevation_deg=10)) == 0
    assert np.median(hillshade(ramp, 20.0, sun_azimuth_deg=270, sun_elevation_deg=30)) > 0.8
