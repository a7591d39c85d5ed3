from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
import rasterio
from shapely.geometry import Polygon
from typer.testing import CliRunner

from glofwatch.cli import app
from glofwatch.site import load_site
from glofwatch.site.load import demo_site_path
from glofwatch.terrain.arrival import WaveSpeed, arrivals
from glofwatch.terrain.dem import DemError, read_dem
from glofwatch.terrain.flowpaths import downstream_path, flow_directions, trace, zone_chainage
from glofwatch.terrain.inundation import Channel, footprint, normal_depth
from tests.conftest import shared_data


def test_valley_path_reaches_the_zones_in_order(valley_tif: Path) -> None:
    site = load_site(None)
    dem = read_dem(valley_tif)
    flw = flow_directions(dem)
    lk = site.lake_by_id["cha-1"]
    p = trace(dem, flw, "cha-1", *lk.location, lake_radius_m=143)
    assert np.all(np.diff(p.z) <= 1e-3), "a D8 path never climbs on a depression-free DEM"
    zc = zone_chainage(p, {z.id: Polygon(z.polygon) for z in site.zones}, dem_latlon=True)
    assert list(zc) == ["cha-upper", "cha-town", "cha-shore"]
    assert 15 < zc["cha-upper"] < 25 and "cak-grig" not in zc
    a = arrivals(zc, WaveSpeed())
    assert a[0].eta_min_early == pytest.approx(zc["cha-upper"] * 1000 / 10 / 60)
    assert a[0].eta_min_early < a[0].eta_min < a[0].eta_min_late


def test_footprint_grows_with_discharge_and_lists_households(valley_tif: Path) -> None:
    site = load_site(None)
    dem = read_dem(valley_tif)
    flw = flow_directions(dem)
    p = trace(dem, flw, "cha-1", *site.lake_by_id["cha-1"].location, lake_radius_m=143)
    small, _ = footprint(dem, p, 50.0)
    big, depth = footprint(dem, p, 5000.0)
    assert big.sum() > small.sum() and (small & ~big).sum() == 0
    from glofwatch.terrain.exposure import households_in

    inside = households_in(big, dem, site.households)
    assert inside and all(h.zone.startswith("cha") for h in inside)
    # Manning, wide channel: h = (Q n / (B sqrt S))^0.6
    assert normal_depth(1000, 0.04, Channel(width_m=30, manning_n=0.07)) == pytest.approx((1000 * 0.07 / (30 * 0.2)) ** 0.6)


def test_terrain_paths_command_writes_flow_paths_and_keeps_comments(valley_tif: Path, tmp_path: Path) -> None:
    site_dir = tmp_path / "site"
    site_dir.mkdir()
    shutil.copyfile(demo_site_path(), site_dir / "site.yaml")
    shutil.copyfile(demo_site_path().parent / "households.csv", site_dir / "households.csv")
    r = CliRunner().invoke(app, ["terrain", "paths", "--dem", str(valley_tif), "--site", str(site_dir), "--json"])
    assert r.exit_code == 0, r.output
    text = (site_dir / "site.yaml").read_text()
    assert "# Reference site" in text and "# flow_paths from valley.tif" in text
    s2 = load_site(site_dir)
    fp = s2.flow_path("cha-1")
    assert fp is not None and fp.zones["cha-upper"] == pytest.approx(19.5, abs=1.5)
    assert s2.flow_path("cak-1").zones == {"cak-grig": 24.0}  # outside the DEM: kept as it was
    assert "outside the DEM" in r.output


def test_dem_errors(tmp_path: Path) -> None:
    with pytest.raises(DemError, match="no such DEM"):
        read_dem(tmp_path / "none.tif")
    p = tmp_path / "nocrs.tif"
    with rasterio.open(p, "w", driver="GTiff", height=4, width=4, count=1, dtype="float32") as d:
        d.write(np.ones((4, 4), "float32"), 1)
    with pytest.raises(DemError, match="coordinate reference system"):
        read_dem(p)


def test_rhine_reference_d8_drains_everything_to_one_outlet() -> None:
    """The published D8 grid: every valid cell's path ends at the single outlet (code 0), as pyflwdir reads it."""
    import pyflwdir

    with rasterio.open(shared_data("dem", "pyflwdir_rhine_d8_30arcsec.tif")) as src:
        d8 = src.read(1)
    flw = pyflwdir.from_array(d8, ftype="d8", check_ftype=True)
    assert flw.idxs_pit.size == 1
    start = int(np.flatnonzero(d8.ravel() != 247)[0])
    path = downstream_path(flw, start)
    assert path[-1] == flw.idxs_pit[0]


def test_jokulsarlon_drains_to_the_sea_across_its_flat_lake_surface() -> None:
    """A real glacial-lake DEM (ArcticDEM 30 m): lake surfaces are flats, not pits; the path crosses the
    lake, reaches the sea a short way below the outlet and leaves the grid."""
    import json

    from shapely.geometry import shape

    fc = json.loads(shared_data("lakes", "breidamerkurjokull_iceland_glacial_lakes_1985_2025_utm27n.geojson").read_text())
    lake = max((shape(f["geometry"]) for f in fc["features"] if f["properties"]["year"] == 2025), key=lambda g: g.area)
    dem = read_dem(shared_data("dem", "arcticdem_v4_30m_breidamerkurjokull_iceland.tif"))
    flw = flow_directions(dem)
    from pyproj import Transformer

    c = lake.representative_point()
    lon, lat = Transformer.from_crs("EPSG:32627", "EPSG:4326", always_xy=True).transform(c.x, c.y)
    p = trace(dem, flw, "jokulsarlon", lon, lat, lake_outline=lake)
    r, col = np.unravel_index(p.idx[-1], dem.shape)
    assert r in (0, dem.shape[0] - 1) or col in (0, dem.shape[1] - 1), "the path must leave the grid (the sea)"
    assert p.outlet_i > 0  # it started inside the lake and left it
    # the outlet river is ~1.5 km long: within 5 km of the outlet the path is at sea level (the DEM's minimum)
    sea = np.nanmin(dem.elevation) + 3.0
    reached = p.chainage_m[(p.chainage_m > 0) & (p.z <= sea)]
    assert reached.size and reached[0] < 5_000, reached[:3]
