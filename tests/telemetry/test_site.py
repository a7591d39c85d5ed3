"""Site loading: the reference site loads; every kind of mistake is named with file, path and fix."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from glofwatch.errors import SiteError
from glofwatch.site import load_site
from glofwatch.site.load import demo_site_path


def test_reference_site_loads(site):
    assert site.id == "issyk-kul-demo"
    assert len(site.households) == 215
    assert sum(h.members for h in site.households) == 997
    assert {s.id for s in site.stations} >= {"lake-cha-1", "geo-cha", "gauge-cha"}
    assert site.flow_path("cha-1").zones["cha-town"] == 20.0
    assert site.warnings == []


def _copy_site(tmp_path: Path) -> tuple[Path, dict]:
    src = demo_site_path().parent
    dst = tmp_path / "site"
    shutil.copytree(src, dst)
    return dst, yaml.safe_load((dst / "site.yaml").read_text())


def _write(dst: Path, data: dict) -> None:
    (dst / "site.yaml").write_text(yaml.safe_dump(data, sort_keys=False))


def _problems(dst: Path) -> str:
    with pytest.raises(SiteError) as ei:
        load_site(dst)
    return str(ei.value)


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d["stations"].append(dict(d["stations"][0])), "stations: duplicate id 'aws-cha-up'"),
        (lambda d: d["stations"][2].__setitem__("sensors", []), "stations[2] (lake-cha-1).sensors: a station needs at least one sensor"),
        (lambda d: d["stations"][0].__setitem__("location", [277.0, 42.0]), "stations[0] (aws-cha-up).location: coordinates [277.0, 42.0] out of range"),
        (lambda d: d["flow_paths"][0]["zones"].__setitem__("cha-twon", 20.0), "flow path to unknown zone 'cha-twon'; did you mean 'cha-town'?"),
        (lambda d: d["stations"][3]["flow_path"].__setitem__("lake", "cha-9"), "stations[3] (geo-cha).flow_path.lake: unknown lake 'cha-9'"),
        (lambda d: d["stations"][0]["sensors"][0].__setitem__("valid", [45, -50]), "has min > max"),
        (lambda d: d["stations"][0].__setitem__("colour", "red"), "stations[0] (aws-cha-up).colour: unknown key"),
        (lambda d: d["zones"][0]["polygon"].pop(), "polygon is not closed"),
        (lambda d: d["sirens"][0].__setitem__("zone", "nowhere"), "sirens[0] (siren-cha-1).zone: unknown zone 'nowhere'"),
    ],
)
def test_site_mistakes_are_named(tmp_path, mutate, expected):
    dst, data = _copy_site(tmp_path)
    mutate(data)
    _write(dst, data)
    msg = _problems(dst)
    assert expected in msg
    assert "site.yaml" in msg


def test_household_in_unknown_zone_names_csv_line(tmp_path):
    dst, _ = _copy_site(tmp_path)
    lines = (dst / "households.csv").read_text().splitlines()
    lines[3] = lines[3].replace("cha-upper", "cha-uper")
    cols = lines[7].split(",")
    cols[4] = "x"  # members
    lines[7] = ",".join(cols)
    (dst / "households.csv").write_text("\n".join(lines) + "\n")
    msg = _problems(dst)
    assert "household hh-0003: unknown zone 'cha-uper'; did you mean 'cha-upper'?" in msg
    assert "households.csv line 8" in msg and "members" in msg


def test_all_problems_reported_at_once(tmp_path):
    dst, data = _copy_site(tmp_path)
    data["lakes"].append(dict(data["lakes"][0]))
    data["sirens"][1]["zone"] = "x"
    _write(dst, data)
    err = pytest.raises(SiteError, load_site, dst).value
    assert len(err.problems) == 2


def test_missing_site_file_says_what_to_give(tmp_path):
    with pytest.raises(SiteError, match="no such site file"):
        load_site(tmp_path / "nope")
