"""Scenarios: physics sanity, determinism, declared faults and noise, the truth contract, ingestibility."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import orjson
import pandas as pd
import pytest
from typer.testing import CliRunner

from glofwatch.cli import app
from glofwatch.errors import GlofwatchError
from glofwatch.sim.physics import MAX_CELERITY_MS, MIN_CELERITY_MS
from glofwatch.sim.scenarios import KIND_CYCLE, Scenario, generate, outburst, path_stations, read_truth, scenario, write_all
from glofwatch.site.model import Site
from glofwatch.store import Store
from glofwatch.telemetry.pipeline import Ingestor

TRUTH_KEYS = {"id", "seed", "kind", "hazard", "lake", "start", "end", "onset", "zones", "arrivals", "first_arrival",
              "volume_m3", "peak_discharge_m3s", "faults", "file"}


def ts(s: str) -> pd.Timestamp:
    return pd.Timestamp(s)


@pytest.fixture(scope="module")
def batch(site: Site) -> list[Scenario]:
    return generate(site, seed=500, n=40)


def series(sc: Scenario, station: str, sensor: str) -> pd.DataFrame:
    df = sc.telemetry
    d = df[(df.station == station) & (df.sensor == sensor)].copy()
    d["t"] = pd.to_datetime(d.time)
    return d.drop_duplicates(["t"]).sort_values("t")


def test_truth_contract_and_mix(batch: list[Scenario]) -> None:
    kinds = [s.kind for s in batch]
    assert kinds == [KIND_CYCLE[s % 10] for s in range(500, 540)]
    for sc in batch:
        t = sc.truth
        assert set(t) >= TRUTH_KEYS, TRUTH_KEYS - set(t)
        assert t["file"] == f"{t['id']}.csv" and t["seed"] == sc.seed
        assert list(sc.telemetry.columns) == ["time", "station", "sensor", "value"]
        assert ts(t["start"]) < ts(t["end"]) and (ts(t["end"]) - ts(t["start"])) >= timedelta(hours=6)
        if t["kind"] in ("glof", "debris_flow"):
            assert t["hazard"] == t["kind"] and t["zones"] and t["first_arrival"] == min(t["arrivals"].values())
            assert ts(t["start"]) < ts(t["onset"]) < ts(t["first_arrival"]) < ts(t["end"])
            assert t["volume_m3"] > 0 and 0 < t["peak_first_zone_m3s"] <= t["peak_discharge_m3s"]
            assert (t["lake"] is not None) == (t["kind"] == "glof")
        else:
            assert t["hazard"] is None and t["onset"] is None and not t["zones"] and t["first_arrival"] is None


def test_arrivals_follow_chainage_within_wave_speeds(site: Site, batch: list[Scenario]) -> None:
    for sc in (s for s in batch if s.truth["hazard"]):
        t = sc.truth
        fp = site.flow_path(t["source"]["flow_path"])
        src = t["source"]["chainage_km"]
        onset = ts(t["onset"])
        by_chainage = sorted(t["zones"], key=lambda z: fp.zones[z])
        times = [ts(t["arrivals"][z]) for z in by_chainage]
        assert times == sorted(times), sc.id
        chain = dict(fp.zones, **path_stations(site, fp.lake))
        for where, iso in {**t["arrivals"], **t["stations"]}.items():
            dx_m = (chain[where] - src) * 1000
            travel = (ts(iso) - onset).total_seconds()
            assert dx_m / MAX_CELERITY_MS - 1 <= travel <= dx_m / MIN_CELERITY_MS + 1, (sc.id, where, travel, dx_m)


def test_lake_level_falls_by_drained_volume_over_area(site: Site) -> None:
    start = datetime(2026, 7, 20, 6, tzinfo=UTC)
    for seed in range(5):
        sc = outburst(site, "cha-1", seed=seed, start=start, destroy_station=False)
        t = sc.truth
        assert ts(t["onset"]) == ts(start.isoformat()) + timedelta(hours=1)
        lv = series(sc, "lake-cha-1", "water_level")
        before = lv[lv.t < ts(t["onset"])].value.median()
        after = lv.value.iloc[-3:].median()
        drop = before - after
        assert drop == pytest.approx(t["params"]["level_drop_m"], abs=0.05), seed
        full = t["volume_m3"] / t["params"]["lake_area_m2"]
        assert t["params"]["level_drop_m"] <= full + 1e-3
        drained = (ts(t["end"]) - ts(t["onset"])).total_seconds() > t["params"]["rise_s"] + 5 * t["params"]["recession_s"]
        if drained:
            assert drop == pytest.approx(full, rel=0.03), seed
        # downstream: stage rises after the front reaches the gauge, not before
        g = series(sc, "gauge-cha", "stage")
        arrive = ts(t["stations"]["gauge-cha"])
        assert g[g.t > arrive].value.max() > g[g.t < ts(t["onset"])].value.max() + 0.05
        geo = series(sc, "geo-cha", "ground_velocity")
        assert geo[geo.t < ts(t["onset"])].value.max() < geo[geo.t > ts(t["onset"])].value.max()


def test_destroyed_lake_station_goes_silent_at_the_breach(site: Site) -> None:
    sc = outburst(site, "cha-1", seed=3, start=datetime(2026, 7, 20, 6, tzinfo=UTC), destroy_station=True)
    f = [x for x in sc.truth["faults"] if x["kind"] == "destroyed" and x["station"] == "lake-cha-1"]
    assert len(f) == 1 and ts(sc.truth["onset"]) <= ts(f[0]["start"]) <= ts(sc.truth["onset"]) + timedelta(minutes=10)
    rows = sc.telemetry[sc.telemetry.station == "lake-cha-1"]
    assert pd.to_datetime(rows.time).max() <= ts(f[0]["start"])


def test_same_seed_same_scenario_and_seeds_differ(site: Site) -> None:
    a, b, c = scenario(site, 1_000_003), scenario(site, 1_000_003), scenario(site, 1_000_013)
    pd.testing.assert_frame_equal(a.telemetry, b.telemetry)
    assert a.truth == b.truth
    assert a.truth != c.truth
    assert generate(site, seed=7, n=3)[1].truth == scenario(site, 8).truth


def test_faults_and_transport_noise_are_as_declared(batch: list[Scenario]) -> None:
    seen: set[str] = set()
    for sc in batch:
        df = sc.telemetry
        t = pd.to_datetime(df.time)
        for f in sc.truth["faults"]:
            seen.add(f["kind"])
            a, b = ts(f["start"]), ts(f["end"])
            own = (df.station == f["station"]) & ((df.sensor == f["sensor"]) | (f["sensor"] == "*"))
            inside = own & (t > a) & (t < b)
            if f["kind"] in ("gap", "battery_dropout", "destroyed"):
                assert not inside.any(), (sc.id, f)
            elif f["kind"] == "dead":
                assert not np.isfinite(df.value[own & (t > a)]).any(), (sc.id, f)
            elif f["kind"] == "stuck":
                vals = df.value[own & (t >= a) & (t < b)].dropna().unique()
                assert len(vals) <= 1, (sc.id, f)
            elif f["kind"] == "spike":
                assert own[t == a].any(), (sc.id, f)
            elif f["kind"] == "burst":
                assert df.value[inside | (own & (t == a))].max() > 10 * df.value[own].median(), (sc.id, f)
        tr = sc.truth["transport"]
        assert int(df.duplicated().sum()) == tr["duplicates"], sc.id
        assert int(df.value.isna().sum()) >= tr["nan"]
        out_of_order = int((t < t.cummax().shift(1)).sum())
        assert (out_of_order > 0) == (tr["late"] > 0), sc.id
    assert {"destroyed", "gap", "spike", "stuck", "dead", "drift", "battery_dropout", "burst"} <= seen, seen
    assert any(s.truth["transport"]["late"] for s in batch) and any(s.truth["transport"]["nan"] for s in batch)


def test_debris_flow_has_rain_over_threshold_and_no_lake_drop(site: Site) -> None:
    for sc in generate(site, seed=2000, n=4, kinds=("debris_flow",)):
        rain = sc.truth["rain"]
        assert rain["intensity_mm_h"] > rain["caine_mm_h"]
        assert ts(rain["start"]) < ts(sc.truth["onset"])
        precip = sc.telemetry[(sc.telemetry.sensor == "precipitation")].value
        assert precip.max() > 2.0
        lv = series(sc, "lake-cha-1", "water_level").value
        assert lv.min() > -1.0  # no drawdown (background -0.4 m, rain adds a little)
        assert sc.truth["stations"], "a debris flow starts above at least one station of its path"


def test_storms_are_local_and_flood_the_near_gauge(site: Site) -> None:
    from glofwatch.sim.scenarios import rain_share

    assert rain_share(site, site.station("gauge-cha")) > 0.9 and rain_share(site, site.station("gauge-cak")) < 0.35
    for sc in generate(site, seed=3000, n=3, kinds=("rain",)):
        g = series(sc, "gauge-cha", "stage")
        start = ts(sc.truth["rain"]["start"])
        assert sc.truth["rain"]["runoff_peak_m3s"] > 0
        assert g[g.t > start].value.max() > g[g.t < start].value.max() + 0.1  # the storm flood raises the stage


def test_files_roundtrip_and_ingest_cleanly(site: Site, sqlite_store: Store, tmp_path: Path) -> None:
    scs = generate(site, seed=1_000_000, n=5)
    truth_path = write_all(scs, tmp_path)
    truths = read_truth(tmp_path)
    assert [t["id"] for t in truths] == [s.id for s in scs] and truth_path.name == "truth.jsonl"
    ing = Ingestor(site, sqlite_store)
    for sc in scs:
        rep = ing.ingest_file(tmp_path / sc.truth["file"])
        assert rep.rejected == 0, rep.as_dict()["rejections"][:3]
        assert rep.accepted + rep.duplicates + rep.missing == len(sc.telemetry)
        assert rep.missing == int(sc.telemetry.value.isna().sum())
    raw = b"".join((tmp_path / s.truth["file"]).read_bytes() for s in scs)
    assert b",NAN\n" in raw and b",\n" in raw  # missing values written both ways, as loggers do


def test_any_site_even_a_bare_one() -> None:
    site = Site.model_validate({
        "site": {"id": "bare", "name": "bare"},
        "lakes": [{"id": "L", "location": [70.0, 40.0], "dam": "ice"}],  # no area: a default is used
        "stations": [{"id": "g", "kind": "gauge", "location": [70.0, 39.9], "flow_path": {"lake": "L", "chainage_km": 5.0},
                      "sensors": [{"id": "stage", "unit": "m", "interval_s": 600, "valid": [0, 10]}]}],
        "flow_paths": [{"lake": "L", "zones": {"z": 12.0}}],
        "zones": [{"id": "z", "polygon": [[70, 39], [70.1, 39], [70.1, 39.1], [70, 39]]}],
    })
    scs = generate(site, seed=0, n=10)
    assert {s.kind for s in scs} == {"glof", "debris_flow", "rain", "quiet", "fault"}
    g = next(s for s in scs if s.kind == "glof")
    assert g.truth["zones"] == ["z"] and g.truth["params"]["lake_station"] is None


def test_shifted_variant_moves_the_physics_and_skews_clocks(site: Site) -> None:
    scs = generate(site, seed=1_000_000, n=10, variant="shifted")
    base = generate(site, seed=1_000_000, n=10)
    assert {s.truth["variant"] for s in scs} == {"shifted"} and {s.truth["variant"] for s in base} == {"default"}
    for sh, de in zip(scs, base, strict=True):
        assert sh.kind == de.kind and set(sh.truth["clock_skew_s"]) == {st.id for st in site.stations}
        assert all(abs(v) <= 180 for v in sh.truth["clock_skew_s"].values())
        if sh.truth["hazard"]:
            c0 = sh.truth["params"]["celerity_ms"]
            assert 2.0 <= c0 <= 6.0
            for where, iso in sh.truth["arrivals"].items():  # slower waves: never faster than 6 m/s
                fp = site.flow_path(sh.truth["source"]["flow_path"])
                dx_m = (fp.zones[where] - sh.truth["source"]["chainage_km"]) * 1000
                assert (ts(iso) - ts(sh.truth["onset"])).total_seconds() >= dx_m / 6.0 - 1
    # a skewed logger stamps its rows off the nominal grid
    q = next(s for s in scs if s.kind == "quiet")
    skew = q.truth["clock_skew_s"]["geo-cha"]
    first = ts(q.telemetry[q.telemetry.station == "geo-cha"].time.min())
    assert first == ts(q.truth["start"]) + timedelta(seconds=skew)


def test_a_site_without_flow_paths_gets_the_kinds_it_can_host() -> None:
    site = Site.model_validate({
        "site": {"id": "flat", "name": "flat"},
        "stations": [{"id": "w", "kind": "weather", "location": [70.0, 40.0],
                      "sensors": [{"id": "precipitation", "unit": "mm", "interval_s": 600, "valid": [0, 60]}]}],
    })
    assert {s.kind for s in generate(site, seed=0, n=10)} == {"rain", "quiet", "fault"}
    with pytest.raises(GlofwatchError, match="flow path"):
        generate(site, seed=0, n=1, kinds=("glof",))


def test_simulate_command(tmp_path: Path) -> None:
    r = CliRunner().invoke(app, ["simulate", "--out", str(tmp_path), "--n", "3", "--seed", "10", "--kind", "glof"])
    assert r.exit_code == 0, r.output
    lines = (tmp_path / "truth.jsonl").read_bytes().splitlines()
    assert [orjson.loads(x)["kind"] for x in lines] == ["glof"] * 3
    bad = CliRunner().invoke(app, ["simulate", "--out", str(tmp_path), "--kind", "tsunami"])
    assert bad.exit_code == 2 and "tsunami" in bad.output
