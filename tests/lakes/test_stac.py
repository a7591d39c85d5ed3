"""Scenes as STAC items: the same lakes as the same bands given as files, and a broken item is one failed scene."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pystac
import pytest
from typer.testing import CliRunner

from glofwatch.lakes.stac import StacScene, open_stac_scene, parse_bbox, read_stac, search_api
from glofwatch.lakes.workflow import map_scenes
from tests.lakes.conftest import synthetic_lake, write_tif
from tests.lakes.test_scene_errors import _lake_at_centre

LAKES = [("cha-x", _lake_at_centre(), "synthetic")]
BBOX = [76.99, 42.86, 77.07, 42.91]  # lon/lat around the conftest grid


def _item(item_id: str, assets: dict[str, dict[str, Any]], *, when: str = "2025-08-01", platform: str = "sentinel-2a",
          href_dir: Path | None = None) -> pystac.Item:
    it = pystac.Item(id=item_id, geometry={"type": "Polygon", "coordinates": [[[BBOX[0], BBOX[1]], [BBOX[2], BBOX[1]],
                     [BBOX[2], BBOX[3]], [BBOX[0], BBOX[3]], [BBOX[0], BBOX[1]]]]}, bbox=BBOX,
                     datetime=datetime.fromisoformat(when).replace(tzinfo=UTC), properties={"platform": platform})
    for key, a in assets.items():
        extra = {k: v for k, v in a.items() if k != "href"}
        it.add_asset(key, pystac.Asset(href=a["href"], media_type=pystac.MediaType.COG, roles=["data"], extra_fields=extra))
    return it


def _save(item: pystac.Item, path: Path) -> Path:
    path.write_text(json.dumps(item.to_dict(include_self_link=False, transform_hrefs=False)))
    return path


def _band_files(tmp_path: Path, seed: int = 0) -> tuple[dict[str, np.ndarray], dict[str, Path]]:
    bands, _, _ = synthetic_lake(n=120, radius_px=12, seed=seed)
    files = {b: write_tif(tmp_path / f"band_{b}_{seed}.tif", {b: bands[b]}) for b in ("green", "nir", "swir1")}
    return bands, files


def _areas(run: Any) -> list[float]:
    return [m.area_m2 for s in run.scenes for m in s.lakes]


def test_item_with_common_names_maps_like_the_multiband_file(tmp_path: Path) -> None:
    bands, files = _band_files(tmp_path)
    direct = write_tif(tmp_path / "S2_20250801_direct.tif", {b: bands[b] for b in ("green", "nir", "swir1")})
    # Earth Search naming (green/nir/swir16) with eo:bands common names; relative hrefs next to the item.
    item = _item("S2A_43TFH_20250801_0_L2A", {
        "green": {"href": files["green"].name, "eo:bands": [{"name": "B03", "common_name": "green"}]},
        "nir": {"href": files["nir"].name, "eo:bands": [{"name": "B08", "common_name": "nir"}]},
        "swir16": {"href": files["swir1"].name, "eo:bands": [{"name": "B11", "common_name": "swir16"}]},
        "thumbnail": {"href": "thumb.png"}})
    item_json = _save(item, tmp_path / "item.json")
    via_stac = map_scenes([item_json], lakes=LAKES)
    via_file = map_scenes([direct], lakes=LAKES)
    assert via_stac.ok == 1, via_stac.scenes[0].summary()
    sc = via_stac.scenes[0]
    assert sc.scene == "S2A_43TFH_20250801_0_L2A" and sc.date == "2025-08-01"
    assert _areas(via_stac) == _areas(via_file) and _areas(via_stac)[0] > 100_000
    assert [b.area_m2 for b in sc.new_bodies] == [b.area_m2 for b in via_file.scenes[0].new_bodies]


def test_sentinel2_keys_with_raster_scale_and_landsat_c2_keys(tmp_path: Path) -> None:
    """Asset keys without eo:bands (B03/B08/B11/SCL; Landsat green/nir08/swir16/qa_pixel), DN scaled by raster:bands."""
    bands, _, _ = synthetic_lake(n=120, radius_px=12)
    direct = write_tif(tmp_path / "S2_20250801_direct.tif", {b: bands[b] for b in ("green", "nir", "swir1")})
    s2, ls = {}, {}
    for b, key in (("green", "B03"), ("nir", "B08"), ("swir1", "B11")):
        dn = np.round((bands[b] + 0.1) / 1e-4).astype("uint16")  # baseline 04.00: reflectance + 0.1
        s2[key] = {"href": str(write_tif(tmp_path / f"s2_{key}.tif", {key: dn}, dtype="uint16")),
                   "raster:bands": [{"scale": 1e-4, "offset": -0.1, "nodata": 0}]}
    s2["SCL"] = {"href": str(write_tif(tmp_path / "s2_SCL.tif", {"SCL": np.full((120, 120), 6, "uint8")}, dtype="uint8"))}
    for b, key in (("green", "green"), ("nir", "nir08"), ("swir1", "swir16")):
        dn = np.round((bands[b] + 0.2) / 2.75e-5).astype("uint16")
        ls[key] = {"href": str(write_tif(tmp_path / f"ls_{key}.tif", {key: dn}, dtype="uint16"))}  # no scale: C2 default
    ls["qa_pixel"] = {"href": str(write_tif(tmp_path / "ls_qa.tif", {"qa": np.full((120, 120), 21824, "uint16")}, dtype="uint16"))}
    p1 = _save(_item("s2-item", s2), tmp_path / "s2.json")
    p2 = _save(_item("LC09_L2SP_149031_20250815_02_T1", ls, when="2025-08-15", platform="landsat-9"), tmp_path / "ls.json")
    scenes = read_stac(p1) + read_stac(p2)
    assert set(scenes[0].bands) == {"green", "nir", "swir1", "scl"} and scenes[1].sensor == "landsat-oli"
    assert set(scenes[1].bands) == {"green", "nir", "swir1", "qa_pixel"}
    ds = open_stac_scene(scenes[0]).ds
    assert float(ds["green"].mean()) == pytest.approx(float(bands["green"].mean()), abs=1e-4)
    ref = _areas(map_scenes([direct], lakes=LAKES))[0]
    run = map_scenes([p1, p2], lakes=LAKES)
    assert run.ok == 2, [s.summary() for s in run.scenes]
    for a in _areas(run):
        assert a == pytest.approx(ref, rel=0.02)  # DN rounding may move a shore pixel


def test_catalog_filtered_by_bbox_and_datetime_and_broken_items_reported(tmp_path: Path) -> None:
    _, files = _band_files(tmp_path)
    good = {"green": {"href": str(files["green"])}, "nir": {"href": str(files["nir"])}}
    cat = pystac.Catalog(id="local", description="test scenes")
    cat.add_item(_item("aug", good, when="2025-08-01"))
    cat.add_item(_item("sep", good, when="2025-09-01"))
    cat.add_item(_item("no-green", {"nir": good["nir"], "red": {"href": str(files["swir1"])}}, when="2025-08-05"))
    cat.add_item(_item("gone", {**good, "nir": {"href": str(tmp_path / "deleted" / "B08.tif")}}, when="2025-08-06"))
    cat.normalize_hrefs(str(tmp_path / "catalog"))
    cat.save(catalog_type=pystac.CatalogType.SELF_CONTAINED)
    catalog = tmp_path / "catalog" / "catalog.json"
    run = map_scenes([catalog], lakes=LAKES, datetime_range="2025-08-01/2025-08-31", bbox=(76.0, 42.0, 78.0, 43.5))
    by = {s.scene: s for s in run.scenes}
    assert set(by) == {"aug", "no-green", "gone"}  # sep is outside the time window
    assert by["aug"].status == "ok"
    assert by["no-green"].status == "failed" and "STAC item no-green" in by["no-green"].error
    assert "missing asset for band green" in by["no-green"].error
    assert by["gone"].status == "failed" and "asset 'nir'" in by["gone"].error and "deleted" in by["gone"].error
    assert read_stac(catalog, bbox=(10.0, 40.0, 11.0, 41.0)) == []  # elsewhere
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=1, processes=False, dashboard_address=":0") as cl, Client(cl) as c:
        there = map_scenes([catalog], lakes=LAKES, client=c, datetime_range="2025-08-01/2025-08-31")
    assert {s.scene: s.status for s in there.scenes} == {s.scene: s.status for s in run.scenes}
    assert _areas(there) == _areas(run)


def test_sentinel2_baseline_04_offset_without_raster_scale(tmp_path: Path) -> None:
    bands, _, _ = synthetic_lake(n=60, radius_px=8)
    assets = {key: {"href": str(write_tif(tmp_path / f"{key}.tif", {key: np.round(bands[b] / 1e-4 + 1000).astype("uint16")},
                                          dtype="uint16"))} for b, key in (("green", "B03"), ("nir", "B08"))}
    item = _item("S2B_MSIL2A_20250801", assets)
    item.properties["s2:processing_baseline"] = "05.11"
    sc = read_stac(_save(item, tmp_path / "i.json"))[0]
    assert sc.s2_offset == -1000.0
    assert float(open_stac_scene(sc).ds["green"].mean()) == pytest.approx(float(bands["green"].mean()), abs=1e-4)


def test_cli_maps_an_item_collection_and_a_bad_stac_file(tmp_path: Path) -> None:
    from glofwatch.cli import app

    _, files = _band_files(tmp_path)
    good = {"green": {"href": files["green"].name}, "nir": {"href": files["nir"].name}}
    ic = pystac.ItemCollection([_item("a", good), _item("b", {"nir": good["nir"]}, when="2025-08-02")])
    (tmp_path / "items.json").write_text(json.dumps(ic.to_dict(transform_hrefs=False)))
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"type": "Feature", "stac_version": "1.0.0", "id": "x"}))  # no geometry, assets...
    r = CliRunner().invoke(app, ["lakes", "map", str(tmp_path / "items.json"), str(bad), "--json"])
    assert r.exit_code == 1, r.output
    rep = json.loads(r.output.strip().splitlines()[-1])
    st = {s["scene"]: s for s in rep["scenes"]}
    assert st["a"]["status"] != "failed" and "missing asset for band green" in st["b"]["error"]
    assert st["bad"]["status"] == "failed" and "not a readable STAC" in st["bad"]["error"]


def test_remote_catalog_unreachable_is_a_clear_error(tmp_path: Path) -> None:
    from glofwatch.cli import app
    from glofwatch.lakes.scene import SceneError

    with pytest.raises(SceneError, match="not reachable"):
        search_api("http://127.0.0.1:9/stac", bbox=(76.9, 42.8, 77.2, 42.95), datetime_range="2025-08")
    r = CliRunner().invoke(app, ["lakes", "map", "--stac-url", "http://127.0.0.1:9/stac", "--bbox", "76.9,42.8,77.2,42.95",
                                 "--datetime", "2025-08-01/2025-08-31"])
    assert r.exit_code == 2 and "not reachable" in r.output
    with pytest.raises(SceneError, match="west,south,east,north"):
        parse_bbox("1,2,3")


def test_stac_scene_is_plain_data_for_the_cluster() -> None:
    import pickle

    sc = StacScene(id="i", source="s", bands={"green": ("B03", "/x.tif", 1e-4, -0.1)})
    assert pickle.loads(pickle.dumps(sc)) == sc


def test_real_chips_map_the_same_through_stac(tmp_path: Path) -> None:
    """Real data: the lake-free Sentinel-2 scene and the labelled UKIS Sentinel-2 chip (water present), split into
    one file per band behind a STAC item, give the same bands and the same water bodies as the stacked file."""
    import rasterio

    from glofwatch.lakes.scene import open_scene
    from tests.conftest import shared_data

    src = shared_data("imagery", "xrspatial_sentinel2_6band_utm19s.tif")
    names = ("blue", "green", "red", "nir", "swir16", "swir22")
    assets = {}
    with rasterio.open(src) as d:
        prof = {**d.profile, "count": 1, "blockysize": d.height}
        for i, n in enumerate(names, start=1):
            with rasterio.open(tmp_path / f"xr_{n}.tif", "w", **prof) as o:
                o.write(d.read(i), 1)
            assets[n] = {"href": f"xr_{n}.tif", "eo:bands": [{"common_name": n}]}
    lake_free = _save(_item("S2B_19HCC_20200101_0_L2A", assets), tmp_path / "lake_free.json")
    z = np.load(shared_data("imagery", "ukis_csmask_sentinel2_512x512x6_with_water_mask.npz"))
    chip = {n: z["img"][..., i].astype("float32") for i, n in enumerate(("blue", "green", "red", "nir", "swir1", "swir2"))}
    stacked = write_tif(tmp_path / "ukis_s2.tif", chip)
    keys = {"blue": "B02", "green": "B03", "red": "B04", "nir": "B08", "swir1": "B11", "swir2": "B12"}
    chip_item = _save(_item("ukis-s2-chip", {keys[b]: {"href": str(write_tif(tmp_path / f"ukis_{keys[b]}.tif", {b: a}))}
                                             for b, a in chip.items()}), tmp_path / "chip.json")
    direct, via = map_scenes([src, stacked], lakes=[]), map_scenes([lake_free, chip_item], lakes=[])
    assert via.failed == 0, [s.summary() for s in via.scenes]
    assert via.scenes[0].new_bodies == [] == direct.scenes[0].new_bodies  # no water on the lake-free scene
    bodies = [sorted(round(b.area_m2) for b in r.scenes[1].new_bodies) for r in (direct, via)]
    assert bodies[0] == bodies[1] and bodies[0], bodies  # the chip's water, identical both ways
    a = open_scene(src).ds
    b = open_stac_scene(read_stac(lake_free)[0]).ds
    for band, other in (("green", "green"), ("nir", "nir"), ("swir1", "swir1")):
        np.testing.assert_array_equal(a[band].values, b[other].values)
