"""The live path: Ingestor + DetectionListener give the decisions replay gives, stored for warnings."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pandas as pd

from glofwatch.clock import FixedClock
from glofwatch.detection.live import DetectionListener
from glofwatch.detection.replay import replay_frame
from glofwatch.detection.store import decisions_since
from glofwatch.sim.scenarios import outburst
from glofwatch.telemetry.batch import Incoming, IngestReport
from glofwatch.telemetry.pipeline import Ingestor


def _incoming(df) -> Incoming:  # noqa: ANN001
    t = (df["time"].map(lambda s: int(datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp() * 1000))).to_numpy(np.int64)
    v = df["value"].to_numpy(np.float64)
    return Incoming(df["station"].to_numpy(object), df["sensor"].to_numpy(object), t, v, np.isnan(v),
                    np.zeros(len(v), bool), where=lambda i: f"row {i}")


def test_live_equals_replay_and_decisions_are_stored(site, store) -> None:
    sc = outburst(site, "cha-1", seed=7, start=datetime(2026, 7, 1, 6, tzinfo=UTC), destroy_station=False)
    df = sc.telemetry.sort_values("time", kind="stable")
    onset = sc.truth["onset"]
    lo = (pd.Timestamp(onset) - pd.Timedelta("100min")).strftime("%Y-%m-%dT%H:%M:%SZ")
    hi = (pd.Timestamp(onset) + pd.Timedelta("40min")).strftime("%Y-%m-%dT%H:%M:%SZ")
    df = df[(df["time"] >= lo) & (df["time"] <= hi)]  # the outburst and the 100 min before it: enough, and fast
    replayed = replay_frame(site, df)
    seen = []
    clock = FixedClock(datetime(2026, 7, 1, 6, tzinfo=UTC))
    listener = DetectionListener(site, store, on_decision=seen.append, clock=clock)
    ing = Ingestor(site, store, clock=clock, listeners=[listener])
    for t, chunk in df.groupby("time", sort=True):  # one message per timestamp, in event time
        clock.set(datetime.fromisoformat(t.replace("Z", "+00:00")))
        ing.ingest([_incoming(chunk)], IngestReport(), live=True)
    key = [(d.time, d.level, d.hazard, d.lake, tuple(d.zones)) for d in replayed]
    assert [(d.time, d.level, d.hazard, d.lake, tuple(d.zones)) for d in listener.decisions] == key
    assert [d.id for d in seen] == [d.id for d in replayed]
    stored = decisions_since(store, site.id, 0)
    assert [s.decision.id for s in stored] == [d.id for d in replayed]
    assert decisions_since(store, site.id, stored[-1].row_id) == []
    assert any(s.decision.level == "evacuate" for s in stored)


def test_station_silent_event_evaluates_when_nothing_arrives(site) -> None:
    from glofwatch.detection.engine import ceil_ticks
    from glofwatch.sim.day import quiet_day

    df = quiet_day(site, datetime(2026, 7, 1, tzinfo=UTC), hours=2, seed=1)
    listener = DetectionListener(site, None, detector="thresholds")
    eng = listener.engine
    for key, g in df.assign(k=[eng.index.key_of[(a, b)] for a, b in zip(df.station, df.sensor, strict=True)]).groupby("k"):
        t = g["time"].map(lambda s: int(datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp() * 1000)).to_numpy()
        eng.add(int(key), t, g["value"].to_numpy(float), np.zeros(len(t), np.int32))
    last = int(max(s.t[-1] for s in eng.states.values()))
    assert eng.evaluate(np.unique(ceil_ticks(np.array([last])))) == []
    out = listener.on_event({"kind": "station_silent", "station": "lake-cha-1", "t_ms": last + 40 * 60_000})
    assert [(d.level, d.lake) for d in out if d.hazard == "glof"][:1] == [("advisory", "cha-1")]
    assert any("silent" in line for line in out[0].explanation)
