"""The mapper on real labelled data (../shared/data/imagery, lakes, dem). Numbers in BENCHMARKS.md."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import rioxarray
from rasterio.features import rasterize
from shapely.geometry import shape

from glofwatch.lakes.indices import ndwi
from glofwatch.lakes.mapper import map_scene
from glofwatch.lakes.scene import open_scene
from glofwatch.lakes.water import iou, water_rule
from tests.conftest import shared_data


def test_landsat8_labelled_samples_accuracy_at_least_97_percent() -> None:
    df = pd.read_csv(shared_data("imagery", "spyndex_landsat8_spectral_samples.csv"))
    pred = water_rule({"green": df.SR_B3.to_numpy(), "nir": df.SR_B5.to_numpy(), "swir1": df.SR_B6.to_numpy()})
    acc = float((pred == (df["class"] == "Water").to_numpy()).mean())
    assert acc >= 0.97, f"accuracy {acc:.3f} < 0.97 on the labelled Landsat-8 samples"


def test_lake_free_sentinel2_scene_has_no_water_body() -> None:
    sm = map_scene(open_scene(shared_data("imagery", "xrspatial_sentinel2_6band_utm19s.tif")), [])
    assert sm.new_bodies == [], [b.area_m2 for b in sm.new_bodies]


def test_rule_beats_plain_ndwi_on_the_sentinel2_chip() -> None:
    z = np.load(shared_data("imagery", "ukis_csmask_sentinel2_512x512x6_with_water_mask.npz"))
    b = {k: z["img"][..., i] for i, k in enumerate(("blue", "green", "red", "nir", "swir1", "swir2"))}
    w = z["msk"][..., 0] == 1
    base, ours = iou(ndwi(b["green"], b["nir"]) > 0, w), iou(water_rule(b), w)
    assert ours > base + 0.1, f"rule IoU {ours:.3f} vs NDWI>0 {base:.3f}"


def test_iceland_1991_lakes_from_1985_outlines_reach_iou_07() -> None:
    scene = open_scene(shared_data("imagery", "landsat5_ndwi_1991_breidamerkurjokull_iceland.tif"))
    fc = json.loads(shared_data("lakes", "breidamerkurjokull_iceland_glacial_lakes_1985_2025_utm27n.geojson").read_text())
    prior = [(f"l{i}", shape(f["geometry"]), "") for i, f in enumerate(fc["features"]) if f["properties"]["year"] == 1985]
    ref_polys = [shape(f["geometry"]) for f in fc["features"] if f["properties"]["year"] == 1991]
    dem = rioxarray.open_rasterio(shared_data("dem", "arcticdem_v4_30m_breidamerkurjokull_iceland.tif")).squeeze("band", drop=True)
    sm = map_scene(scene, prior, lakes_crs="EPSG:32627", dem=dem, discover=False)
    T, shp = scene.ds.rio.transform(), (scene.ds.sizes["y"], scene.ds.sizes["x"])
    ref = rasterize(ref_polys, out_shape=shp, transform=T).astype(bool)
    pred = rasterize([m.polygon for m in sm.lakes if m.polygon is not None], out_shape=shp, transform=T).astype(bool)
    base = np.asarray(scene.ds["ndwi"].values) > 0.3
    assert iou(pred, ref) >= 0.7 and iou(base, ref) < 0.2, (iou(pred, ref), iou(base, ref))
