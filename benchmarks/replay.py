"""Replay throughput: telemetry rows per second through glofwatch.detection.replay.replay_frame.

The frame is what a replay file holds: ISO time strings, station, sensor and values as text (NAN
for missing), 120 days of the demo site (quiet background from glofwatch.sim.day) with simulated
outbursts and debris flows pasted in, so the detectors and the decision policy have work to do.
Times include parsing the strings, QC, features, fusion and decisions (not the CSV read itself,
reported separately). Run: ``.venv/bin/python benchmarks/replay.py [--days 120] [--detector fusion]``.
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime, timedelta

import pandas as pd

from glofwatch.detection.replay import replay_frame
from glofwatch.sim.day import quiet_day
from glofwatch.sim.scenarios import scenario
from glofwatch.site import load_site


def frame(days: int) -> pd.DataFrame:
    site = load_site(None)
    start = datetime(2026, 6, 1, tzinfo=UTC)
    parts = [quiet_day(site, start, hours=24 * days, seed=1)]
    for i, seed in enumerate((0, 1, 3, 6, 7)):
        sc = scenario(site, seed)
        df = sc.telemetry.copy()
        t = pd.to_datetime(df["time"], utc=True)
        shift = (start + timedelta(days=10 + 20 * i)) - t.min().to_pydatetime()
        df["time"] = (t + shift).dt.strftime("%Y-%m-%dT%H:%M:%SZ")
        lo, hi = df["time"].min(), df["time"].max()
        base = parts[0]
        parts[0] = base[(base["time"] < lo) | (base["time"] > hi)]
        parts.append(df)
    df = pd.concat(parts, ignore_index=True).sort_values("time", kind="stable")
    df["value"] = df["value"].map(lambda x: "NAN" if pd.isna(x) else f"{x:.4f}")
    return df.reset_index(drop=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--days", type=int, default=120)
    ap.add_argument("--detector", default="fusion")
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    site = load_site(None)
    df = frame(a.days)
    best = float("inf")
    for _ in range(a.repeat):
        t0 = time.perf_counter()
        ds = replay_frame(site, df, detector=a.detector)
        best = min(best, time.perf_counter() - t0)
    print(f"replay_frame[{a.detector}]: {len(df):,} rows in {best:.2f} s = {len(df) / best:,.0f} rows/s "
          f"(best of {a.repeat}); {len(ds)} decisions, "
          f"{sum(d.level == 'evacuate' for d in ds)} evacuate")


if __name__ == "__main__":
    main()
