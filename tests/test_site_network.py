"""A copy of a site with a station added (``glofwatch.site.network``): a level station at a lake nobody watches, or a
geophone or gauge on a flow path; the network study's site, and its refusals."""

from __future__ import annotations

import pytest

from glofwatch.detection.sources import Topology
from glofwatch.errors import SiteError
from glofwatch.site import load_site
from glofwatch.site.network import with_lake_station, with_path_station


def test_the_copy_has_the_station_and_everything_else(tmp_path) -> None:  # type: ignore[no-untyped-def]
    folder, station = with_lake_station(None, "cha-2", tmp_path / "site")
    assert station == "lake-cha-2"
    site, before = load_site(folder), load_site(None)
    added = site.station_by_id[station]
    assert added.kind == "lake" and added.lake == "cha-2"
    assert {s.id for s in added.sensors} == {"water_level", "battery"}
    assert added.location == next(x.location for x in site.lakes if x.id == "cha-2")
    assert {s.id for s in site.stations} - {s.id for s in before.stations} == {station}
    assert len(site.households) == len(before.households) > 0  # the households file came along


def test_a_lake_already_watched_or_unknown_is_refused_by_name(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SiteError, match="lake 'cha-1' already has a level station \\(lake-cha-1\\)"):
        with_lake_station(None, "cha-1", tmp_path / "a")
    with pytest.raises(SiteError, match="no lake 'cha-9'; pick one of cak-1, cha-1, cha-2"):
        with_lake_station(None, "cha-9", tmp_path / "b")
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()  # nothing half-written


def test_a_folder_that_is_not_a_site_copy_is_not_overwritten(tmp_path) -> None:  # type: ignore[no-untyped-def]
    keep = tmp_path / "mine"
    keep.mkdir()
    (keep / "notes.txt").write_text("field notes")
    with pytest.raises(SiteError, match="exists and is not a site folder"):
        with_lake_station(None, "cha-2", keep)
    assert (keep / "notes.txt").read_text() == "field notes"
    folder, _ = with_lake_station(None, "cha-2", tmp_path / "copy")
    assert with_lake_station(None, "cha-2", folder)[0] == folder  # an earlier copy is replaced


def test_a_geophone_on_a_flow_path_is_a_downstream_station_of_that_lake_and_its_valley(tmp_path) -> None:  # type: ignore[no-untyped-def]
    folder, station = with_path_station(None, "geophone", "cak-1", 10, tmp_path / "site")
    assert station == "geo-cak-1-10km"
    site, before = load_site(folder), load_site(None)
    added = site.station_by_id[station]
    assert added.kind == "geophone" and added.flow_path is not None and added.flow_path.chainage_km == 10.0
    like = next(s for s in before.stations if s.kind == "geophone")
    assert [(s.id, s.interval_s, s.valid) for s in added.sensors] == [(s.id, s.interval_s, s.valid) for s in like.sensors]
    lake = before.lake_by_id["cak-1"].location
    assert added.location != lake and abs(added.location[0] - lake[0]) < 0.1  # between the lake and Grigorievka
    gauge = before.station_by_id["gauge-cak"]  # at 19 km, lower than the lake: the geophone lies between the two
    assert gauge.elevation_m is not None and gauge.elevation_m < (added.elevation_m or 0) < before.lake_by_id["cak-1"].elevation_m
    topo = Topology(site)
    assert dict(topo.source("glof:cak-1").downstream)[station] == 10.0
    valley = topo.valley_of_lake("cak-1")
    assert station in dict(topo.source(f"debris_flow:{valley}").downstream)
    assert all(station not in dict(s.downstream) for s in topo.sources if s.valley != valley)


def test_a_path_station_is_refused_by_name_where_it_cannot_warn(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SiteError, match="between the lake \\(0\\) and its first zone cak-grig \\(24 km\\)"):
        with_path_station(None, "gauge", "cak-1", 30, tmp_path / "a")
    with pytest.raises(SiteError, match="a path station is a geophone, a gauge or a weather station"):
        with_path_station(None, "camera", "cak-1", 5, tmp_path / "b")
    with pytest.raises(SiteError, match="no lake 'cak-9'"):
        with_path_station(None, "gauge", "cak-9", 5, tmp_path / "c")
    folder, station = with_path_station(None, "gauge", "cak-1", 12.5, tmp_path / "d")
    assert station == "gauge-cak-1-12.5km"
    with pytest.raises(SiteError, match="a station 'gauge-cak-1-12.5km' is already in the site"):
        with_path_station(folder, "gauge", "cak-1", 12.5, tmp_path / "e")
    assert not any((tmp_path / x).exists() for x in "abce")  # nothing half-written


def test_a_rain_gauge_in_a_valley_that_borrows_its_rain_gives_it_its_own(tmp_path) -> None:  # type: ignore[no-untyped-def]
    before = Topology(load_site(None))
    assert before.source("debris_flow:chong-ak-suu").weather_borrowed
    folder, station = with_path_station(None, "weather", "cak-1", 10, tmp_path / "site")
    assert station == "aws-cak-1-10km"
    site = load_site(folder)
    added = site.station_by_id[station]
    assert added.kind == "weather" and added.flow_path is None and "precipitation" in added.sensor_ids
    topo = Topology(site)
    for src in ("debris_flow:chong-ak-suu", "glof:cak-1"):
        assert topo.source(src).weather == (station,) and not topo.source(src).weather_borrowed
        assert station not in dict(topo.source(src).downstream)  # it measures rain, not the flood
    assert station not in topo.source("debris_flow:cholpon-ata").weather


def test_each_source_knows_the_other_valleys_gauges(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Source.neighbour_gauges (fusion.all_rivers_climb reads them): the gauges on the other valleys' flow paths, never
    one of its own valley's, a gauge added on a path included."""
    topo = Topology(load_site(None))
    for src in ("glof:cha-1", "glof:cha-2", "debris_flow:cholpon-ata"):
        assert topo.source(src).neighbour_gauges == ("gauge-cak",)
    for src in ("glof:cak-1", "debris_flow:chong-ak-suu"):
        assert topo.source(src).neighbour_gauges == ("gauge-cha",)
    folder, station = with_path_station(None, "gauge", "cak-1", 10, tmp_path / "site")
    topo = Topology(load_site(folder))
    assert topo.source("glof:cha-2").neighbour_gauges == tuple(sorted(("gauge-cak", station)))
    assert station not in topo.source("glof:cak-1").neighbour_gauges
