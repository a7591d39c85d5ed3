"""Contract checks of the blind (red-team) scenario generator, benchmarks/blind_scenarios.py.

Only the contract is checked here (docs/scenarios.md "The contract"): no detection is run on the
output, on purpose (see docs/blind-scenarios.md). Seeds 90 000 000+ only.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from tests.benchmark_scripts import load

ROOT = Path(__file__).resolve().parents[1]
SITE_DIR = ROOT / "src" / "glofwatch" / "data" / "sites" / "issyk-kul"
SEED = 90_000_500
KINDS = ["glof", "debris_flow", "rain", "quiet", "fault"]
PER_KIND = 3
TRUTH_KEYS = {
    "id": str,
    "seed": int,
    "file": str,
    "kind": str,
    "start": str,
    "end": str,
    "zones": list,
    "arrivals": dict,
    "faults": list,
    "stations": dict,
}
FAULT_KINDS = {"spike", "stuck", "gap", "drift", "dead", "battery_dropout", "destroyed", "burst"}


def _load_module():
    return load("blind_scenarios")


def _t(s: str) -> datetime:
    assert s.endswith("Z"), s
    return datetime.fromisoformat(s.replace("Z", "+00:00"))


@pytest.fixture(scope="module")
def blind():
    return _load_module()


@pytest.fixture(scope="module")
def site_yaml():
    return yaml.safe_load((SITE_DIR / "site.yaml").read_text())


@pytest.fixture(scope="module")
def out(blind, tmp_path_factory):
    d = tmp_path_factory.mktemp("blind")
    site = blind.load_site(SITE_DIR)
    kinds = [k for k in KINDS for _ in range(PER_KIND)]
    scen = [blind.scenario(site, SEED + i, k) for i, k in enumerate(kinds)]
    blind.write_all(scen, d)
    truths = [json.loads(line) for line in (d / "truth.jsonl").read_text().splitlines()]
    return d, truths


def _read(d: Path, t: dict) -> pd.DataFrame:
    return pd.read_csv(d / t["file"], dtype={"value": str}, keep_default_na=False)


def _faulty(t: dict, sensors: dict) -> set[tuple[str, str]]:
    out = set()
    for f in t["faults"]:
        if f["sensor"] == "*":
            out |= {k for k in sensors if k[0] == f["station"]}
        else:
            out.add((f["station"], f["sensor"]))
    return out


def test_one_truth_line_and_file_per_scenario(out):
    d, truths = out
    assert len(truths) == len(KINDS) * PER_KIND
    assert sorted(t["kind"] for t in truths) == sorted(k for k in KINDS for _ in range(PER_KIND))
    for t in truths:
        assert t["id"] == f"blind{t['seed']}-{t['kind']}"
        assert t["file"] == f"{t['id']}.csv"
        assert (d / t["file"]).exists()


def test_truth_keys_and_types(out):
    _, truths = out
    for t in truths:
        for k, typ in TRUTH_KEYS.items():
            assert isinstance(t[k], typ), (t["id"], k)
        for k in ("hazard", "lake", "onset", "first_arrival", "volume_m3", "peak_discharge_m3s", "source", "peak_first_zone_m3s"):
            assert k in t, (t["id"], k)
        assert (_t(t["end"]) - _t(t["start"])).total_seconds() >= 6 * 3600
        for f in t["faults"]:
            assert set(f) >= {"station", "sensor", "kind", "start", "end"}
            assert f["kind"] in FAULT_KINDS
            assert _t(f["start"]) <= _t(f["end"])
        if t["kind"] in ("glof", "debris_flow"):
            assert t["hazard"] == t["kind"]
            assert t["onset"] and t["zones"] and t["first_arrival"]
            assert t["volume_m3"] > 0 and t["peak_discharge_m3s"] > 0 and t["peak_first_zone_m3s"] > 0
            assert set(t["source"]) == {"flow_path", "chainage_km"}
            assert _t(t["start"]) < _t(t["onset"]) < _t(t["end"])
        else:
            assert t["hazard"] is None and t["onset"] is None and t["lake"] is None
            assert t["zones"] == [] and t["arrivals"] == {} and t["first_arrival"] is None
        if t["kind"] == "glof":
            assert t["lake"] == t["source"]["flow_path"] and t["source"]["chainage_km"] == 0
        if t["kind"] == "debris_flow":
            assert t["lake"] is None


def test_arrivals_ordered_down_the_path(out, site_yaml):
    _, truths = out
    paths = {fp["lake"]: fp for fp in site_yaml["flow_paths"]}
    for t in [t for t in truths if t["hazard"]]:
        zones = paths[t["source"]["flow_path"]]["zones"]
        assert list(t["arrivals"]) == t["zones"]
        ch = [zones[z] for z in t["zones"]]
        assert ch == sorted(ch) and all(c > t["source"]["chainage_km"] for c in ch)
        times = [_t(t["arrivals"][z]) for z in t["zones"]]
        assert times == sorted(times)
        assert t["first_arrival"] == t["arrivals"][t["zones"][0]]
        assert _t(t["first_arrival"]) > _t(t["onset"])
        for _sid, ts in t["stations"].items():
            assert _t(ts) >= _t(t["onset"])


def test_every_sensor_present_at_its_interval(out, site_yaml):
    d, truths = out
    sensors = {(s["id"], se["id"]): se for s in site_yaml["stations"] for se in s["sensors"]}
    for t in truths:
        df = _read(d, t)
        assert list(df.columns) == ["time", "station", "sensor", "value"]
        assert set(zip(df.station, df.sensor, strict=True)) == set(sensors), t["id"]
        times = pd.to_datetime(df.time, utc=True)
        assert times.min() >= pd.Timestamp(t["start"]) - pd.Timedelta(minutes=10)
        for key, g in df.assign(t=times).groupby(["station", "sensor"]):
            iv = sensors[key]["interval_s"]
            step = g.t.drop_duplicates().sort_values().diff().dt.total_seconds().dropna()
            if len(step) >= 3:
                assert abs(step.median() - iv) <= 0.02 * iv, (t["id"], key, step.median())


def test_values_inside_valid_range_except_faults(out, site_yaml):
    d, truths = out
    sensors = {(s["id"], se["id"]): se for s in site_yaml["stations"] for se in s["sensors"]}
    n_missing = 0
    for t in truths:
        df = _read(d, t)
        missing = df.value.isin(["", "NAN"])
        n_missing += int(missing.sum())
        vals = pd.to_numeric(df.value.where(~missing), errors="raise")
        faulty = _faulty(t, sensors)
        for key, v in vals.groupby([df.station, df.sensor]):
            if key in faulty:
                continue
            lo, hi = sensors[key]["valid"]
            v = v.dropna()
            assert ((v >= lo) & (v <= hi)).all(), (t["id"], key, v.min(), v.max())
    assert n_missing > 0  # loggers' missing values (NAN and empty) are part of the contract


def test_file_is_in_arrival_order_mostly_by_time(out):
    d, truths = out
    for t in truths:
        df = _read(d, t)
        ts = pd.to_datetime(df.time, utc=True).astype("int64").to_numpy() // 10**9
        backwards = np.mean(np.diff(ts) < -600)
        assert backwards < 0.1, (t["id"], backwards)


def test_hazard_signal_exists_at_the_sensors(out):
    """A GLOF from a lake with a level station drops its level (unless the station dies first)."""
    d, truths = out
    for t in [t for t in truths if t["kind"] == "glof"]:
        lake_st = [s for s in t["stations"] if s.startswith("lake-")]
        if not lake_st or any(
            f["station"] == lake_st[0] and f["kind"] in ("destroyed", "dead", "battery_dropout", "stuck", "gap", "drift")
            for f in t["faults"]
        ):
            continue
        df = _read(d, t)
        lv = df[(df.station == lake_st[0]) & (df.sensor == "water_level") & ~df.value.isin(["", "NAN"])]
        before = pd.to_numeric(lv.value[pd.to_datetime(lv.time, utc=True) < pd.Timestamp(t["onset"])])
        after = pd.to_numeric(lv.value[pd.to_datetime(lv.time, utc=True) > pd.Timestamp(t["end"]) - pd.Timedelta(hours=1)])
        assert after.median() < before.median() - 0.3, t["id"]


def test_reproducible_for_one_seed(blind, tmp_path):
    site = blind.load_site(SITE_DIR)
    a, b = tmp_path / "a", tmp_path / "b"
    blind.write_all([blind.scenario(site, SEED + 77)], a)
    blind.write_all([blind.scenario(site, SEED + 77)], b)
    assert (a / "truth.jsonl").read_text() == (b / "truth.jsonl").read_text()
    f = json.loads((a / "truth.jsonl").read_text())["file"]
    assert (a / f).read_bytes() == (b / f).read_bytes()


def test_cli_cycles_kinds(blind, tmp_path):
    assert blind.main(["--out", str(tmp_path), "--seed", str(SEED + 200), "--n", "4", "--kinds", "quiet,glof"]) == 0
    truths = [json.loads(line) for line in (tmp_path / "truth.jsonl").read_text().splitlines()]
    assert [t["kind"] for t in truths] == ["quiet", "glof", "quiet", "glof"]
    assert [t["seed"] for t in truths] == [SEED + 200 + i for i in range(4)]
