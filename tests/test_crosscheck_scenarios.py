"""Tests of the cross-check scenario generator (benchmarks/crosscheck_scenarios.py).

The script is standalone (benchmarks/ is not a package), so it is loaded by file path.
Seeds used here lie in the development range 300 000 000 - 300 000 999.
"""

from __future__ import annotations

import csv
import json
import math
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.benchmark_scripts import load

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "crosscheck_scenarios.py"
SEED = 300_000_100
CONTRACT_KEYS = {
    "id", "seed", "file", "kind", "hazard", "lake", "start", "end", "onset", "zones", "arrivals",
    "first_arrival", "volume_m3", "peak_discharge_m3s", "faults",
}

cc = load("crosscheck_scenarios")


def _t(s: str) -> datetime:
    return datetime.fromisoformat(s.replace("Z", "+00:00"))


@pytest.fixture(scope="module")
def site():
    return cc.Site(cc.DEFAULT_SITE)


@pytest.fixture(scope="module")
def mixed():
    """A default-mix batch (kinds drawn from the seeds)."""
    return cc.generate(cc.DEFAULT_SITE, seed=SEED, n=30)


@pytest.fixture(scope="module")
def by_kind():
    """Eight scenarios of each kind."""
    out = {}
    for i, k in enumerate(cc.KINDS):
        out[k] = cc.generate(cc.DEFAULT_SITE, seed=SEED + 200 + 10 * i, n=8, kinds=[k])
    return out


def _all(by_kind, mixed):
    return [s for v in by_kind.values() for s in v] + list(mixed)


def test_same_seed_same_bytes_alone_or_in_batch(tmp_path):
    batch = cc.generate(cc.DEFAULT_SITE, seed=SEED, n=4)
    alone = cc.generate(cc.DEFAULT_SITE, seed=SEED + 3, n=1)
    cc.write(batch[3:], tmp_path / "a")
    cc.write(alone, tmp_path / "b")
    cc.write(cc.generate(cc.DEFAULT_SITE, seed=SEED + 3, n=1), tmp_path / "c")
    f = batch[3].truth["file"]
    assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() == (tmp_path / "c" / f).read_bytes()
    assert (tmp_path / "a" / "truth.jsonl").read_bytes() == (tmp_path / "b" / "truth.jsonl").read_bytes()
    assert batch[0].truth["seed"] == SEED and batch[3].truth["seed"] == SEED + 3


def test_kinds_override_keeps_the_seed_stream():
    drawn = cc.generate(cc.DEFAULT_SITE, seed=SEED, n=1)[0]
    forced = cc.generate(cc.DEFAULT_SITE, seed=SEED, n=1, kinds=[drawn.truth["kind"]])[0]
    assert drawn.rows == forced.rows and drawn.truth == forced.truth


def test_each_kind_produced(mixed, by_kind):
    assert {s.truth["kind"] for s in mixed} == set(cc.KINDS), "30 default-mix seeds should give all five kinds"
    for k, scs in by_kind.items():
        assert all(s.truth["kind"] == k for s in scs)
        assert all(s.truth["id"] == f"crosscheck{s.truth['seed']}-{k}" for s in scs)


def test_contract_keys_and_window(by_kind, mixed):
    for s in _all(by_kind, mixed):
        t = s.truth
        missing = CONTRACT_KEYS - set(t)
        assert not missing, f"{t['id']}: missing {missing}"
        assert t["file"] == f"{t['id']}.csv"
        assert t["start"].endswith("Z") and t["end"].endswith("Z")
        hours = (_t(t["end"]) - _t(t["start"])).total_seconds() / 3600
        assert 6.0 <= hours <= 40.0 + 1e-6, f"{t['id']}: window {hours:.1f} h"
        json.dumps(t)  # serialisable


def test_telemetry_covers_every_sensor(site, by_kind):
    for s in by_kind["quiet"][:3] + by_kind["glof"][:3]:
        seen = {(r[1], r[2]) for r in s.rows}
        for st in site.stations:
            for sen in st["sensors"]:
                assert (st["id"], sen["id"]) in seen, f"{s.id}: no rows for {st['id']}/{sen['id']}"
        t0, t1 = _t(s.truth["start"]) - timedelta(minutes=20), _t(s.truth["end"]) + timedelta(minutes=20)
        for r in s.rows:
            assert t0 <= _t(r[0]) <= t1
            assert r[3] in ("", "NAN") or math.isfinite(float(r[3]))


def test_hazard_arrivals_nearest_first_after_onset(site, by_kind, mixed):
    n = 0
    for s in _all(by_kind, mixed):
        t = s.truth
        if t["hazard"] is None:
            continue
        n += 1
        assert t["hazard"] == t["kind"]
        assert (t["lake"] is not None) == (t["hazard"] == "glof")
        onset = _t(t["onset"])
        assert onset - _t(t["start"]) >= timedelta(hours=3), f"{t['id']}: less than 3 h of normal data"
        assert t["zones"] and list(t["arrivals"]) == t["zones"]
        chain = site.paths[t["source"]["flow_path"]]["zones"]
        kms = [chain[z] for z in t["zones"]]
        assert kms == sorted(kms), f"{t['id']}: zones not nearest first"
        times = [_t(t["arrivals"][z]) for z in t["zones"]]
        assert times == sorted(times) and times[0] > onset
        assert _t(t["first_arrival"]) == times[0]
        assert all(_t(a) >= onset for a in t["stations"].values())
        assert t["volume_m3"] > 0 and t["peak_discharge_m3s"] > 0
        assert isinstance(t["detectable"], bool)
        if not t["detectable"]:
            assert t["detectable_reason"]
    assert n >= 16


