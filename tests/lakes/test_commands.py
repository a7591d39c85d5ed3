from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from glofwatch.cli import app
from tests.lakes.conftest import synthetic_lake, write_tif
from tests.lakes.test_scene_errors import _lake_at_centre


def _outlines(tmp_path: Path) -> Path:
    from shapely.geometry import mapping

    p = tmp_path / "known.geojson"
    p.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"id": "cha-1"}, "geometry": mapping(_lake_at_centre())}]}))
    return p


def test_map_save_history_and_plot(tmp_path: Path) -> None:
    db = str(tmp_path / "g.sqlite")
    known = _outlines(tmp_path)
    scenes = []
    for year, r in ((2019, 10), (2021, 12), (2023, 14), (2025, 16)):
        bands, _, _ = synthetic_lake(n=120, radius_px=r, seed=year)
        scenes.append(write_tif(tmp_path / f"S2_{year}0801_t.tif", {k: bands[k] for k in ("blue", "green", "nir", "swir1")}))
    bad = tmp_path / "S2_20240801_broken.tif"
    bad.write_bytes(b"not a tiff")
    out = tmp_path / "lakes.geojson"
    r = CliRunner().invoke(app, ["lakes", "map", *map(str, scenes), str(bad), "--lakes", str(known), "--out", str(out),
                                 "--database", db, "--save", "--json"])
    assert r.exit_code == 1, r.output  # one scene failed; the four others are mapped and saved
    rep = json.loads(r.stdout.strip().splitlines()[-1])  # stdout only: warnings go to stderr
    assert rep["ok"] == 4 and rep["failed"] == 1
    fc = json.loads(out.read_text())
    assert sum(f["properties"]["kind"] == "lake" for f in fc["features"]) == 4
    from shapely.geometry import shape

    lon, lat = shape(fc["features"][0]["geometry"]).centroid.coords[0]
    assert 76 < lon < 78 and 42 < lat < 43  # RFC 7946 lon/lat
    r = CliRunner().invoke(app, ["lakes", "history", "--database", db, "--plot", str(tmp_path / "png"), "--json"])
    assert r.exit_code == 0, r.output
    rows = json.loads(r.output)
    assert rows[0]["decision"]["level"] == "watch" and rows[0]["decision"]["hazard"] == "glof"
    assert rows[0]["decision"]["zones"] == ["cha-upper", "cha-town", "cha-shore"]
    assert (tmp_path / "png" / "cha-1.png").stat().st_size > 1000
    for _ in range(2):  # stored once for warnings, however often the history is looked at
        r = CliRunner().invoke(app, ["lakes", "history", "--database", db, "--decide"])
        assert r.exit_code == 0, r.output
    from glofwatch.detection.store import decisions_since
    from glofwatch.store import open_store

    stored = decisions_since(open_store(db), "issyk-kul-demo")
    assert [d.decision.level for d in stored] == ["watch"]


def test_hazard_command() -> None:
    r = CliRunner().invoke(app, ["lakes", "hazard", "--json"])
    assert r.exit_code == 0, r.output
    rows = {x["lake"]: x for x in json.loads(r.output)}
    assert rows["cha-2"]["dam"] == "ice" and "clague_mathews1973" in rows["cha-2"]["formulas_m3s"]


def test_map_command_on_the_iceland_rasters_with_last_years_outlines(tmp_path: Path) -> None:
    from tests.conftest import shared_data

    outlines = shared_data("lakes", "breidamerkurjokull_iceland_glacial_lakes_1985_2025_utm27n.geojson")
    r = CliRunner().invoke(app, ["lakes", "map", str(shared_data("imagery", "landsat5_ndwi_1991_breidamerkurjokull_iceland.tif")),
                                 "--lakes", str(outlines), "--year", "1990", "--date", "1991-08-01", "--json",
                                 "--dem", str(shared_data("dem", "arcticdem_v4_30m_breidamerkurjokull_iceland.tif"))])
    assert r.exit_code == 0, r.output
    rep = json.loads(r.output.strip().splitlines()[-1])
    areas = sorted(m["area_m2"] for m in rep["scenes"][0]["lakes"])
    ref = sorted(f["properties"]["area_m2"] for f in json.loads(outlines.read_text())["features"] if f["properties"]["year"] == 1991)
    assert abs(areas[-1] - ref[-1]) / ref[-1] < 0.05 and abs(areas[-2] - ref[-2]) / ref[-2] < 0.05, (areas, ref)


def test_discovery_choice_is_checked(tmp_path: Path) -> None:
    bands, _, _ = synthetic_lake(n=60, radius_px=8, seed=1)
    scene = write_tif(tmp_path / "S2_20250801_t.tif", {k: bands[k] for k in ("blue", "green", "nir", "swir1")})
    r = CliRunner().invoke(app, ["lakes", "map", str(scene), "--discovery", "magic", "--json"])
    assert r.exit_code != 0 and "--discovery 'magic'" in r.output and "'adaptive' or 'rule'" in r.output
    r = CliRunner().invoke(app, ["lakes", "map", str(scene), "--discovery", "rule", "--json"])
    rep = json.loads(r.stdout.strip().splitlines()[-1])
    assert len(rep["scenes"]) == 1 and "--discovery" not in r.output
