"""Live path latency: from the Ingestor.ingest call to the decision being available (stored, hook called).

An outburst scenario of the demo site (glofwatch.sim.scenarios.outburst) is fed through a real
Ingestor on SQLite (or --database postgresql://...) with the DetectionListener attached, one message
per timestamp in event time, as stations send them. Each message's latency is the wall time of the
ingest call (parse-free: validation, QC, storage, detection, decision storage, hook), since the
listener runs inside it. Reported: p50/p99/max over all messages and over the messages that
produced a decision. Run: ``.venv/bin/python benchmarks/live_latency.py [--postgres]``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from glofwatch.clock import FixedClock
from glofwatch.detection.live import DetectionListener
from glofwatch.sim.scenarios import outburst
from glofwatch.site import load_site
from glofwatch.store import open_store
from glofwatch.telemetry.batch import Incoming, IngestReport
from glofwatch.telemetry.pipeline import Ingestor


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--database", default=None)
    ap.add_argument("--postgres", action="store_true", help="a throw-away database on the test PostgreSQL server")
    a = ap.parse_args()
    if a.postgres:
        from glofwatch.testing.services import pg_database

        with pg_database() as url:
            bench(url)
        return
    bench(a.database)


def bench(database: str | None) -> None:
    site = load_site(None)
    sc = outburst(site, "cha-1", seed=7, start=datetime(2026, 7, 1, 6, tzinfo=UTC), destroy_station=False)
    df = sc.telemetry.sort_values("time", kind="stable")
    tmp = Path(tempfile.mkdtemp())
    store = open_store(database or str(tmp / "live.sqlite"))
    clock = FixedClock(datetime(2026, 7, 1, 6, tzinfo=UTC))
    got: list[float] = []
    listener = DetectionListener(site, store, clock=clock, on_decision=lambda d: got.append(time.perf_counter()))
    ing = Ingestor(site, store, clock=clock, listeners=[listener])
    lat, lat_dec = [], []
    for t, chunk in df.groupby("time", sort=True):
        ts = chunk["time"].map(lambda s: int(datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp() * 1000))
        v = chunk["value"].to_numpy(np.float64)
        inc = Incoming(chunk["station"].to_numpy(object), chunk["sensor"].to_numpy(object), ts.to_numpy(np.int64), v,
                       np.isnan(v), np.zeros(len(v), bool), where=lambda i: "bench")
        clock.set(datetime.fromisoformat(t.replace("Z", "+00:00")))
        n0 = len(got)
        t0 = time.perf_counter()
        ing.ingest([inc], IngestReport(), live=True)
        dt = (time.perf_counter() - t0) * 1000
        lat.append(dt)
        if len(got) > n0:
            lat_dec.append((got[-1] - t0) * 1000)
    q = np.percentile(lat, [50, 99])
    print(f"live: {len(lat)} messages, ingest->decision-available latency p50 {q[0]:.1f} ms, p99 {q[1]:.1f} ms, "
          f"max {max(lat):.1f} ms ({store.engine.dialect.name})")
    if lat_dec:
        print(f"  messages that produced a decision ({len(lat_dec)}): max {max(lat_dec):.1f} ms")
    store.engine.dispose()


if __name__ == "__main__":
    main()