def test_no_hazard_kinds_have_no_onset_or_zones(by_kind, mixed):
    for s in _all(by_kind, mixed):
        t = s.truth
        if t["kind"] in ("rain", "quiet", "fault"):
            assert t["hazard"] is None and t["onset"] is None and t["lake"] is None
            assert t["zones"] == [] and t["arrivals"] == {} and t["first_arrival"] is None
    assert all(s.truth["rain"] for s in by_kind["rain"])


def _silences(s):
    """(station, sensor, longest run without a finite value in minutes) for every sensor."""
    t = s.truth
    start, end = _t(t["start"]), _t(t["end"])
    times: dict = {}
    for time, sid, sen, val in s.rows:
        if val not in ("", "NAN"):
            times.setdefault((sid, sen), []).append(_t(time))
    out = {}
    for key, ts in times.items():
        ts = sorted(ts)
        gaps = [(b - a).total_seconds() for a, b in zip([start, *ts], [*ts, end], strict=True)]
        out[key] = max(gaps) / 60.0
    return out


def test_dead_or_faulty_sensors_are_listed(site, by_kind):
    intervals = {(st["id"], sen["id"]): sen["interval_s"] for st in site.stations for sen in st["sensors"]}
    for s in by_kind["fault"] + by_kind["glof"]:
        t = s.truth
        if t["kind"] == "fault":
            assert t["faults"], f"{t['id']}: a fault scenario without faults"
        listed = {(f["station"], f["sensor"]) for f in t["faults"]}
        sil = _silences(s)
        for key, iv in intervals.items():
            silent = sil.get(key, 1e9)
            if silent > max(30.0, 2.5 * iv / 60.0) + 16:  # clock offsets shift rows by up to 15 min
                assert key in listed or (key[0], "*") in listed, f"{t['id']}: {key} silent {silent:.0f} min, not in faults"
        for f in t["faults"]:
            assert {"station", "sensor", "kind", "start", "end"} <= set(f)
            assert f["station"] in site.station_by_id
            assert _t(f["start"]) <= _t(f["end"])


def test_dead_sensor_really_stops():
    found = 0
    for seed in range(SEED + 400, SEED + 460):
        s = cc.scenario(cc.DEFAULT_SITE, seed, "fault")
        for f in s.truth["faults"]:
            if f["kind"] not in ("dead", "destroyed"):
                continue
            found += 1
            t0 = _t(f["start"]) + timedelta(seconds=60)
            off = timedelta(seconds=s.truth["clock_offsets_s"].get(f["station"], 0) + 30)
            after = [r for r in s.rows if r[1] == f["station"] and (f["sensor"] == "*" or r[2] == f["sensor"])
                     and _t(r[0]) > t0 + off and r[3] not in ("", "NAN")]
            assert not after, f"{s.id}: {f['station']}/{f['sensor']} reports after it died"
    assert found >= 1


def test_reserved_seeds_refused():
    with pytest.raises(ValueError):
        cc.scenario(cc.DEFAULT_SITE, 301_000_000)
    with pytest.raises(SystemExit):
        cc.main(["--out", "/tmp/never-written", "--seed", "300999999", "--n", "2"])
    assert cc.scenario(cc.DEFAULT_SITE, 301_000_000, "quiet", measure=True).truth["seed"] == 301_000_000  # --measure


def test_cli_writes_contract_files(tmp_path):
    assert cc.main(["--out", str(tmp_path), "--seed", str(SEED + 900), "--n", "3", "--kinds", "glof,rain"]) == 0
    lines = (tmp_path / "truth.jsonl").read_text().splitlines()
    assert [json.loads(x)["kind"] for x in lines] == ["glof", "rain", "glof"]
    for x in lines:
        t = json.loads(x)
        with open(tmp_path / t["file"], newline="") as fh:
            rd = csv.reader(fh)
            assert next(rd) == ["time", "station", "sensor", "value"]
            row = next(rd)
            assert row[0].endswith("Z") and len(row) == 4


def test_a_flood_in_one_valley_leaves_the_other_valleys_gauge_alone():
    """A debris-type flood's sediment raises the bed only on its own river (seeds 300 000 068 and 300 000 119: cak-1
    outbursts that bulked into debris flows once stepped gauge-cha, on the other river, 0.27 m when the front passed
    gauge-cha's chainage on cak-1's path)."""
    for seed in (300_000_068, 300_000_119):
        s = cc.scenario(cc.DEFAULT_SITE, seed)
        assert s.truth["zones"] == ["cak-grig"] and not s.truth["rain"]
        stage = [float(r[3]) for r in sorted(s.rows) if r[1] == "gauge-cha" and r[2] == "stage" and r[3] not in ("", "NAN")]
        assert max(abs(b - a) for a, b in zip(stage, stage[1:], strict=False)) < 0.05, s.id
