"""The independent (red-team) scenario generator of benchmarks/independent_scenarios.py: its files follow
the scenario contract of docs/scenarios.md and `glofwatch evaluate --scenarios DIR` scores them."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pandas as pd
import pytest
from typer.testing import CliRunner

from glofwatch.cli import app
from glofwatch.site.load import load_site
from tests.benchmark_scripts import load

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "independent_scenarios.py"
KINDS = ["glof", "debris_flow", "rain", "quiet", "fault"]
TRUTH_KEYS = {"id", "seed", "file", "kind", "hazard", "lake", "start", "end", "onset", "zones", "arrivals",
              "first_arrival", "volume_m3", "peak_discharge_m3s", "faults"}


def _module():
    return load("independent_scenarios")


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("independent")
    assert _module().main(["--out", str(out), "--seed", "4242", "--n", "5", "--kinds", ",".join(KINDS)]) == 0
    return out


def _t(s: str) -> pd.Timestamp:
    return pd.Timestamp(s)


def test_truth_has_the_contract_keys_and_consistent_times(folder: Path) -> None:
    truths = [json.loads(line) for line in (folder / "truth.jsonl").read_text().splitlines()]
    assert [t["kind"] for t in truths] == KINDS
    site = load_site(None)
    for t in truths:
        assert set(t) >= TRUTH_KEYS, t["id"]
        assert (folder / t["file"]).is_file()
        assert _t(t["end"]) - _t(t["start"]) >= pd.Timedelta(hours=6)
        if t["hazard"] is None:
            assert t["onset"] is None and t["zones"] == [] and t["first_arrival"] is None
            continue
        assert t["hazard"] == t["kind"]
        path_zones = site.flow_path(t["lake"] or t["source"]["flow_path"]).zones
        assert t["zones"] == sorted(t["zones"], key=path_zones.get)  # nearest first
        assert set(t["arrivals"]) == set(t["zones"])
        assert t["first_arrival"] == min(t["arrivals"].values())
        assert _t(t["start"]) + pd.Timedelta(hours=1) <= _t(t["onset"]) < _t(t["first_arrival"]) <= _t(t["end"])
        arr = [_t(t["arrivals"][z]) for z in t["zones"]]
        assert arr == sorted(arr)  # the front reaches the zones downstream in order
    assert all(f["kind"] in {"spike", "stuck", "gap", "drift", "dead", "battery_dropout", "burst", "destroyed"}
               for t in truths for f in t["faults"])
    assert truths[-1]["faults"]  # the fault scenario has at least one


def test_telemetry_is_long_form_with_every_sensor_of_the_site(folder: Path) -> None:
    site = load_site(None)
    quiet = pd.read_csv(folder / "ind4245-quiet.csv", dtype=str, keep_default_na=False)
    assert list(quiet.columns) == ["time", "station", "sensor", "value"]
    assert set(zip(quiet.station, quiet.sensor, strict=True)) == set(site.sensor_keys())
    assert quiet.time.str.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$").all()
    v = pd.to_numeric(quiet.value.replace({"NAN": None, "": None}), errors="coerce")
    assert v.notna().mean() > 0.99
    for st in site.stations:
        for se in st.sensors:
            if se.valid:
                x = v[(quiet.station == st.id) & (quiet.sensor == se.id)].dropna()
                assert x.between(*se.valid).all(), (st.id, se.id)


def test_an_outburst_drains_the_lake_and_raises_the_river(folder: Path) -> None:
    t = json.loads((folder / "truth.jsonl").read_text().splitlines()[0])
    df = pd.read_csv(folder / t["file"])
    df["time"] = pd.to_datetime(df["time"], utc=True)
    df["value"] = pd.to_numeric(df["value"], errors="coerce")
    onset = _t(t["onset"])
    before = df[df.time < onset]
    after = df[(df.time > onset) & (df.time <= _t(t["end"]))]
    st = t["params"]["lake_station"]
    if st and not any(f["station"] == st and f["kind"] == "destroyed" for f in t["faults"]):
        lvl_b = before[(before.station == st) & (before.sensor == "water_level")].value.median()
        lvl_a = after[(after.station == st) & (after.sensor == "water_level")].value.min()
        seen = min(t["params"]["max_drawdown_m"], t["params"]["transducer_depth_m"])  # it reads air below
        assert lvl_a < lvl_b - 0.5 * seen
    gauges = [s for s in t["stations"] if s.startswith("gauge")]
    for g in gauges:
        s_b = before[(before.station == g) & (before.sensor == "stage")].value.max()
        s_a = after[(after.station == g) & (after.sensor == "stage")].value.max()
        assert s_a > s_b


def test_evaluate_scores_the_folder(folder: Path, tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["evaluate", "--scenarios", str(folder), "--json", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    out = orjson.loads(res.output[res.output.index("{"):])
    assert out["skipped"] == {}
    for summary in out["summaries"].values():
        assert summary["scenarios"] == 5
        assert summary["by_kind"] == dict.fromkeys(KINDS, 1)
        assert summary["recall"]["glof"]["n"] == 1 and summary["recall"]["debris_flow"]["n"] == 1
