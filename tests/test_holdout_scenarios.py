"""Contract checks for benchmarks/holdout_scenarios.py (docs/holdout-scenarios.md).

Seeds used here lie in the development range 200 000 000 - 200 000 999; 201 000 000 and above are
reserved for the team's final measurement.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml

from tests.benchmark_scripts import load

REPO = Path(__file__).resolve().parents[1]
SITE = REPO / "src" / "glofwatch" / "data" / "sites" / "issyk-kul"
SEED = 200_000_100

TRUTH_KEYS = {
    "id", "seed", "file", "kind", "hazard", "lake", "start", "end", "onset", "zones", "arrivals",
    "first_arrival", "volume_m3", "peak_discharge_m3s", "faults",
}  # fmt: skip
FAULT_KINDS = {"spike", "stuck", "gap", "drift", "dead", "battery_dropout", "destroyed", "burst"}


hs = load("holdout_scenarios")


@pytest.fixture(scope="module")
def site_yaml():
    return yaml.safe_load((SITE / "site.yaml").read_text())


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("holdout")
    kinds = ["glof", "debris_flow", "rain", "quiet", "fault"]
    assert hs.main(["--out", str(out), "--seed", str(SEED), "--n", "10", "--kinds", ",".join(kinds), "--site", str(SITE)]) == 0
    truth = [json.loads(line) for line in (out / "truth.jsonl").read_text().splitlines()]
    return out, truth, kinds


def _frame(out: Path, t: dict) -> pd.DataFrame:
    return pd.read_csv(out / t["file"], dtype={"value": str}, keep_default_na=False)


def test_same_seed_same_bytes(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for d in (a, b):
        hs.main(["--out", str(d), "--seed", str(SEED + 50), "--n", "3", "--site", str(SITE)])
    assert (a / "truth.jsonl").read_bytes() == (b / "truth.jsonl").read_bytes()
    for f in sorted(a.glob("*.csv")):
        assert f.read_bytes() == (b / f.name).read_bytes(), f.name


def test_scenario_depends_on_its_seed_only():
    site = hs.load_site(SITE)
    alone = hs.generate_one(site, SEED + 3)
    in_batch = hs.generate(SITE, seed=SEED, n=4)[3]
    assert alone.rows == in_batch.rows
    assert alone.truth == in_batch.truth


def test_kinds_cycle(generated):
    _, truth, kinds = generated
    assert [t["kind"] for t in truth] == [kinds[i % len(kinds)] for i in range(len(truth))]
    assert [t["seed"] for t in truth] == list(range(SEED, SEED + len(truth)))
    assert all(t["id"] == f"holdout{t['seed']}-{t['kind']}" and t["file"] == f"{t['id']}.csv" for t in truth)


def test_truth_keys_and_consistency(generated, site_yaml):
    _, truth, _ = generated
    paths = {fp["lake"]: fp["zones"] for fp in site_yaml["flow_paths"]}
    for t in truth:
        assert set(t) >= TRUTH_KEYS, t["id"]
        assert t["end"] > t["start"]
        assert pd.Timestamp(t["end"]) - pd.Timestamp(t["start"]) >= pd.Timedelta(hours=6)
        for f in t["faults"]:
            assert f["kind"] in FAULT_KINDS and f["start"] <= f["end"], f
        if t["kind"] in ("rain", "quiet", "fault"):
            assert t["hazard"] is None and t["lake"] is None and t["onset"] is None
            assert t["zones"] == [] and t["arrivals"] == {} and t["first_arrival"] is None
            continue
        assert t["hazard"] == t["kind"]
        assert t["zones"], t["id"]
        assert set(t["arrivals"]) == set(t["zones"])
        assert t["first_arrival"] == min(t["arrivals"].values())
        assert all(t["onset"] < a for a in t["arrivals"].values())
        assert t["start"] < t["onset"] < t["end"]
        times = [t["arrivals"][z] for z in t["zones"]]
        assert times == sorted(times), "zones nearest first"
        path = paths[t["lake"]] if t["kind"] == "glof" else paths[t["source"]["flow_path"]]
        assert set(t["zones"]) <= set(path)
        assert all(path[z] > t["source"]["chainage_km"] for z in t["zones"])
        assert t["volume_m3"] > 0 and t["peak_discharge_m3s"] > 0
        if t["kind"] == "glof":
            assert t["lake"] in paths
        else:
            assert t["lake"] is None and t["rain"]["caine_exceeded"]
        for st, ts in t.get("stations", {}).items():
            assert ts >= t["onset"], st


def test_every_sensor_at_its_interval(generated, site_yaml):
    out, truth, _ = generated
    for t in truth:
        df = _frame(out, t)
        assert list(df.columns) == ["time", "station", "sensor", "value"]
        faulted = {(f["station"], f["sensor"]) for f in t["faults"]}
        for st in site_yaml["stations"]:
            for s in st["sensors"]:
                g = df[(df.station == st["id"]) & (df.sensor == s["id"])]
                if (st["id"], s["id"]) in faulted or (st["id"], "*") in faulted:
                    continue
                assert len(g), (t["id"], st["id"], s["id"])
                steps = pd.to_datetime(g.time.drop_duplicates()).sort_values().diff().dropna().dt.total_seconds()
                assert steps.min() >= s["interval_s"]
                assert steps.median() == s["interval_s"], (t["id"], st["id"], s["id"])
                span = (pd.Timestamp(t["end"]) - pd.Timestamp(t["start"])).total_seconds()
                assert g.time.nunique() >= 0.9 * span / s["interval_s"] - 2


def test_values_plausible_except_faults(generated, site_yaml):
    out, truth, _ = generated
    valid = {(st["id"], s["id"]): s["valid"] for st in site_yaml["stations"] for s in st["sensors"]}
    for t in truth:
        df = _frame(out, t)
        missing = df.value.isin(["NAN", ""])
        assert missing.sum() >= t["transport"]["nan"]  # dead sensors may add more
        faulted = {(f["station"], f["sensor"]) for f in t["faults"]}
        vals = df[~missing].assign(v=lambda d: d.value.astype(float))
        for (st, se), g in vals.groupby(["station", "sensor"]):
            if (st, se) in faulted or (st, "*") in faulted:
                continue
            lo, hi = valid[(st, se)]
            assert g.v.between(lo, hi).all(), (t["id"], st, se, g.v.min(), g.v.max())


def test_rows_in_arrival_order_mostly_by_time(generated):
    out, truth, _ = generated
    for t in truth:
        df = _frame(out, t)
        times = pd.to_datetime(df.time)
        backwards = (times.diff().dt.total_seconds() < -300).sum()
        assert backwards <= 0.02 * len(df) + 5, t["id"]
        assert t["start"] <= df.time.min() and df.time.max() <= t["end"]
