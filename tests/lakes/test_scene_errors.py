"""Bad input: a clear message per scene, and the other scenes still processed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from glofwatch.lakes.scene import SceneError, open_scene
from glofwatch.lakes.workflow import map_scenes
from glofwatch.site import load_site
from tests.lakes.conftest import synthetic_lake, write_tif


def _good(tmp_path: Path, name: str = "S2_20250801_good.tif") -> Path:
    bands, _, _ = synthetic_lake(n=120, radius_px=12)
    return write_tif(tmp_path / name, {k: v for k, v in bands.items() if k in ("green", "nir", "swir1", "blue")})


def test_errors_name_the_file_and_the_fix(tmp_path: Path) -> None:
    bands, _, _ = synthetic_lake(n=50)
    with pytest.raises(SceneError, match="missing band green"):
        open_scene(write_tif(tmp_path / "nogreen.tif", {"red": bands["red"], "nir": bands["nir"]}))
    with pytest.raises(SceneError, match="no coordinate reference system"):
        open_scene(write_tif(tmp_path / "nocrs.tif", {"green": bands["green"], "nir": bands["nir"]}, crs=None))
    bad = tmp_path / "corrupt.tif"
    bad.write_bytes(b"II*\x00" + b"\x00" * 100)
    with pytest.raises(SceneError, match="cannot read"):
        open_scene(bad)
    with pytest.raises(SceneError, match="no such file"):
        open_scene(tmp_path / "absent.tif")


def test_a_run_reports_each_bad_scene_and_maps_the_good_ones(tmp_path: Path) -> None:
    site = load_site(None)
    good = _good(tmp_path)
    bands, _, _ = synthetic_lake(n=50)
    nogreen = write_tif(tmp_path / "nogreen.tif", {"red": bands["red"], "nir": bands["nir"]})
    far = write_tif(tmp_path / "far.tif", {"green": bands["green"], "nir": bands["nir"]}, origin=(300_000.0, 5_500_000.0))
    cloudy = write_tif(tmp_path / "cloudy.tif", {k: np.full((120, 120), 0.6, "float32") for k in ("blue", "green", "nir", "swir1")})
    run = map_scenes([nogreen, good, far, cloudy], site=site, lakes=[("cha-x", _lake_at_centre(), "synthetic")])
    by = {r.scene: r for r in run.scenes}
    assert by["nogreen"].status == "failed" and "missing band green" in by["nogreen"].error
    assert by["S2_20250801_good"].status == "ok", by["S2_20250801_good"].summary()
    assert by["S2_20250801_good"].lakes[0].area_m2 > 100_000
    assert by["far"].status == "failed" and "does not overlap" in by["far"].error
    assert by["cloudy"].lakes[0].status == "obscured"
    assert run.failed == 2 and run.ok == 1


def _lake_at_centre():  # the synthetic lake's centre in lon/lat (UTM 43N grid of conftest)
    from pyproj import Transformer
    from shapely.geometry import Point

    x, y = 664_000 + 60 * 20, 4_751_000 - 60 * 20
    lon, lat = Transformer.from_crs("EPSG:32643", "EPSG:4326", always_xy=True).transform(x, y)
    return Point(lon, lat).buffer(0.002)


def test_same_result_on_a_dask_cluster(tmp_path: Path) -> None:
    from distributed import Client, LocalCluster

    site = load_site(None)
    paths = [_good(tmp_path, "S2_20250801_a.tif"), _good(tmp_path, "S2_20250802_b.tif")]
    lakes = [("cha-x", _lake_at_centre(), "synthetic")]
    here = map_scenes(paths, site=site, lakes=lakes)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0") as cl, Client(cl) as c:
        there = map_scenes(paths, site=site, lakes=lakes, client=c)
    assert [s.lakes[0].area_m2 for s in there.scenes] == [s.lakes[0].area_m2 for s in here.scenes]
    assert there.ok == 2


def test_landsat_folder_with_qa_pixel_cloud(tmp_path: Path) -> None:
    """A Landsat 9 C2 L2 folder: DN scaled to reflectance, QA_PIXEL cloud bits hide half the lake."""
    bands, _, _ = synthetic_lake(n=120, radius_px=12)
    folder = tmp_path / "LC09_L2SP_149031_20250815_20250816_02_T1"
    folder.mkdir()
    for b, name in (("green", "SR_B3"), ("nir", "SR_B5"), ("swir1", "SR_B6")):
        dn = ((bands[b] + 0.2) / 2.75e-5).astype("uint16")
        write_tif(folder / f"{folder.name}_{name}.TIF", {name: dn}, dtype="uint16")
    qa = np.full((120, 120), 21824, "uint16")  # clear land/water
    qa[:, :60] |= 1 << 3  # cloud over the western half
    write_tif(folder / f"{folder.name}_QA_PIXEL.TIF", {"QA_PIXEL": qa}, dtype="uint16")
    from glofwatch.lakes.mapper import map_scene

    sc = open_scene(folder)
    assert sc.sensor == "landsat-oli" and sc.date == "2025-08-15"
    assert set(sc.ds.data_vars) == {"green", "nir", "swir1", "qa_pixel"}
    assert float(sc.ds["green"].mean()) == pytest.approx(float(bands["green"].mean()), abs=1e-3)
    m = map_scene(sc, [("x", _lake_at_centre(), "")]).lakes[0]
    assert m.status == "obscured" and 0.3 < m.obscured_fraction < 0.7


def test_geographic_scene_is_reprojected_with_a_note(tmp_path: Path) -> None:
    bands, _, _ = synthetic_lake(n=60, radius_px=8)
    p = write_tif(tmp_path / "ll.tif", {k: bands[k] for k in ("green", "nir")}, crs="EPSG:4326", px=0.0002,
                  origin=(77.0, 42.9))
    sc = open_scene(p)
    assert sc.ds.rio.crs.is_projected and "reprojected" in sc.notes[0]


def test_scene_tasks_use_the_worker_threads_not_every_core() -> None:
    """On a cluster a scene's chunks run on the worker's own threads (no oversubscription of a shared host)."""
    from distributed import Client, LocalCluster

    from glofwatch.lakes.workflow import worker_threads

    assert worker_threads() is None  # outside a worker: Dask's default (one thread per core)
    with LocalCluster(n_workers=1, threads_per_worker=3, processes=False, dashboard_address=":0") as cl, Client(cl) as c:
        assert c.submit(worker_threads, pure=False).result() == 3
