"""Live = replay, scenario by scenario: the telemetry of whole simulator scenarios (an outburst, a debris
flow that evacuates on its geophone's held tremor, a slow drainage of the unwatched cha-2, a rockfall
at a geophone, sensor faults) fed through the live path (Ingestor + DetectionListener on SQLite) in
small batches in arrival order gives the decisions of one replay over the whole file: same time, level,
hazard, lake and zones. State a decision depends on (how long the geophone has shaken, the hold timer,
the first sightings) must be carried across the live calls, not counted within each."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from glofwatch.clock import FixedClock, from_ms
from glofwatch.detection.live import DetectionListener
from glofwatch.detection.replay import replay_frame
from glofwatch.sim.scenarios import scenario
from glofwatch.store import open_store
from glofwatch.telemetry.batch import Incoming, IngestReport
from glofwatch.telemetry.pipeline import Ingestor

# dev seeds (500000-999999); what each exercises is asserted below so a regenerated simulator cannot
# silently turn the test into one about quiet days
SCENARIOS = {
    500017: "debris_flow",  # evacuates on the geophone's held tremor (geo_run over several minutes)
    500001: "debris_flow",  # evacuates on a gauge front held by a second reading
    500117: "debris_flow",  # chong-ak-suu: the neighbour's rain and a front against the gauge's own river
    500020: "glof",  # cha-1 outburst
    500000: "glof",  # slow drainage of cha-2 (no lake station)
    500013: "glof",  # cak-1 outburst, its lake station destroyed
    500014: "fault",  # drift + spike at the lake station, battery dropout at the gauge
    500049: "fault",  # a burst (rockfall) at a geophone
}


def _key(ds):  # noqa: ANN001, ANN202
    return [(d.time, d.level, d.hazard, d.lake, tuple(d.zones)) for d in ds]


def live_decisions(site, df: pd.DataFrame, tmp_path, batch_min: int):  # noqa: ANN001, ANN201
    """The rows in event-time order (as stations send them), ``batch_min`` minutes of readings a message."""
    t = pd.to_datetime(df["time"], utc=True, format="ISO8601")
    t_ms = (t - pd.Timestamp(0, tz="UTC")) // pd.Timedelta("1ms")
    df = df.assign(t_ms=t_ms.to_numpy(np.int64)).sort_values("t_ms", kind="stable")
    store = open_store(str(tmp_path / f"live-{batch_min}.sqlite"))
    clock = FixedClock(from_ms(int(df["t_ms"].iloc[0])))
    listener = DetectionListener(site, store, clock=clock)
    ing = Ingestor(site, store, clock=clock, listeners=[listener])
    slot = (df["t_ms"] - 1) // (batch_min * 60_000)  # a slot ends on a tick: no tick is split across messages
    for _, g in df.groupby(slot, sort=True):
        clock.set(from_ms(int(g["t_ms"].max()) + 1_000))
        v = pd.to_numeric(g["value"], errors="coerce").to_numpy(np.float64)
        inc = Incoming(g["station"].to_numpy(object), g["sensor"].to_numpy(object), g["t_ms"].to_numpy(np.int64), v,
                       np.isnan(v), np.zeros(len(v), bool), where=lambda i: f"row {i}")
        ing.ingest([inc], IngestReport(), live=True)
    return listener.decisions


@pytest.mark.parametrize("seed", sorted(SCENARIOS))
def test_live_in_small_batches_decides_as_replay(site, tmp_path, seed) -> None:  # noqa: ANN001
    sc = scenario(site, seed)
    assert sc.truth["kind"] == SCENARIOS[seed]
    replayed = replay_frame(site, sc.telemetry)
    for batch_min in (1, 5):
        assert _key(live_decisions(site, sc.telemetry, tmp_path, batch_min)) == _key(replayed), batch_min


def test_the_scenarios_exercise_what_they_are_here_for(site) -> None:  # noqa: ANN001
    debris = replay_frame(site, scenario(site, 500017).telemetry)
    ev = [d for d in debris if d.level == "evacuate" and d.hazard == "debris_flow"]
    assert ev and ev[0].evidence["features"]["geo_run"] >= 5  # the held-tremor rule, counted over minutes
    cak = [d for d in replay_frame(site, scenario(site, 500117).telemetry) if d.level == "evacuate"]
    assert cak and cak[0].zones == ["cak-grig"] and cak[0].evidence["features"]["gauge_step"] > 0
    rock = scenario(site, 500049)
    assert any(f["kind"] == "burst" for f in rock.truth["faults"])
    slow = replay_frame(site, scenario(site, 500000).telemetry)
    assert any(d.level == "evacuate" and d.lake == "cha-2" for d in slow)


def test_live_carries_a_rockfall_and_a_flow_across_calls(site, tmp_path) -> None:  # noqa: ANN001
    """A geophone that shakes for 20 min in a storm: live one reading a call evacuates when replay does (the
    tremor's duration is counted across calls); a 2-minute burst evacuates in neither."""
    from datetime import UTC, datetime

    from glofwatch.sim.day import quiet_day

    start = datetime(2026, 7, 1, tzinfo=UTC)
    df = quiet_day(site, start, hours=4.0, seed=3)
    h = (pd.to_datetime(df["time"], utc=True) - pd.Timestamp(start)).dt.total_seconds().to_numpy() / 3600
    rain = (df["sensor"] == "precipitation").to_numpy() & (h >= 2.0)
    df.loc[rain, "value"] = 30.0 / 6  # 30 mm/h, a storm well over Caine's and Guzzetti's thresholds
    geo = ((df["station"] == "geo-cha") & (df["sensor"] == "ground_velocity")).to_numpy()
    for lo, hi, name in ((3.0, 3.0 + 20 / 60, "flow"), (2.5, 2.5 + 2 / 60, "burst")):
        d = df.copy()
        m = geo & (h >= lo) & (h < hi)
        noise = np.random.default_rng(7).lognormal(0.0, 0.1, int(m.sum()))  # a live geophone never repeats a value
        d.loc[m, "value"] = 2.0 * noise
        replayed = replay_frame(site, d)
        live = live_decisions(site, d, tmp_path / name, 1) if (tmp_path / name).mkdir() is None else None
        assert _key(live) == _key(replayed)
        evac = [x for x in replayed if x.level == "evacuate" and x.hazard == "debris_flow"]
        assert bool(evac) == (name == "flow")
