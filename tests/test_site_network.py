"""A copy of a site with a level station added at a lake nobody watches (``glofwatch.site.network``): the network study's
site, and its refusals."""

from __future__ import annotations

import pytest

from glofwatch.errors import SiteError
from glofwatch.site import load_site
from glofwatch.site.network import with_lake_station


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
